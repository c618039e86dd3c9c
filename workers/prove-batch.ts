/**
 * Piscina worker: computes the witness and the Groth16 proof of one batch with snarkjs
 * (`groth16.fullProve`), in this worker's thread. Loaded as compiled JavaScript
 * (dist/workers/prove-batch.js).
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
  proveMs: number;
}

export default async function proveBatch(task: ProveTask): Promise<ProveResult> {
  const started = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(task.input, task.wasm, task.zkey, undefined, undefined, { singleThread: task.singleThread });
  return { proof, publicSignals, proveMs: performance.now() - started };
}
