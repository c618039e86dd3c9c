/** Slot operation types, as encoded in the circuit's `opType` signal. */
export const OpType = { NOOP: 0, TRANSFER: 1, SEND: 2, RECEIVE: 3, WITHDRAW: 4, MINT: 6 } as const;
export type OpTypeName = keyof typeof OpType;

/** EdDSA-Poseidon signature over Baby Jubjub (circomlibjs `signPoseidon`): point R8 and scalar S. */
export interface Signature {
  R8x: bigint;
  R8y: bigint;
  S: bigint;
}

/**
 * A user operation, signed by the sender. `chainId` is the chain it executes on; for SEND,
 * `dstChain` is the destination member and `to` the recipient's leaf index there; for WITHDRAW,
 * `dstChain` = `chainId` and `to` is the L1 address (a uint160, not zero) the settlement contract
 * owes the amount to once the batch settles; for MINT, `dstChain` = `chainId`, `from` is the token's
 * minter leaf (signing with its key) and `to` the recipient's leaf on the same chain: `tokenId` must be
 * the cluster-native token that leaf mints (nativeTokenId in ./token.ts). Amounts are integers in token
 * base units, < 2^128.
 */
export interface SignedOperation {
  type: "TRANSFER" | "SEND" | "WITHDRAW" | "MINT";
  chainId: number;
  dstChain: number;
  from: bigint;
  to: bigint;
  tokenId: bigint;
  amount: bigint;
  nonce: bigint;
  dataHash: bigint;
  signature: Signature;
}

/** A cross-chain message: the tuple of DESIGN.md, hashed with Poseidon(8). */
export interface Message {
  srcChain: number;
  dstChain: number;
  seq: bigint;
  sendTick: number;
  recipient: bigint;
  tokenId: bigint;
  amount: bigint;
  dataHash: bigint;
}

/**
 * Digest the sender signs: Poseidon(domain, opType, chainId, peerChainId, from, to, tokenId, amount,
 * nonce, dataHash); peerChainId = dstChain for SEND and chainId for TRANSFER, WITHDRAW and MINT. Matches `digest` in
 * circuits/lib/operation.circom (OperationDigest). Binding both chain ids and the nonce prevents replay across chains; the
 * domain (clusterDomain in ./domain.ts: L1 chain id and cluster id) replay across deployments.
 * @param domain the cluster's signing domain, a field element.
 */
export function operationDigest(poseidon: (x: bigint[]) => bigint, domain: bigint, op: Omit<SignedOperation, "signature">): bigint {
  const peer = op.type === "SEND" ? op.dstChain : op.chainId;
  return poseidon([domain, BigInt(OpType[op.type]), BigInt(op.chainId), BigInt(peer), op.from, op.to, op.tokenId, op.amount, op.nonce, op.dataHash]);
}

/** Message hash Poseidon(src, dst, seq, sendTick, recipient, tokenId, amount, dataHash); MessageHash in circuits/lib/message.circom, the one hash of outbox and inbox. */
export function messageHash(poseidon: (x: bigint[]) => bigint, m: Message): bigint {
  return poseidon([BigInt(m.srcChain), BigInt(m.dstChain), m.seq, BigInt(m.sendTick), m.recipient, m.tokenId, m.amount, m.dataHash]);
}

/**
 * A deposit on L1 (ClusterSettlement `depositEth` / `depositErc20`), as its `Deposited` event records it:
 * the `index`-th entry of the contract's deposit queue, for leaf `to` on member `chainId`. A batch
 * consumes the queue in order: a credit of the leaf, or a refund on L1 to `depositor` when no leaf can
 * take it (an empty leaf, or one of another token).
 */
export interface L1Deposit {
  /** Position in the deposit queue (0-based). */
  index: bigint;
  chainId: number;
  /** Leaf index on chainId. */
  to: bigint;
  tokenId: bigint;
  /** In token base units, 1..2^96-1 (the contract's cap). */
  amount: bigint;
  /** L1 address that deposited (0x and 40 hex digits): paid back when the deposit is refunded. */
  depositor: string;
}
