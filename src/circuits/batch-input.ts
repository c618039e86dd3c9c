import { noopSlot, type SlotWitness } from "./witness-layout.js";
import { rootsCommitment } from "../protocol/roots-commitment.js";
import { toJson } from "../protocol/json.js";
import { PUBDATA_FIELDS, pubdataCommitment, slotPubdataWords } from "../protocol/pubdata.js";

/** Header of a batch: what the proof's public inputs are made of. */
export interface BatchHeader {
  /** Signing domain of the cluster deployment (clusterDomain in src/protocol/domain.ts): a private input. */
  domain: bigint;
  batchIndex: bigint;
  firstTick: number;
  lastTick: number;
  oldRoots: bigint[];
  newRoots: bigint[];
  /** Poseidon(domain, Poseidon(oldRoots)): the settlement contract's stored commitment before the batch. */
  oldRootsCommitment: bigint;
  /** Poseidon(domain, Poseidon(newRoots)). */
  newRootsCommitment: bigint;
  /** Poseidon hash chain of the batch's published data (pubdataCommitment in src/protocol/pubdata.ts). */
  pubdataCommitment: bigint;
}

/**
 * A header with its commitments computed: both roots commitments, and the pubdata commitment of the
 * slots padded to the instance's B (paddedSlots).
 * @param slots the batch's slots (before NOOP padding); slotCount B, depth D of the instance.
 * @throws RangeError when there are more slots than `slotCount` or a slot's pubdata does not fit its word (slotPubdataWords).
 */
export function makeHeader(
  poseidon: (x: bigint[]) => bigint,
  h: Omit<BatchHeader, "oldRootsCommitment" | "newRootsCommitment" | "pubdataCommitment">,
  slots: SlotWitness[],
  slotCount: number,
  depth: number,
): BatchHeader {
  return {
    ...h,
    oldRootsCommitment: rootsCommitment(poseidon, h.domain, h.oldRoots),
    newRootsCommitment: rootsCommitment(poseidon, h.domain, h.newRoots),
    pubdataCommitment: pubdataCommitment(poseidon, batchPubdata(slots, slotCount, h.lastTick, depth)),
  };
}

/** A batch's published data: the words of each slot padded to B (slotPubdataWords), flat in slot order. */
export function batchPubdata(slots: SlotWitness[], slotCount: number, lastTick: number, depth: number): bigint[] {
  return paddedSlots(slots, slotCount, lastTick, depth).flatMap(slotPubdataWords);
}

/** The packed header public input: batchIndex * 2^64 + firstTick * 2^32 + lastTick (as ClusterSettlement packs it). */
export function packedHeader(h: Pick<BatchHeader, "batchIndex" | "firstTick" | "lastTick">): bigint {
  return (h.batchIndex << 64n) + (BigInt(h.firstTick) << 32n) + BigInt(h.lastTick);
}

/**
 * Public signals of a batch in circuit order: [header, oldRootsCommitment, newRootsCommitment, pubdataCommitment, newRoots[N]].
 */
export function publicSignals(h: BatchHeader): bigint[] {
  return [packedHeader(h), h.oldRootsCommitment, h.newRootsCommitment, h.pubdataCommitment, ...h.newRoots];
}

/** The slots of a batch padded with NOOP slots at lastTick up to `slotCount` (what the circuit proves and the pubdata publishes). @throws RangeError when there are more slots than `slotCount`. */
export function paddedSlots(slots: SlotWitness[], slotCount: number, lastTick: number, depth: number): SlotWitness[] {
  if (slots.length > slotCount) throw new RangeError(`slots: ${slots.length} operations exceed the instance's ${slotCount} slots`);
  const padded = [...slots];
  while (padded.length < slotCount) padded.push(noopSlot(lastTick, depth));
  return padded;
}

/** A circuit input as snarkjs and circom's witness calculator read it: each input signal by name, a decimal string or (nested) arrays of them by the signal's shape. */
export type CircuitInput = Record<string, string | string[] | string[][]>;

/**
 * Circuit input of ClusterBatch(N, D, B, Δ): the header and the slots, padded with NOOP slots at
 * lastTick up to `slotCount`. Values are decimal strings, as snarkjs and circom's witness calculator take.
 * @throws RangeError when there are more slots than `slotCount`.
 */
export function batchCircuitInput(header: BatchHeader, slots: SlotWitness[], slotCount: number, depth: number): CircuitInput {
  const padded = paddedSlots(slots, slotCount, header.lastTick, depth);
  const column = <K extends keyof SlotWitness>(k: K) => padded.map((s) => s[k]);
  const input: Record<string, unknown> = {
    header: packedHeader(header),
    oldRootsCommitment: header.oldRootsCommitment,
    newRootsCommitment: header.newRootsCommitment,
    pubdataCommitment: header.pubdataCommitment,
    newRoots: header.newRoots,
    batchIndex: header.batchIndex,
    firstTick: BigInt(header.firstTick),
    lastTick: BigInt(header.lastTick),
    oldRoots: header.oldRoots,
    domain: header.domain,
  };
  for (const key of Object.keys(padded[0] ?? noopSlot(0, depth)) as (keyof SlotWitness)[]) input[key] = column(key);
  return JSON.parse(toJson(input)) as CircuitInput;
}

/**
 * A batch's published data read back from its circuit input (as the store keeps it): the words of
 * each of its B slots (slotPubdataWords), flat in slot order; equal to batchPubdata of the slots it was made from.
 * @throws RangeError naming the signal when the input lacks a slot column.
 */
export function pubdataOfInput(input: CircuitInput): bigint[] {
  const columns = input as Record<string, string[]>;
  const b = columns.debitOn?.length ?? 0;
  const words: bigint[] = [];
  for (let s = 0; s < b; s++) {
    const at = (k: string) => {
      const c = columns[k];
      if (!Array.isArray(c) || c[s] === undefined) throw new RangeError(`input.${k}: no value for slot ${s}`);
      return BigInt(c[s]);
    };
    const slot = Object.fromEntries(PUBDATA_FIELDS.map((k) => [k, at(k)])) as unknown as SlotWitness;
    words.push(...slotPubdataWords(slot));
  }
  return words;
}
