import type { ProveResult, ProverPool } from "./prover-pool.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { FieldError } from "../config/field-error.js";
import type { CircuitInput } from "../circuits/batch-input.js";

/** A proving job: one closed batch's circuit input. */
export interface ProofJob {
  /** Circuit instance name (circuits/instances.json); a prover refuses a job of another instance. */
  instance: string;
  batchIndex: number;
  /** Circuit input of ClusterBatch (decimal strings), as the store holds it. */
  input: CircuitInput;
  /** 0 for the first job of a batch; n after n results were refused (each attempt is a new job). */
  attempt?: number;
}

/** Where a result came from: the job's attempt and, from a remote queue, the prover that made it. */
export interface ResultOrigin {
  attempt: number;
  /** `host:pid` of a remote prover (as it reports itself; untrusted, for metrics and logs only). */
  prover?: string;
}

/** What a proof queue reports back to the service. */
export interface ProofQueueHandlers {
  /**
   * A batch's result. From the local pool it was verified; from a remote queue it is untrusted input
   * (any shape): the service checks it. May be called twice for one batch.
   */
  proved(batchIndex: number, result: ProveResult, origin: ResultOrigin): void;
  /** A result that could not even be read (not JSON): the service refuses it like a bad proof. */
  unreadable(batchIndex: number, reason: string, origin: ResultOrigin): void;
  /** A job a prover has held past the proving deadline (a remote queue only): the service reassigns the batch. */
  expired?(batchIndex: number, reason: string, origin: ResultOrigin): void;
  /** A batch whose proving failed after the queue's retries (a broken witness fails every time). */
  failed(batchIndex: number, error: Error): void;
}

/**
 * Where proving jobs go: the seam between the service and its provers. `submit` is idempotent per
 * batch index (the service re-submits every unproved batch after a restart), and results come back
 * through the handlers given to `start`. Implementations: LocalProofQueue (the embedded default:
 * the service's own piscina pool) and BullProofQueue (BullMQ on Redis: provers on several machines).
 */
export interface ProofQueue {
  /** Human-readable kind, for logs and /readyz. */
  readonly kind: string;
  /** Starts delivering results. Call once, before `submit`. */
  start(handlers: ProofQueueHandlers): Promise<void>;
  /** Queues a batch; a batch already queued or running at the same attempt is not queued again. */
  submit(job: ProofJob): Promise<void>;
  /** Jobs queued or running. */
  depth(): number;
  /** Stops taking jobs and releases workers/connections; jobs running are abandoned (their batches stay unproved in the store). */
  close(): Promise<void>;
}

/**
 * The embedded proof queue: jobs run in this process's ProverPool (piscina workers), first in
 * first out, each retried `retries` times on failure (a crashed worker) before it is reported failed.
 */
export class LocalProofQueue implements ProofQueue {
  readonly kind = "local";
  private handlers: ProofQueueHandlers | undefined;
  private readonly inFlight = new Set<number>();
  private closed = false;

  /**
   * @param pool the prover pool (it verifies every proof against the instance's verification key).
   * @param prepared the instance whose wasm and zkey the jobs use.
   * @param retries further attempts after a failed one (default 1).
   */
  constructor(
    private readonly pool: ProverPool,
    private readonly prepared: PreparedInstance,
    private readonly retries = 1,
  ) {}

  async start(handlers: ProofQueueHandlers): Promise<void> {
    this.handlers = handlers;
  }

  /** @throws Error naming `instance` when the job is for another circuit instance. */
  async submit(job: ProofJob): Promise<void> {
    if (!this.handlers) throw new Error("proof queue: start() first");
    if (job.instance !== this.prepared.inst.name) throw new FieldError(`instance`, `job for "${job.instance}", this pool proves "${this.prepared.inst.name}"`);
    if (this.inFlight.has(job.batchIndex) || this.closed) return;
    this.inFlight.add(job.batchIndex);
    void this.run(job);
  }

  private async run(job: ProofJob): Promise<void> {
    let last: Error | undefined;
    for (let attempt = 0; attempt <= this.retries && !this.closed; attempt++) {
      try {
        const result = await this.pool.prove(job.input, this.prepared.circuit.wasm, this.prepared.keys.zkey);
        this.inFlight.delete(job.batchIndex);
        if (!this.closed) this.handlers!.proved(job.batchIndex, result, { attempt: job.attempt ?? 0 });
        return;
      } catch (e) {
        last = e as Error;
      }
    }
    this.inFlight.delete(job.batchIndex);
    if (!this.closed) this.handlers!.failed(job.batchIndex, last ?? new Error("closed"));
  }

  depth(): number {
    return this.inFlight.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }
}
