import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Queue depths the service reads when /metrics is scraped. */
export interface QueueDepths {
  /** Operations in the open batch (not yet in a closed batch). */
  openOperations: number;
  /** Closed batches waiting for, or in, a prover. */
  provingBatches: number;
  /** Proved batches waiting for their settlement. */
  provedBatches: number;
  /** Batches on L1 at the head, not yet at the confirmation depth. */
  includedBatches: number;
  /** Accepted operations not yet settled on L1: the bounded queue behind HTTP 429. */
  unsettledOperations: number;
  /** Jobs in the proof queue (local pool or BullMQ). */
  proofQueueJobs: number;
}

/**
 * Prometheus metrics of the prover service (prom-client), all prefixed `cluster_`; plus the
 * default Node.js process metrics. Exposed in the text format at GET /metrics.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly operationsAccepted = new Counter({
    name: "cluster_operations_accepted_total",
    help: "Signed operations accepted (stored) by the API",
    registers: [this.registry],
  });
  readonly depositsAdmitted = new Counter({
    name: "cluster_deposits_admitted_total",
    help: "L1 deposits read from the contract's Deposited events and admitted into a batch, in queue order",
    registers: [this.registry],
  });
  readonly operationsRejected = new Counter({
    name: "cluster_operations_rejected_total",
    help: "Signed operations rejected by the executor, by field at fault",
    labelNames: ["field"] as const,
    registers: [this.registry],
  });
  readonly requestsRefused = new Counter({
    name: "cluster_requests_refused_total",
    help: "Requests refused before execution, by reason (queue_full, too_large, schema)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly batchesClosed = new Counter({
    name: "cluster_batches_closed_total",
    help: "Batches (ticks) closed by the sequencer, by cause (full, deadline, end, heartbeat)",
    labelNames: ["cause"] as const,
    registers: [this.registry],
  });
  readonly proofs = new Counter({
    name: "cluster_proofs_total",
    help: "Groth16 batch proofs by status (proved, failed, duplicate)",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly proofDuration = new Histogram({
    name: "cluster_proof_duration_seconds",
    help: "Time to prove one batch, by phase (witness, groth16)",
    labelNames: ["phase"] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly batchesIncluded = new Counter({
    name: "cluster_batches_included_total",
    help: "Batches the L1 contract holds at the head (mined, or found there with the same content)",
    registers: [this.registry],
  });
  readonly batchesSettled = new Counter({
    name: "cluster_batches_settled_total",
    help: "Batches the L1 contract holds at the confirmation depth below the head (final)",
    registers: [this.registry],
  });
  readonly settlementResumed = new Counter({
    name: "cluster_settlement_resumed_total",
    help: "Stored settle transactions picked up again after a restart or a reconcile, by stored status (signed: never broadcast; sent: no receipt seen)",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly settlementRebroadcasts = new Counter({
    name: "cluster_settlement_rebroadcasts_total",
    help: "Settle transactions broadcast again (the same signed transaction) because no receipt came in time",
    registers: [this.registry],
  });
  readonly l1Reorged = new Counter({
    name: "cluster_l1_reorged_batches_total",
    help: "Batches a reorg took off the L1 (to=proved: sent again) or out of the confirmation depth (to=included)",
    labelNames: ["to"] as const,
    registers: [this.registry],
  });
  readonly settlementGas = new Counter({
    name: "cluster_settlement_gas_used_total",
    help: "Gas used by mined settle transactions",
    registers: [this.registry],
  });
  readonly settlementTransactions = new Counter({
    name: "cluster_settlement_transactions_total",
    help: "Settle transactions by outcome (mined, reverted, dropped)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly l1Errors = new Counter({
    name: "cluster_l1_errors_total",
    help: "L1 errors: kind rpc (retried) or revert (with its decoded custom error)",
    labelNames: ["kind", "error"] as const,
    registers: [this.registry],
  });
  readonly proofsRefused = new Counter({
    name: "cluster_proofs_refused_total",
    help: "Proof results refused (unreadable, not canonical, another batch's public signals, not verifying) and queued again, by queue and prover",
    labelNames: ["queue", "prover"] as const,
    registers: [this.registry],
  });
  readonly provingDeadlinesPassed = new Counter({
    name: "cluster_proving_deadline_expired_total",
    help: "Proving jobs held by a prover past the proving deadline and reassigned as a new job",
    labelNames: ["queue"] as const,
    registers: [this.registry],
  });
  readonly l1Conflicts = new Counter({
    name: "cluster_l1_conflicts_total",
    help: "Batches the L1 settled with other content than this store's (conflicting history: the submitter halts)",
    registers: [this.registry],
  });
  readonly submitterHalted = new Gauge({
    name: "cluster_submitter_halted",
    help: "1 while the L1 submitter is halted (a revert it cannot get past, or a conflicting history); /readyz says why",
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: "cluster_http_requests_total",
    help: "HTTP requests answered, by route and status code",
    labelNames: ["route", "status"] as const,
    registers: [this.registry],
  });

  /**
   * @param depths read at every scrape (gauges `cluster_queue_depth{stage}`).
   * @param oldestUnprovedAgeSeconds read at every scrape (gauge `cluster_oldest_unproved_batch_age_seconds`; 0 when none waits).
   */
  constructor(depths: () => QueueDepths, oldestUnprovedAgeSeconds: () => number = () => 0) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "cluster_oldest_unproved_batch_age_seconds",
      help: "Seconds since the oldest batch still waiting for its proof was closed (0: none waits)",
      registers: [this.registry],
      collect() {
        this.set(oldestUnprovedAgeSeconds());
      },
    });
    new Gauge({
      name: "cluster_queue_depth",
      help: "Work waiting at each stage: open_operations, proving_batches, proved_batches, included_batches, unsettled_operations, proof_queue_jobs",
      labelNames: ["stage"] as const,
      registers: [this.registry],
      collect() {
        const d = depths();
        this.set({ stage: "open_operations" }, d.openOperations);
        this.set({ stage: "proving_batches" }, d.provingBatches);
        this.set({ stage: "proved_batches" }, d.provedBatches);
        this.set({ stage: "included_batches" }, d.includedBatches);
        this.set({ stage: "unsettled_operations" }, d.unsettledOperations);
        this.set({ stage: "proof_queue_jobs" }, d.proofQueueJobs);
      },
    });
  }
}
