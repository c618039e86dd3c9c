/**
 * Piscina worker: computes the witness (circom's WASM witness calculator via snarkjs `wtns.calculate`)
 * and the Groth16 proof (snarkjs `groth16.prove`) of one batch, in this worker's thread. Loaded as
 * compiled JavaScript (dist/workers/prove-batch.js).
 */
import * as snarkjs from "snarkjs";

/** A proving job: circuit input (decimal strings) and the instance's wasm and zkey paths. */
export interface ProveTask {
  input: Record<string, unknown>;
  wasm: string;
  zkey: string;
  /** true: snarkjs proves on this thread only (the best setting measured for a pool on 2 cores). */
  singleThread: boolean;
}

/** Result of a proving job; durations in milliseconds. */
export interface ProveResult {
  proof: snarkjs.Groth16Proof;
  publicSignals: string[];
  /** Witness calculation time. */
  witnessMs: number;
  /** Groth16 proving time (after the witness). */
  proveMs: number;
  /** Peak resident set size of the process seen by this worker after the job, in bytes. */
  rssBytes: number;
}

export default async function proveBatch(task: ProveTask): Promise<ProveResult> {
  const started = performance.now();
  const wtns = { type: "mem" } as const;
  await snarkjs.wtns.calculate(task.input, task.wasm, wtns);
  const witnessDone = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(task.zkey, wtns, undefined, { singleThread: task.singleThread });
  const done = performance.now();
  return { proof, publicSignals, witnessMs: witnessDone - started, proveMs: done - witnessDone, rssBytes: process.memoryUsage().rss };
}
