import { noopSlot, type SlotWitness } from "../state/cluster-state.js";

/** Header of a batch: what the proof's public inputs are made of. */
export interface BatchHeader {
  batchIndex: bigint;
  firstTick: number;
  lastTick: number;
  oldRoots: bigint[];
  newRoots: bigint[];
  /** Poseidon(oldRoots): the settlement contract's stored commitment before the batch. */
  oldRootsCommitment: bigint;
  /** Poseidon(newRoots). */
  newRootsCommitment: bigint;
}

/** Commitment to all member roots: Poseidon(roots[0..N-1]) (circomlib Poseidon, N <= 16), as in ClusterBatch. */
export function rootsCommitment(poseidon: (x: bigint[]) => bigint, roots: bigint[]): bigint {
  if (roots.length < 1 || roots.length > 16) throw new RangeError(`roots: Poseidon takes 1..16 inputs, got ${roots.length}`);
  return poseidon(roots);
}

/** A header with its roots commitments computed. */
export function makeHeader(poseidon: (x: bigint[]) => bigint,
                           h: Omit<BatchHeader, "oldRootsCommitment" | "newRootsCommitment">): BatchHeader {
  return { ...h, oldRootsCommitment: rootsCommitment(poseidon, h.oldRoots), newRootsCommitment: rootsCommitment(poseidon, h.newRoots) };
}

/** The packed header public input: batchIndex * 2^64 + firstTick * 2^32 + lastTick (as ClusterSettlement packs it). */
export function packedHeader(h: Pick<BatchHeader, "batchIndex" | "firstTick" | "lastTick">): bigint {
  return (h.batchIndex << 64n) + (BigInt(h.firstTick) << 32n) + BigInt(h.lastTick);
}

/**
 * Public signals of a batch in circuit order: [header, oldRootsCommitment, newRootsCommitment, newRoots[N]].
 */
export function publicSignals(h: BatchHeader): bigint[] {
  return [packedHeader(h), h.oldRootsCommitment, h.newRootsCommitment, ...h.newRoots];
}

/**
 * Circuit input of ClusterBatch(N, D, B, Δ): the header and the slots, padded with NOOP slots at
 * lastTick up to `slotCount`. Values are decimal strings, as snarkjs and circom's witness calculator take.
 * @throws RangeError when there are more slots than `slotCount`.
 */
export function batchCircuitInput(header: BatchHeader, slots: SlotWitness[], slotCount: number, depth: number): Record<string, unknown> {
  if (slots.length > slotCount) throw new RangeError(`slots: ${slots.length} operations exceed the instance's ${slotCount} slots`);
  const padded = [...slots];
  while (padded.length < slotCount) padded.push(noopSlot(header.lastTick, depth));
  const column = <K extends keyof SlotWitness>(k: K) => padded.map((s) => s[k]);
  const input: Record<string, unknown> = {
    header: packedHeader(header), oldRootsCommitment: header.oldRootsCommitment, newRootsCommitment: header.newRootsCommitment,
    newRoots: header.newRoots, batchIndex: header.batchIndex, firstTick: BigInt(header.firstTick), lastTick: BigInt(header.lastTick),
    oldRoots: header.oldRoots,
  };
  for (const key of Object.keys(padded[0] ?? noopSlot(0, depth)) as (keyof SlotWitness)[]) input[key] = column(key);
  return JSON.parse(JSON.stringify(input, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
