import { getPoseidon } from "../crypto/poseidon.js";
import { EddsaSigner } from "../crypto/eddsa.js";
import { ClusterState } from "../state/cluster-state.js";
import { ClusterExecutor, type ExecutedBatch } from "../executor/cluster-executor.js";
import { batchCircuitInput } from "../circuits/batch-input.js";
import type { SettlementGenesis } from "../l1/deploy.js";
import { applyGenesis, genesisDomain, type Genesis } from "../workload/genesis.js";
import { decodeOperation, encodeOperation, isMalformed } from "../workload/operation-codec.js";
import type { SignedOperation } from "../protocol/operation.js";
import type { CircuitInstance } from "../circuits/manifest.js";
import type { RunStore } from "../store/run-store.js";

/** A workload line that did not execute: its 1-based line number, the field at fault and why. */
export interface RejectedLine {
  line: number;
  field: string;
  reason: string;
}

/** The executed workload: batches with their circuit inputs, and what was rejected. */
export interface ExecutedWorkload {
  batches: ExecutedBatch[];
  /** Circuit input of each batch (NOOP-padded to B slots), index = batch index. */
  inputs: Record<string, unknown>[];
  rejected: RejectedLine[];
  /** Operations executed (TRANSFER + SEND). */
  accepted: number;
  transfers: number;
  /** SENDs; each is one cross-chain message, received in the same batch. */
  messages: number;
  genesisRoots: bigint[];
  /** Poseidon(domain, Poseidon(genesisRoots)), the settlement contract's initial roots commitment. */
  genesisCommitment: bigint;
  /** What a ClusterSettlement deployment takes of this genesis. */
  anchor: SettlementGenesis;
  finalRoots: bigint[];
  /** For each executed operation, the index of its batch (in submission order). */
  batchOfOperation: number[];
}

/**
 * Runs a JSONL workload through the node-cluster executor from genesis: decodes every line (a
 * malformed one is rejected naming the field), submits the operations in file order, and drains the
 * executor into batches. Rejected lines change nothing; every valid one executes.
 * Records genesis, accepted and rejected lines, and each batch (header, messages, circuit input) in `store`.
 * @param lines workload file lines (blank lines are skipped, not rejected).
 * @throws Error naming `genesis.<field>` when the genesis does not fit the instance.
 */
export async function executeWorkload(inst: CircuitInstance, genesis: Genesis, lines: string[], store?: RunStore): Promise<ExecutedWorkload> {
  const poseidon = await getPoseidon();
  const state = new ClusterState(inst.members, inst.depth, poseidon, await EddsaSigner.create(), genesisDomain(genesis));
  applyGenesis(state, genesis);
  const genesisRoots = state.roots();
  const genesisCommitment = state.rootsCommitment(genesisRoots);
  store?.writeJson("genesis.json", genesis);

  const executor = new ClusterExecutor(state, inst.slots, inst.deltaTicks);
  const rejected: RejectedLine[] = [];
  const lineOf: number[] = [];
  const ops: SignedOperation[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === "") return;
    const decoded = decodeOperation(text, i + 1);
    if (isMalformed(decoded)) {
      rejected.push(decoded);
      return;
    }
    lineOf[executor.submit(decoded)] = i + 1;
    ops.push(decoded);
  });

  const batches: ExecutedBatch[] = [];
  const inputs: Record<string, unknown>[] = [];
  const batchOfOperation: number[] = [];
  let transfers = 0;
  let messages = 0;
  for (let b = executor.nextBatch(); b; b = executor.nextBatch()) {
    const index = batches.length;
    const input = batchCircuitInput(b.header, b.slots, inst.slots, inst.depth);
    batches.push(b);
    inputs.push(input);
    for (const p of b.positions) {
      batchOfOperation.push(index);
      if (ops[p].type === "SEND") messages++;
      else transfers++;
    }
    store?.writeJson(`batches/${String(index).padStart(6, "0")}.json`, { header: b.header, messages: b.messages, lines: b.positions.map((p) => lineOf[p]), input });
    store?.appendJsonl("accepted.jsonl", b.positions.map((p) => ({ line: lineOf[p], batchIndex: index, operation: JSON.parse(encodeOperation(ops[p])) })));
  }
  for (const r of executor.rejected) rejected.push({ line: lineOf[r.position], field: r.field, reason: r.reason });
  rejected.sort((a, b) => a.line - b.line);
  store?.appendJsonl("rejected.jsonl", rejected);
  const anchor = { roots: genesisRoots, commitment: genesisCommitment, clusterId: genesis.clusterId, l1ChainId: genesis.l1ChainId };
  return { batches, inputs, rejected, accepted: transfers + messages, transfers, messages, genesisRoots, genesisCommitment, anchor, finalRoots: state.roots(), batchOfOperation };
}
