import { noopSlot, type SlotWitness } from "../state/cluster-state.js";

/** Public header of a batch: the proof's public inputs in circuit order. */
export interface BatchHeader {
  batchIndex: bigint;
  firstTick: number;
  lastTick: number;
  oldRoots: bigint[];
  newRoots: bigint[];
}

/** Public signals of a batch in the order circom emits them (ClusterBatch `main` public list). */
export function publicSignals(h: BatchHeader): bigint[] {
  return [h.batchIndex, BigInt(h.firstTick), BigInt(h.lastTick), ...h.oldRoots, ...h.newRoots];
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
    batchIndex: header.batchIndex, firstTick: BigInt(header.firstTick), lastTick: BigInt(header.lastTick),
    oldRoots: header.oldRoots, newRoots: header.newRoots,
  };
  for (const key of Object.keys(padded[0] ?? noopSlot(0, depth)) as (keyof SlotWitness)[]) input[key] = column(key);
  return JSON.parse(JSON.stringify(input, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
