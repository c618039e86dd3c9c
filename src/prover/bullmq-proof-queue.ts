import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { Job, Queue, QueueEvents, Worker, type ConnectionOptions } from "bullmq";
import type { Logger } from "pino";
import type { ProveResult, ProverPool } from "./prover-pool.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import type { ProofJob, ProofQueue, ProofQueueHandlers } from "./proof-queue.js";
import { FieldError } from "../config/field-error.js";

/** BullMQ queue name of an instance's proving jobs (one service per Redis queue). */
export const proofQueueName = (instance: string) => `cluster-settle-proofs-${instance}`;

/**
 * BullMQ job id of a batch attempt: its index, a digest of its circuit input and, after a refused
 * result, the attempt (`-a1`, `-a2`, ...: a new job, since a completed job is never run again).
 * Re-adding it after a restart is a no-op (BullMQ de-duplicates by job id), and a job of another store
 * that shares the Redis queue never has the same id.
 */
export function jobIdOf(job: ProofJob): string {
  const base = `batch-${job.batchIndex}-${createHash("sha256").update(JSON.stringify(job.input)).digest("hex").slice(0, 16)}`;
  return job.attempt ? `${base}-a${job.attempt}` : base;
}

/** Who a prover says it is in its results (`host:pid`). */
const proverIdentity = `${hostname()}:${process.pid}`;

/** Attempts per job (a prover process that dies mid-job leaves it stalled; BullMQ hands it to another). */
const ATTEMPTS = 3;

/**
 * ioredis connection options from a redis:// or rediss:// URL (user, password, db from the path).
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers, queue events).
 * @throws Error naming `redisUrl` when the URL is not redis:// or rediss://.
 */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new FieldError(`redisUrl`, `must start with redis:// or rediss://, got ${url}`);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password || undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === "rediss:" ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * Proof queue on BullMQ (Redis): the service adds one job per batch (jobIdOf: a re-submission after
 * a restart adds nothing), prover processes on any machine take jobs with
 * `cluster-settle prover --redis-url` (BullProver), and the service receives each result from the
 * job's completion (QueueEvents) or, after its own restart, from the completed job it finds.
 * The service still verifies every proof it stores (ClusterNode.onProved).
 */
export class BullProofQueue implements ProofQueue {
  readonly kind = "bullmq";
  private handlers: ProofQueueHandlers | undefined;
  /** Jobs this service submitted and has no result of: job id -> batch and attempt (results of other jobs are ignored). */
  private readonly waiting = new Map<string, { batchIndex: number; attempt: number; expired?: boolean }>();

  private deadlineTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly log: Logger,
    private readonly prepared: PreparedInstance,
    private readonly localProver: BullProver | undefined,
    private readonly provingDeadlineMs: number,
  ) {}

  /**
   * Connects to Redis and, when `localPool` is given, also proves jobs in this process.
   * @param o.provingDeadlineMs how long a prover may hold a job (from when it took it) before the batch is
   *   reassigned as a new job (default 10 minutes); a prover renews its lock, so BullMQ alone never reassigns it.
   * @throws Error naming `redisUrl` when Redis does not answer.
   */
  static async connect(
    redisUrl: string,
    prepared: PreparedInstance,
    log: Logger,
    localPool?: ProverPool,
    o: { provingDeadlineMs?: number } = {},
  ): Promise<BullProofQueue> {
    const connection = redisConnection(redisUrl);
    const name = proofQueueName(prepared.inst.name);
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    try {
      await Promise.race([
        Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
        new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in 10 s")), 10_000)),
      ]);
    } catch (e) {
      await Promise.allSettled([queue.close(), events.close()]);
      throw new FieldError(`redisUrl`, `cannot use Redis at ${redisUrl}: ${(e as Error).message}`);
    }
    const local = localPool ? new BullProver(redisUrl, prepared, localPool, log) : undefined;
    return new BullProofQueue(queue, events, log, prepared, local, o.provingDeadlineMs ?? 600_000);
  }

  async start(handlers: ProofQueueHandlers): Promise<void> {
    this.handlers = handlers;
    this.deadlineTimer = setInterval(
      () => {
        void this.expireOverdue();
      },
      Math.min(1000, Math.max(50, this.provingDeadlineMs / 4)),
    );
    this.events.on("completed", ({ jobId, returnvalue }) => this.deliver(jobId, returnvalue as unknown));
    this.events.on("failed", async ({ jobId, failedReason }) => {
      const waiting = this.waiting.get(jobId);
      if (waiting === undefined) return;
      const job = await Job.fromId(this.queue, jobId);
      if (job && job.attemptsMade >= ATTEMPTS) {
        this.waiting.delete(jobId);
        this.handlers!.failed(waiting.batchIndex, new Error(failedReason));
      }
    });
  }

  /**
   * Adds the batch's job (a no-op when it exists); a job found completed is delivered at once, one found failed is retried.
   * @throws Error naming `instance` when the job is for another circuit instance than this queue's.
   */
  async submit(job: ProofJob): Promise<void> {
    if (!this.handlers) throw new Error("proof queue: start() first");
    if (job.instance !== this.prepared.inst.name) throw new FieldError(`instance`, `job for "${job.instance}", this queue is for "${this.prepared.inst.name}"`);
    const jobId = jobIdOf(job);
    this.waiting.set(jobId, { batchIndex: job.batchIndex, attempt: job.attempt ?? 0 });
    await this.queue.add("prove", job, { jobId, attempts: ATTEMPTS, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: { age: 24 * 3600 } });
    const existing = await Job.fromId(this.queue, jobId);
    const state = await existing?.getState();
    if (state === "completed") this.deliver(jobId, existing!.returnvalue);
    else if (state === "failed") await existing!.retry();
    this.log.debug({ batchIndex: job.batchIndex, jobId, state }, "proving job in BullMQ");
  }

  /**
   * Hands a job's result to the service. A remote result is untrusted: one that is not JSON, or not
   * an object, is reported `unreadable` (logged by the service, which queues the batch again); it never
   * throws, so neither a live result nor one found completed at boot can crash the service.
   */
  private deliver(jobId: string, returnvalue: unknown): void {
    const waiting = this.waiting.get(jobId);
    if (waiting === undefined || !this.handlers) return;
    this.waiting.delete(jobId);
    let result: unknown = returnvalue;
    try {
      if (typeof returnvalue === "string") result = JSON.parse(returnvalue);
    } catch (e) {
      this.handlers.unreadable(waiting.batchIndex, `result of job ${jobId} is not JSON: ${(e as Error).message}`, { attempt: waiting.attempt });
      return;
    }
    if (typeof result !== "object" || result === null) {
      this.handlers.unreadable(waiting.batchIndex, `result of job ${jobId} is not an object`, { attempt: waiting.attempt });
      return;
    }
    const prover = (result as { prover?: unknown }).prover;
    this.handlers.proved(waiting.batchIndex, result as ProveResult, {
      attempt: waiting.attempt,
      prover: typeof prover === "string" ? prover.slice(0, 128) : undefined,
    });
  }

  /**
   * Reports, once, every job a prover has held longer than the proving deadline (BullMQ `processedOn`,
   * the time a worker took it) as expired: the service queues the batch again as a new job, and
   * whichever attempt brings a valid proof first wins (a late result of the expired job still counts).
   * Errors of Redis are logged and tried at the next tick.
   */
  private async expireOverdue(): Promise<void> {
    for (const [jobId, waiting] of [...this.waiting]) {
      if (waiting.expired) continue;
      try {
        const job = await Job.fromId(this.queue, jobId);
        if (!job?.processedOn || Date.now() - job.processedOn <= this.provingDeadlineMs) continue;
        if ((await job.getState()) !== "active" || this.waiting.get(jobId) !== waiting) continue;
        waiting.expired = true;
        this.handlers?.expired?.(
          waiting.batchIndex,
          `job ${jobId} held by a prover for ${Math.round((Date.now() - job.processedOn) / 1000)} s, past the proving deadline of ${Math.round(this.provingDeadlineMs / 1000)} s`,
          { attempt: waiting.attempt },
        );
      } catch (e) {
        this.log.warn({ jobId, err: (e as Error).message }, "checking the proving deadline failed; trying again");
      }
    }
  }

  /** Jobs queued or running, an expired one (reassigned) not counted. */
  depth(): number {
    return [...this.waiting.values()].filter((w) => !w.expired).length;
  }

  async close(): Promise<void> {
    clearInterval(this.deadlineTimer);
    await this.localProver?.close();
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

/**
 * A prover process's side of the BullMQ queue: takes jobs of its instance, proves them in its
 * ProverPool (which verifies each proof) and returns the proof as the job's result. Concurrency =
 * the pool's workers. Used by `cluster-settle prover` and by a service with --redis-url and workers > 0.
 */
export class BullProver {
  private readonly worker: Worker;

  /** @param pool the prover pool; closed with this prover. */
  constructor(
    redisUrl: string,
    prepared: PreparedInstance,
    private readonly pool: ProverPool,
    log: Logger,
  ) {
    this.worker = new Worker(
      proofQueueName(prepared.inst.name),
      async (job: Job<ProofJob>) => {
        if (job.data.instance !== prepared.inst.name)
          throw new FieldError(`instance`, `job for "${job.data.instance}", this prover has "${prepared.inst.name}"`);
        log.info({ batchIndex: job.data.batchIndex, attempt: job.attemptsMade + 1 }, "proving batch (BullMQ job)");
        const r = await pool.prove(job.data.input, prepared.circuit.wasm, prepared.keys.zkey);
        log.info({ batchIndex: job.data.batchIndex, witnessMs: Math.round(r.witnessMs), proveMs: Math.round(r.proveMs) }, "batch proved (BullMQ job)");
        return { ...r, prover: proverIdentity };
      },
      { connection: redisConnection(redisUrl), concurrency: pool.workerCount, lockDuration: 120_000 },
    );
    this.worker.on("error", (e) => log.warn({ err: e.message }, "BullMQ worker connection error"));
  }

  /** Stops taking jobs (a job running is abandoned: BullMQ gives it to another prover once its lock expires). */
  async close(): Promise<void> {
    await this.worker.close(true);
    await this.pool.close();
  }
}
