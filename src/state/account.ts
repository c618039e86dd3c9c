/** An account leaf: Poseidon(pubKeyAx, pubKeyAy, tokenId, balance, nonce) (DESIGN.md). */
export interface Account {
  ax: bigint;
  ay: bigint;
  tokenId: bigint;
  balance: bigint;
  nonce: bigint;
}

/** Leaf hash of an account, as AccountLeaf in circuits/lib/account.circom (Poseidon of LEAF_FIELDS). */
export function accountLeaf(poseidon: (x: bigint[]) => bigint, a: Account): bigint {
  return poseidon([a.ax, a.ay, a.tokenId, a.balance, a.nonce]);
}

/** The leaf fields in circuit order [ax, ay, tokenId, balance, nonce]. */
export function accountFields(a: Account): bigint[] {
  return [a.ax, a.ay, a.tokenId, a.balance, a.nonce];
}
