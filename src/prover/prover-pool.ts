import { join } from "node:path";
import { Piscina } from "piscina";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { REPO_ROOT } from "../circuits/manifest.js";
import type { ProveResult, ProveTask, ProverBackend } from "./prove-task.js";
import type { CircuitInput } from "../circuits/batch-input.js";

export type { ProverBackend, ProveResult };

/** Options of a prover pool. */
export interface ProverPoolOptions {
  /** Number of worker threads (default 2: one per core on the reference machine). */
  workers?: number;
  /** snarkjs single-threaded inside each worker (default true). */
  singleThread?: boolean;
  /** Groth16 prover (default snarkjs); a native rapidsnark-compatible binary when its path is given. */
  backend?: ProverBackend;
}

let buildingCurve: Promise<void> | undefined;

/**
 * Verifies a Groth16 proof on this thread with snarkjs.groth16.verify (Groth 2016, BN254 pairing).
 * snarkjs builds a threaded curve per call unless one is cached in globalThis.curve_bn128, and
 * concurrent first calls would each build and leak one: this installs one single-threaded curve
 * (no threads competing with the provers; a verification takes a few ms).
 * @returns true when the proof verifies for these public signals (decimal strings).
 */
export async function verifyGroth16(vkey: Record<string, unknown>, publicSignals: string[], proof: snarkjs.Groth16Proof): Promise<boolean> {
  const g = globalThis as { curve_bn128?: unknown };
  if (!g.curve_bn128) {
    buildingCurve ??= buildBn128(true).then((curve) => {
      g.curve_bn128 = curve;
      buildingCurve = undefined;
    });
    await buildingCurve;
  }
  return snarkjs.groth16.verify(vkey, publicSignals, proof);
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
  private readonly backend: ProverBackend;
  private readonly workers: number;
  /** Jobs running in the workers (at most `workers`), and the ones waiting for a worker, first in first out. */
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly vkey: Record<string, unknown>,
    options: ProverPoolOptions = {},
  ) {
    const workers = options.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers: must be an integer >= 1, got ${workers}`);
    this.workers = workers;
    this.singleThread = options.singleThread ?? true;
    this.backend = options.backend ?? { kind: "snarkjs" };
    this.pool = new Piscina({
      filename: join(REPO_ROOT, "dist/workers/prove-batch.js"),
      minThreads: workers,
      maxThreads: workers,
      workerData: {},
    });
  }

  /** Number of worker threads (jobs that run at once). */
  get workerCount(): number {
    return this.workers;
  }

  /**
   * Proves one batch and verifies the proof. Jobs start in the order of the calls (first in, first
   * out: batches settle in order, so an early batch must not wait behind later ones; piscina's own
   * queue does not keep that order).
   * @param input circuit input of ClusterBatch (see batchCircuitInput).
   * @throws Error when witness calculation fails (a constraint is broken) or the proof does not verify.
   */
  async prove(input: CircuitInput, wasm: string, zkey: string): Promise<ProveResult> {
    const task: ProveTask = { input, wasm, zkey, singleThread: this.singleThread, backend: this.backend };
    if (this.running < this.workers) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the finishing job hands its worker over
    let result: ProveResult;
    try {
      result = (await this.pool.run(task)) as ProveResult;
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
    if (!(await verifyGroth16(this.vkey, result.publicSignals, result.proof))) {
      throw new Error("proof: snarkjs.groth16.verify rejected a proof made by the pool");
    }
    return result;
  }

  /** Stops the workers; pending jobs are rejected. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
