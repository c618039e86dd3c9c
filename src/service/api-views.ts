import type { Groth16Proof } from "snarkjs";
import type { BatchStatus, ClusterStore, SubmissionStatus } from "../store/cluster-store.js";
import { fastConfirmationView } from "../governance/claim-views.js";

/**
 * What the API shows of stored records (the read side of the service): plain JSON objects shaped
 * by the response schemas in api-schemas.ts; times as ISO 8601, big numbers as decimal strings.
 */

/** GET /v1/operations/:id (api-schemas operationResponse). */
export interface OperationView {
  id: string;
  seq: number;
  status: BatchStatus | "open";
  batchIndex: number | null;
  settlementTx: string | null;
  acceptedAt: string;
  /** The operation as it was accepted (canonical JSON). */
  operation: unknown;
}

/** GET /v1/batches/:index (api-schemas batchResponse); big numbers as decimal strings. */
export interface BatchView {
  batchIndex: number;
  status: BatchStatus;
  tick: number;
  operations: string[];
  oldRootsCommitment: string;
  newRootsCommitment: string;
  newRoots: string[];
  proved: boolean;
  proveMs: number | null;
  settlementTx: string | null;
  closedAt: string;
  /** When governors holding 2/3 of the stake had signed its claim (ISO 8601), or null. */
  fastConfirmedAt: string | null;
}

/** GET /v1/batches/:index/proof (api-schemas proofResponse). */
export interface ProofView {
  batchIndex: number;
  instance: string;
  proof: Groth16Proof;
  publicSignals: string[];
  witnessMs: number;
  proveMs: number;
  provedAt: string;
}

/** GET /v1/settlements/:id (api-schemas settlementResponse). */
export interface SettlementView {
  id: number;
  txHash: string;
  nonce: number;
  from: string;
  status: SubmissionStatus;
  gasUsed: string | null;
  blockNumber: number | null;
  error: string | null;
  batches: number[];
}

/** An accepted operation with the status of its batch ("open" while in the open tick), or undefined. */
export function operationView(store: ClusterStore, id: string): OperationView | undefined {
  const op = store.operationById(id);
  if (!op) return undefined;
  const batch = op.batchIndex === null ? undefined : store.batch(op.batchIndex);
  return {
    id: op.id,
    seq: op.seq,
    status: batch?.status ?? "open",
    batchIndex: op.batchIndex,
    settlementTx: batch?.settledTx ?? null,
    acceptedAt: new Date(op.acceptedAt).toISOString(),
    operation: JSON.parse(op.body),
  };
}

/** A closed batch: status, tick, operation ids, roots commitments, new roots, proof time, settlement; or undefined. */
export function batchView(store: ClusterStore, index: number): BatchView | undefined {
  const b = store.batch(index);
  if (!b) return undefined;
  const header = JSON.parse(b.header) as { firstTick: number; oldRootsCommitment: string; newRootsCommitment: string; newRoots: string[] };
  const proof = store.proof(index);
  return {
    batchIndex: b.batchIndex,
    status: b.status,
    tick: Number(header.firstTick),
    operations: store.operationsOfBatch(index).map((o) => o.id),
    oldRootsCommitment: header.oldRootsCommitment,
    newRootsCommitment: header.newRootsCommitment,
    newRoots: header.newRoots,
    proved: proof !== undefined,
    proveMs: proof?.proveMs ?? null,
    settlementTx: b.settledTx,
    closedAt: new Date(b.closedAt).toISOString(),
    fastConfirmedAt: fastConfirmationView(store, index)?.confirmedAt ?? null,
  };
}

/** A batch's Groth16 proof and public signals, with the instance it is for; or undefined. */
export function proofView(store: ClusterStore, instance: string, index: number): ProofView | undefined {
  const p = store.proof(index);
  return p && { ...p, instance, provedAt: new Date(p.provedAt).toISOString() };
}

/** A settle transaction by store id or transaction hash, with the batches it carries; or undefined. */
export function settlementView(store: ClusterStore, idOrHash: number | string): SettlementView | undefined {
  const s = store.submission(idOrHash);
  if (!s) return undefined;
  return {
    id: s.id,
    txHash: s.txHash,
    nonce: s.nonce,
    from: s.from,
    status: s.status,
    gasUsed: s.gasUsed,
    blockNumber: s.blockNumber,
    error: s.error,
    batches: Array.from({ length: s.lastBatch - s.firstBatch + 1 }, (_, k) => s.firstBatch + k),
  };
}
