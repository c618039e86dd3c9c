import type { ProverPool } from "../prover/prover-pool.js";
import type { ProveResult } from "../../workers/prove-batch.js";
import { sendSettle, settlementBatch } from "../l1/settlement-calldata.js";
import type { PreparedInstance } from "../setup/prepare-instance.js";
import type { RunStore } from "../store/run-store.js";
import type { ExecutedWorkload } from "./execute-workload.js";
import type { L1Session } from "./l1-session.js";

/** One L1 transaction of `settle`: which batches it carried and what it cost. */
export interface SettlementTx {
  txHash: string;
  blockNumber: number;
  /** Batch indices, consecutive. */
  batches: number[];
  gasUsed: bigint;
  /** Milliseconds since the start of proving when the receipt arrived. */
  settledAtMs: number;
}

/** Progress of proving and settling, for a progress bar. */
export interface ProveSettleProgress {
  proven: number;
  settled: number;
  total: number;
}

/**
 * Proves every batch in the prover pool (all queued at once, so the workers run in parallel) and
 * settles them in order, `settleBatches` consecutive batches per `settle` transaction, as soon as
 * the proofs of a group are ready (settling overlaps proving of later batches). Every proof was
 * verified by the pool (snarkjs.groth16.verify) before it is sent.
 * Each proof is stored in `proofs/NNNNNN.json`, each transaction in `settlements.jsonl`.
 * @throws Error when a proof fails, or the L1 reverts (ethers' error carries the decoded custom error).
 */
export async function proveAndSettle(prepared: PreparedInstance, executed: ExecutedWorkload, l1: L1Session, pool: ProverPool,
                                     o: { settleBatches: number; store?: RunStore; onProgress?: (p: ProveSettleProgress) => void }):
    Promise<{ proofs: ProveResult[]; settlements: SettlementTx[] }> {
  if (!Number.isInteger(o.settleBatches) || o.settleBatches < 1) throw new RangeError(`settleBatches: must be an integer >= 1, got ${o.settleBatches}`);
  const total = executed.batches.length;
  const started = performance.now();
  const progress = { proven: 0, settled: 0, total };
  o.onProgress?.({ ...progress });
  const proofs: ProveResult[] = [];
  const pending = executed.inputs.map((input, i) => pool.prove(input, prepared.circuit.wasm, prepared.keys.zkey).then((r) => {
    proofs[i] = r;
    o.store?.writeJson(`proofs/${String(i).padStart(6, "0")}.json`, { instance: prepared.inst.name, batchIndex: i, proof: r.proof, publicSignals: r.publicSignals });
    progress.proven++;
    o.onProgress?.({ ...progress });
    return r;
  }));
  // An unsettled group may still be proving when an earlier one fails: keep its rejection handled.
  pending.forEach((p) => p.catch(() => {}));

  const settlements: SettlementTx[] = [];
  for (let first = 0; first < total; first += o.settleBatches) {
    const group = Array.from({ length: Math.min(o.settleBatches, total - first) }, (_, k) => first + k);
    const groupProofs = await Promise.all(group.map((i) => pending[i]));
    const args = group.map((i, k) => settlementBatch(executed.batches[i].header, groupProofs[k].proof));
    const tx = await sendSettle(l1.settlement, args);
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw new Error(`settle: transaction ${tx.hash} failed`);
    const record: SettlementTx = { txHash: tx.hash, blockNumber: receipt.blockNumber, batches: group, gasUsed: receipt.gasUsed, settledAtMs: performance.now() - started };
    settlements.push(record);
    o.store?.appendJsonl("settlements.jsonl", [record]);
    progress.settled += group.length;
    o.onProgress?.({ ...progress });
  }
  return { proofs, settlements };
}
