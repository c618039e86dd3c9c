import type { ClusterStore } from "../store/cluster-store.js";

/**
 * What the API shows of stored records (the read side of the service): plain JSON objects shaped
 * by the response schemas in api-schemas.ts; times as ISO 8601, big numbers as decimal strings.
 */

/** An accepted operation with the status of its batch ("open" while in the open tick), or undefined. */
export function operationView(store: ClusterStore, id: string): Record<string, unknown> | undefined {
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
export function batchView(store: ClusterStore, index: number): Record<string, unknown> | undefined {
  const b = store.batch(index);
  if (!b) return undefined;
  const header = JSON.parse(b.header) as Record<string, unknown>;
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
  };
}

/** A batch's Groth16 proof and public signals, with the instance it is for; or undefined. */
export function proofView(store: ClusterStore, instance: string, index: number): Record<string, unknown> | undefined {
  const p = store.proof(index);
  return p && { ...p, instance, provedAt: new Date(p.provedAt).toISOString() };
}

/** A settle transaction by store id or transaction hash, with the batches it carries; or undefined. */
export function settlementView(store: ClusterStore, idOrHash: number | string): Record<string, unknown> | undefined {
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
