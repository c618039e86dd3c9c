import type { ProveResult } from "../../workers/prove-batch.js";
import type { Groth16Keys } from "../setup/groth16-setup.js";
import type { PreparedInstance } from "../setup/prepare-instance.js";
import type { Phase2Check } from "../setup/zkey-guard.js";
import type { ExecutedWorkload, RejectedLine } from "./execute-workload.js";
import type { SettlementTx } from "./prove-and-settle.js";

/** Summary of one run (written as report.json, printed as a table). Times in milliseconds. */
export interface RunReport {
  instance: { name: string; members: number; depth: number; slots: number; deltaTicks: number; constraints: number };
  /** The zkey's phase 2 as the guard read it; `secure: false` only when run with --insecure-dev-zkey. */
  phase2: Pick<Phase2Check, "secure" | "contributions"> & { source: Groth16Keys["source"] };
  workload: { lines: number; accepted: number; rejected: number; transfers: number; messages: number };
  batches: number;
  proving: { workers: number; singleThread: boolean; witnessMsMedian: number; proveMsMedian: number; perBatchMsMedian: number; perBatchMsMax: number; wallMs: number };
  settlement: { transactions: number; batchesPerTransaction: number; gasTotal: string; gasPerBatch: number; gasPerTransaction: string[]; contract: string; rpcUrl: string; ownDevnet: boolean };
  /** From the start of proving (every operation had arrived) to the receipt of its batch's settlement. */
  latencyMs: { median: number; p95: number };
  roots: { match: boolean; executor: string[]; onChain: string[] };
  rejected: RejectedLine[];
  store: string;
}

/** The q-quantile (0..1) of `values` by nearest rank; 0 for an empty list. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Builds the report of a run from its parts.
 * @param onChainRoots `currentRoots()` read from the contract after the last settlement.
 */
export function buildRunReport(prepared: PreparedInstance, executed: ExecutedWorkload, lines: number,
                               proving: { proofs: ProveResult[]; settlements: SettlementTx[]; workers: number; singleThread: boolean; wallMs: number },
                               l1: { settlementAddress: string; rpcUrl: string; ownDevnet: boolean }, onChainRoots: bigint[], settleBatches: number, store: string): RunReport {
  const { inst } = prepared;
  const { proofs, settlements } = proving;
  const gasTotal = settlements.reduce((a, s) => a + s.gasUsed, 0n);
  const settledAt = new Map<number, number>();
  for (const s of settlements) for (const b of s.batches) settledAt.set(b, s.settledAtMs);
  const latencies = executed.batchOfOperation.map((b) => settledAt.get(b) ?? Number.NaN).filter((x) => !Number.isNaN(x));
  const perBatch = proofs.map((p) => p.witnessMs + p.proveMs);
  const hex = (r: bigint) => `0x${r.toString(16).padStart(64, "0")}`;
  return {
    instance: { name: inst.name, members: inst.members, depth: inst.depth, slots: inst.slots, deltaTicks: inst.deltaTicks, constraints: prepared.r1cs.constraints },
    phase2: { secure: prepared.keys.phase2.secure, source: prepared.keys.source, contributions: prepared.keys.phase2.contributions },
    workload: { lines, accepted: executed.accepted, rejected: executed.rejected.length, transfers: executed.transfers, messages: executed.messages },
    batches: executed.batches.length,
    proving: {
      workers: proving.workers, singleThread: proving.singleThread,
      witnessMsMedian: quantile(proofs.map((p) => p.witnessMs), 0.5), proveMsMedian: quantile(proofs.map((p) => p.proveMs), 0.5),
      perBatchMsMedian: quantile(perBatch, 0.5), perBatchMsMax: quantile(perBatch, 1), wallMs: proving.wallMs,
    },
    settlement: {
      transactions: settlements.length, batchesPerTransaction: settleBatches, gasTotal: gasTotal.toString(),
      gasPerBatch: executed.batches.length ? Number(gasTotal) / executed.batches.length : 0,
      gasPerTransaction: settlements.map((s) => s.gasUsed.toString()),
      contract: l1.settlementAddress, rpcUrl: l1.rpcUrl, ownDevnet: l1.ownDevnet,
    },
    latencyMs: { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    roots: {
      match: onChainRoots.length === executed.finalRoots.length && onChainRoots.every((r, i) => r === executed.finalRoots[i]),
      executor: executed.finalRoots.map(hex), onChain: onChainRoots.map(hex),
    },
    rejected: executed.rejected,
    store,
  };
}
