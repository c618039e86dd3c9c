/** One prover pool setting to measure. */
export interface PoolSetting {
  workers: number;
  /** snarkjs single-threaded inside each worker (false: snarkjs' own worker threads). */
  singleThread: boolean;
}

/** What a bench run measures. */
export interface BenchPlan {
  mode: "quick" | "full";
  /** Instance measured in detail: baseline, every pool setting, gas at 1 and k batches per transaction. */
  detail: string;
  /** Instances of the throughput/latency sweep (chart), each at the default pool setting. */
  sweep: string[];
  /** Batches proven per instance (all full: B operations each). */
  batches: number;
  /** Batches per settle transaction for the k-per-transaction gas and the pipeline runs. */
  settleBatches: number;
  poolSettings: PoolSetting[];
  /** The pool setting the product uses by default (`run`), measured on every sweep instance. */
  defaultSetting: PoolSetting;
}

const POOL_SETTINGS: PoolSetting[] = [
  { workers: 1, singleThread: true },
  { workers: 1, singleThread: false },
  { workers: 2, singleThread: true },
  { workers: 2, singleThread: false },
];

/**
 * Quick mode (under 10 minutes from a clean clone on 2 cores, set-ups included): the `default`
 * instance in detail, and the sweep over `test` and `default`. Full mode: the sweep over N in 2, 4, 8
 * and B in 2, 4 at D = 8 (`bench-*` instances and `default`), 8 batches each.
 */
export function benchPlan(mode: "quick" | "full"): BenchPlan {
  const defaultSetting = { workers: 2, singleThread: true };
  if (mode === "quick") {
    return { mode, detail: "default", sweep: ["test", "default"], batches: 4, settleBatches: 4, poolSettings: POOL_SETTINGS, defaultSetting };
  }
  return {
    mode,
    detail: "default",
    batches: 8,
    settleBatches: 4,
    poolSettings: POOL_SETTINGS,
    defaultSetting,
    sweep: ["bench-n2-b2", "bench-n2-b4", "bench-n4-b2", "default", "bench-n8-b2", "bench-n8-b4"],
  };
}
