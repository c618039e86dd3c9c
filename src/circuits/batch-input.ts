import { noopSlot, type SlotWitness } from "./witness-layout.js";
import { rootsCommitment } from "../protocol/roots-commitment.js";
import { toJson } from "../protocol/json.js";

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
}

/** A header with its roots commitments computed. */
export function makeHeader(poseidon: (x: bigint[]) => bigint, h: Omit<BatchHeader, "oldRootsCommitment" | "newRootsCommitment">): BatchHeader {
  return { ...h, oldRootsCommitment: rootsCommitment(poseidon, h.domain, h.oldRoots), newRootsCommitment: rootsCommitment(poseidon, h.domain, h.newRoots) };
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

/** A circuit input as snarkjs and circom's witness calculator read it: each input signal by name, a decimal string or (nested) arrays of them by the signal's shape. */
export type CircuitInput = Record<string, string | string[] | string[][]>;

/**
 * Circuit input of ClusterBatch(N, D, B, Δ): the header and the slots, padded with NOOP slots at
 * lastTick up to `slotCount`. Values are decimal strings, as snarkjs and circom's witness calculator take.
 * @throws RangeError when there are more slots than `slotCount`.
 */
export function batchCircuitInput(header: BatchHeader, slots: SlotWitness[], slotCount: number, depth: number): CircuitInput {
  if (slots.length > slotCount) throw new RangeError(`slots: ${slots.length} operations exceed the instance's ${slotCount} slots`);
  const padded = [...slots];
  while (padded.length < slotCount) padded.push(noopSlot(header.lastTick, depth));
  const column = <K extends keyof SlotWitness>(k: K) => padded.map((s) => s[k]);
  const input: Record<string, unknown> = {
    header: packedHeader(header),
    oldRootsCommitment: header.oldRootsCommitment,
    newRootsCommitment: header.newRootsCommitment,
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
