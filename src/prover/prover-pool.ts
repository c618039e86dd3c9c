import { join } from "node:path";
import { Piscina } from "piscina";
import * as snarkjs from "snarkjs";
import { REPO_ROOT } from "../circuits/manifest.js";
import type { ProveResult, ProveTask } from "../../workers/prove-batch.js";

/** Options of a prover pool. */
export interface ProverPoolOptions {
  /** Number of worker threads (default 2: one per core on the reference machine). */
  workers?: number;
  /** snarkjs single-threaded inside each worker (default true). */
  singleThread?: boolean;
}

/**
 * A piscina pool of Groth16 provers (workers/prove-batch). Jobs run in parallel; every proof is
 * checked with `snarkjs.groth16.verify` against the verification key before it is returned.
 * snarkjs in a worker needs `"overrides": {"web-worker": "^1.5.0"}` in package.json and
 * `workerData: {}` (DESIGN.md, checked toolchain facts).
 */
export class ProverPool {
  private readonly pool: Piscina;
  private readonly singleThread: boolean;
  /** The BN254 curve for verification on this thread, built once (see prove). */
  private curve: Promise<unknown> | undefined;

  constructor(private readonly vkey: Record<string, unknown>, options: ProverPoolOptions = {}) {
    const workers = options.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers: must be an integer >= 1, got ${workers}`);
    this.singleThread = options.singleThread ?? true;
    this.pool = new Piscina({
      filename: join(REPO_ROOT, "dist/workers/prove-batch.js"),
      minThreads: workers,
      maxThreads: workers,
      workerData: {},
    });
  }

  /**
   * Proves one batch and verifies the proof.
   * @param input circuit input of ClusterBatch (see batchCircuitInput).
   * @throws Error when witness calculation fails (a constraint is broken) or the proof does not verify.
   */
  async prove(input: Record<string, unknown>, wasm: string, zkey: string): Promise<ProveResult> {
    const task: ProveTask = { input, wasm, zkey, singleThread: this.singleThread };
    const result = (await this.pool.run(task)) as ProveResult;
    // snarkjs builds a curve (with its own worker threads) per verify call unless one is cached in
    // globalThis.curve_bn128; concurrent first calls would each build and leak one. Build it once.
    await (this.curve ??= (snarkjs as unknown as { curves: { getCurveFromName(n: string): Promise<unknown> } }).curves.getCurveFromName("bn128"));
    if (!(await snarkjs.groth16.verify(this.vkey, result.publicSignals, result.proof))) {
      throw new Error("proof: snarkjs.groth16.verify rejected a proof made by the pool");
    }
    return result;
  }

  /** Stops the workers; pending jobs are rejected. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
