import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../circuits/manifest.js";
import { sendSettle, settlementBatch } from "../l1/settlement-calldata.js";
import { deploySettlement, settlementConfig } from "../l1/deploy.js";
import { executeWorkload, type ExecutedWorkload } from "../pipeline/execute-workload.js";
import type { L1Session } from "../pipeline/l1-session.js";
import { proveAndSettle } from "../pipeline/prove-and-settle.js";
import { quantile } from "../pipeline/run-report.js";
import { ProverPool, type ProverBackend, type ProveResult } from "../prover/prover-pool.js";
import type { PreparedInstance } from "../setup/prepare-instance.js";
import { devWorkload } from "../workload/dev-workload.js";
import { genesisOf } from "../workload/genesis.js";
import type { PoolSetting } from "./bench-plan.js";

const runFile = promisify(execFile);

/** Executes a bench workload: `batches` full batches (B operations each, 40% cross-chain, Zipf accounts). */
export async function benchWorkload(prepared: PreparedInstance, batches: number, seed: string): Promise<ExecutedWorkload> {
  const { inst } = prepared;
  const { keys, workload } = await devWorkload(inst, { operations: batches * inst.slots, crossChainShare: 0.4, faults: false, seed });
  const executed = await executeWorkload(inst, genesisOf(keys), workload.lines);
  if (executed.batches.length !== batches || executed.rejected.length > 0) {
    throw new Error(`bench workload: expected ${batches} full batches, got ${executed.batches.length} and ${executed.rejected.length} rejected`);
  }
  return executed;
}

/** Witness and proof times of one batch, milliseconds. */
export interface RawProveTime {
  witnessMs: number;
  proveMs: number;
}

/**
 * The baseline: raw snarkjs, one batch after another in one process (a child process, so its memory
 * stays out of the bench), single-threaded: `wtns.calculate` then `groth16.prove` from the zkey file,
 * no pool, no verification. See raw-prove-child.ts.
 */
export async function rawSnarkjsProve(prepared: PreparedInstance, executed: ExecutedWorkload): Promise<RawProveTime[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-raw-"));
  try {
    const taskFile = join(dir, "task.json");
    writeFileSync(taskFile, JSON.stringify({ wasm: prepared.circuit.wasm, zkey: prepared.keys.zkey, inputs: executed.inputs }));
    const { stdout } = await runFile(process.execPath, [join(REPO_ROOT, "dist/src/bench/raw-prove-child.js"), taskFile], { maxBuffer: 16 << 20 });
    return JSON.parse(stdout) as RawProveTime[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A pipeline measurement: the pool proves every batch, the submitter settles them in order. */
export interface PipelineMeasurement extends PoolSetting {
  backend: string;
  /** From queueing the first batch to the last proof verified. */
  provingWallMs: number;
  proofsPerMinute: number;
  operationsPerSecond: number;
  crossChainMessagesPerSecond: number;
  /** From arrival (all operations arrive at the start) to the receipt of the batch's settlement. */
  latencyMs: { median: number; p95: number };
  /** Largest V8 heap + external memory of one worker after a job (external counts reserved WASM memory, not only resident). */
  peakWorkerMemoryMiB: number;
  /** Peak resident memory of the whole process during this run (main thread and every worker), sampled every 50 ms. */
  processPeakRssMiB: number;
  proofs: ProveResult[];
}

/**
 * Runs the pipeline (ProverPool + proveAndSettle) on `executed` against a fresh ClusterSettlement.
 * The pool is started (and its workers loaded) before the clock starts.
 */
export async function measurePipeline(prepared: PreparedInstance, executed: ExecutedWorkload, l1: L1Session, setting: PoolSetting,
                                      settleBatches: number, backend: ProverBackend = { kind: "snarkjs" },
                                      onProgress?: (p: { proven: number; settled: number; total: number }) => void): Promise<PipelineMeasurement> {
  const pool = new ProverPool(prepared.keys.vkey, { ...setting, backend });
  const settlement = await deploySettlement(l1.settlement.runner as never, prepared.contracts, settlementConfig(prepared, executed.anchor));
  const session: L1Session = { ...l1, settlement, settlementAddress: await settlement.getAddress() };
  let provingWallMs = 0;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
  const started = performance.now();
  try {
    const { proofs, settlements } = await proveAndSettle(prepared, executed, session, pool, {
      settleBatches,
      onProgress: (p) => {
        if (p.proven === p.total && provingWallMs === 0) provingWallMs = performance.now() - started;
        onProgress?.(p);
      },
    });
    const settledAt = new Map<number, number>();
    for (const s of settlements) for (const b of s.batches) settledAt.set(b, s.settledAtMs);
    const latencies = executed.batchOfOperation.map((b) => settledAt.get(b)!);
    const seconds = provingWallMs / 1000;
    return {
      ...setting, backend: backend.kind, provingWallMs,
      proofsPerMinute: (60 * executed.batches.length) / seconds,
      operationsPerSecond: executed.accepted / seconds,
      crossChainMessagesPerSecond: executed.messages / seconds,
      latencyMs: { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
      peakWorkerMemoryMiB: Math.max(...proofs.map((p) => p.workerMemoryBytes)) / 2 ** 20,
      processPeakRssMiB: peakRss / 2 ** 20,
      proofs,
    };
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
}

/** Gas of settling the proven batches on a fresh ClusterSettlement, `perTransaction` batches per `settle`. */
export async function measureSettlementGas(prepared: PreparedInstance, executed: ExecutedWorkload, proofs: ProveResult[],
                                           l1: L1Session, perTransaction: number): Promise<{ perTransaction: number; gasPerTransaction: number[]; gasPerBatch: number }> {
  const settlement = await deploySettlement(l1.settlement.runner as never, prepared.contracts, settlementConfig(prepared, executed.anchor));
  const gas: number[] = [];
  for (let first = 0; first < executed.batches.length; first += perTransaction) {
    const group = executed.batches.slice(first, first + perTransaction).map((b, k) => settlementBatch(b.header, proofs[first + k].proof));
    const receipt = await (await sendSettle(settlement, group)).wait();
    if (!receipt) throw new Error("settle: no receipt");
    gas.push(Number(receipt.gasUsed));
  }
  return { perTransaction, gasPerTransaction: gas, gasPerBatch: gas.reduce((a, b) => a + b, 0) / executed.batches.length };
}
