/**
 * What the API shows of the governors' records (GET /v1/batches/:i/entries and .../signatures): plain
 * JSON objects, integers as decimal strings, times as ISO 8601. Below the front doors: the node builds
 * them, the HTTP API serves them, a governor node reads them.
 */
import type { ClusterStore } from "../store/cluster-store.js";

/** A batch's fast confirmation as the API shows it. */
export interface FastConfirmationView {
  epoch: string;
  signedStake: string;
  totalStake: string;
  confirmedAt: string;
}

/** A claim with its integers as decimal strings (GovernorRegistry.Claim). */
export interface ClaimView {
  cluster: string;
  batchIndex: string;
  header: string;
  newRootsCommitment: string;
}

/** GET /v1/batches/:index/entries: the batch's claim and what a governor re-executes to check it. */
export interface BatchEntriesView {
  batchIndex: number;
  claim: ClaimView;
  /** Canonical JSON of each operation and L1 deposit of the batch, in execution order. */
  entries: string[];
}

/** GET /v1/batches/:index/signatures. */
export interface ClaimSignaturesView {
  batchIndex: number;
  claim: ClaimView;
  signatures: { signer: string; claim: ClaimView; signature: string; matches: boolean; stake: string; receivedAt: string }[];
  fastConfirmation: FastConfirmationView | null;
}

/** A claim's integers as decimal strings. */
export function claimView(c: { cluster: string; batchIndex: bigint; header: bigint; newRootsCommitment: bigint }): ClaimView {
  return { cluster: c.cluster, batchIndex: c.batchIndex.toString(), header: c.header.toString(), newRootsCommitment: c.newRootsCommitment.toString() };
}

/** A batch's fast confirmation (GovernorRegistry's 2/3 rule over the signatures received), or undefined. */
export function fastConfirmationView(store: ClusterStore, index: number): FastConfirmationView | undefined {
  const f = store.fastConfirmation(index);
  return f && { epoch: f.epoch, signedStake: f.signedStake, totalStake: f.totalStake, confirmedAt: new Date(f.confirmedAt).toISOString() };
}
