/*
 * Token ids of the cluster, and who owns each token (seed 001: every token has one owner; a broken
 * member loses at most what it holds). Ids below NATIVE_TOKEN_BASE are L1-bridged, owned by L1: ETH is
 * 1, ClusterSettlement's `listToken` gives listed ERC-20s 2, 3, …. Ids from NATIVE_TOKEN_BASE up are
 * cluster-native: id = NATIVE_TOKEN_BASE + 16 * minterIndex + ownerChain, minted only by the leaf
 * `minterIndex` on chain `ownerChain` (MintRight in circuits/lib/operation.circom; the contract reads
 * the owner the same way). Every id is below 2^16 (TOKEN_BITS in ./pubdata.ts).
 */

/** Token id of ETH in the cluster (ClusterSettlement's ETH_TOKEN); listed ERC-20s get 2, 3, …. */
export const ETH_TOKEN_ID = 1n;

/** First cluster-native token id (NATIVE_TOKEN_BASE() in circuits/lib/operation.circom): 2^15. */
export const NATIVE_TOKEN_BASE = 1n << 15n;

/** Chains a token id can name as owner: the low 4 bits (N <= 16). */
const OWNER_CHAINS = 16n;

/** Largest minter leaf index + 1 that keeps a native token id below 2^16: 2^11. */
export const MINTER_INDEX_LIMIT = ((1n << 16n) - NATIVE_TOKEN_BASE) / OWNER_CHAINS;

/** Owner of a cluster-native token: the chain that mints it and the leaf whose key signs its mints. */
export interface NativeTokenOwner {
  chainId: number;
  minterIndex: bigint;
}

/**
 * Id of the cluster-native token minted by leaf `minterIndex` on chain `ownerChain`:
 * NATIVE_TOKEN_BASE + 16 * minterIndex + ownerChain.
 * @throws RangeError naming the argument when ownerChain is not in 0..15 or minterIndex not in 0..2047.
 */
export function nativeTokenId(ownerChain: number, minterIndex: bigint): bigint {
  if (!Number.isInteger(ownerChain) || ownerChain < 0 || BigInt(ownerChain) >= OWNER_CHAINS)
    throw new RangeError(`ownerChain: must be in 0..15, got ${ownerChain}`);
  if (minterIndex < 0n || minterIndex >= MINTER_INDEX_LIMIT) throw new RangeError(`minterIndex: must be in 0..${MINTER_INDEX_LIMIT - 1n}, got ${minterIndex}`);
  return NATIVE_TOKEN_BASE + OWNER_CHAINS * minterIndex + BigInt(ownerChain);
}

/** The owner of a cluster-native token id, or undefined for an L1-bridged id (below NATIVE_TOKEN_BASE) or one of 2^16 or more. */
export function nativeTokenOwner(tokenId: bigint): NativeTokenOwner | undefined {
  if (tokenId < NATIVE_TOKEN_BASE || tokenId >= 1n << 16n) return undefined;
  const offset = tokenId - NATIVE_TOKEN_BASE;
  return { chainId: Number(offset % OWNER_CHAINS), minterIndex: offset / OWNER_CHAINS };
}
