import { AbiCoder, keccak256 } from "ethers";
import { SCALAR_FIELD } from "../crypto/field.js";

/**
 * Signing domain of a cluster deployment: keccak256(abi.encode(uint256 l1ChainId, uint256 clusterId)) mod r,
 * exactly as ClusterSettlement computes it from `block.chainid` and its `clusterId` at deployment.
 * Every signed operation digest and every roots commitment carries it (circuits/cluster_batch.circom),
 * so an operation signed for one cluster or one L1 is refused by any other (no cross-deployment replay).
 * @param l1ChainId EIP-155 chain id of the settlement L1 (anvil: 31337).
 * @param clusterId the cluster's id from its genesis file, 0 <= clusterId < 2^256.
 * @returns a field element (< r).
 * @throws RangeError naming the argument when it is negative or above 256 bits.
 */
export function clusterDomain(l1ChainId: bigint, clusterId: bigint): bigint {
  for (const [name, v] of [
    ["l1ChainId", l1ChainId],
    ["clusterId", clusterId],
  ] as const) {
    if (v < 0n || v >= 1n << 256n) throw new RangeError(`${name}: must be in 0..2^256-1, got ${v}`);
  }
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [l1ChainId, clusterId]))) % SCALAR_FIELD;
}
