/**
 * Commitment to all member roots of one deployment: Poseidon(domain, Poseidon(roots[0..N-1]))
 * (circomlib Poseidon), as RootsCommitment in circuits/cluster_batch.circom and the constructor of
 * ClusterSettlement (circomlibjs' Poseidon contracts of N and 2 inputs).
 * @throws RangeError naming `roots` when there are not 2..8 of them (L1's Poseidon takes at most 8).
 */
export function rootsCommitment(poseidon: (x: bigint[]) => bigint, domain: bigint, roots: bigint[]): bigint {
  if (roots.length < 2 || roots.length > 8) throw new RangeError(`roots: 2..8 member roots, got ${roots.length}`);
  return poseidon([domain, poseidon(roots)]);
}
