import { EddsaSigner } from "../crypto/eddsa.js";
import type { ClusterState } from "../state/cluster-state.js";
import { FieldError } from "../config/field-error.js";
import { ADDRESS_LIMIT } from "../state/cluster-state.js";

/** Operation type of an exodus exit's digest (EXIT_OP in ClusterSettlement: after TRANSFER 1, SEND 2, RECEIVE 3, WITHDRAW 4; MINT is 6). */
export const EXIT_OP = 5n;

/** `ClusterSettlement.ExitRequest` as ethers encodes it (IClusterSettlement.sol). */
export interface ExitRequest {
  chainId: bigint;
  leafIndex: bigint;
  ax: bigint;
  ay: bigint;
  tokenId: bigint;
  balance: bigint;
  nonce: bigint;
  siblings: bigint[];
  r8x: bigint;
  r8y: bigint;
  s: bigint;
  recipient: string;
}

/**
 * What the owner of an account signs to exit in exodus mode: Poseidon(domain, 5, chainId, leafIndex,
 * tokenId, recipient) (circomlib Poseidon; ClusterSettlement.exit recomputes it with circomlibjs'
 * contract of 6 inputs). The domain stops replay across deployments, the leaf and token across accounts.
 * @param recipient the L1 address paid, as a uint160.
 */
export function exitDigest(poseidon: (x: bigint[]) => bigint, domain: bigint, chainId: number, leafIndex: bigint, tokenId: bigint, recipient: bigint): bigint {
  return poseidon([domain, EXIT_OP, BigInt(chainId), leafIndex, tokenId, recipient]);
}

/**
 * Builds the exodus exit of one account from a state that matches the contract's last settled roots
 * (`sync`'s): its leaf, its Merkle path, and its owner's EdDSA-Poseidon signature of exitDigest.
 * @param privateKey the account owner's 32-byte Baby Jubjub key.
 * @param recipient the L1 address (0x and 40 hex digits) the balance is owed to.
 * @throws FieldError naming `chainId`/`index` when there is no such account, `key` when the key is not
 *   the account's, `recipient` when it is not a non-zero address.
 */
export async function buildExitRequest(
  state: ClusterState,
  poseidon: (x: bigint[]) => bigint,
  chainId: number,
  index: bigint,
  privateKey: Uint8Array,
  recipient: string,
): Promise<ExitRequest> {
  const account = state.account(chainId, index);
  if (!account) throw new FieldError("index", `no account ${index} on chain ${chainId}`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(recipient) || BigInt(recipient) === 0n || BigInt(recipient) >= ADDRESS_LIMIT) {
    throw new FieldError("recipient", "must be a non-zero L1 address (0x and 40 hex digits)");
  }
  const signer = await EddsaSigner.create();
  const key = signer.keyPair(privateKey);
  if (key.ax !== account.ax || key.ay !== account.ay) throw new FieldError("key", `not the key of account ${index} on chain ${chainId}`);
  const sig = signer.sign(privateKey, exitDigest(poseidon, state.domain, chainId, index, account.tokenId, BigInt(recipient)));
  return {
    chainId: BigInt(chainId),
    leafIndex: index,
    ax: account.ax,
    ay: account.ay,
    tokenId: account.tokenId,
    balance: account.balance,
    nonce: account.nonce,
    siblings: state.siblings(chainId, index),
    r8x: sig.R8x,
    r8y: sig.R8y,
    s: sig.S,
    recipient,
  };
}
