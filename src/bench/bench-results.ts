import type { AssetGas } from "./measurements.js";
import type { GovernorGas } from "./governor-gas.js";
import type { GovernanceGas } from "./governance-gas.js";
import type { BenchPlan } from "./bench-plan.js";
import type { FastConfirmationMeasurement, PipelineMeasurement, RawNativeRun } from "./measurements.js";

/** Measurements of one circuit instance (times in ms, memory in MiB). */
export interface InstanceResult {
  instance: { name: string; members: number; depth: number; slots: number; deltaTicks: number; constraints: number; publicInputs: number };
  batches: number;
  /** Operations proven; every operation is one slot and one message (a TRANSFER's to its own chain). */
  operations: number;
  crossChainMessages: number;
  /** Raw snarkjs, one batch after another in one process, single-threaded. */
  baseline: { perBatchMs: number[]; totalMs: number; witnessMsMean: number; proveMsMean: number; proofsPerMinute: number };
  /**
   * The native prover (where the addon loaded) on the same batches, one after another in one child
   * process, once single-threaded and once with a thread per core; means of the phases in ms.
   */
  native?: (Omit<RawNativeRun, "times"> & {
    perBatchMs: number[];
    proofsPerMinute: number;
    mean: { witnessMs: number; proveMs: number; abcMs: number; nttMs: number; msmG1Ms: number; msmG2Ms: number };
    windows: { g1: number; g2: number; h: number };
  })[];
  pipelines: (Omit<PipelineMeasurement, "proofs"> & {
    witnessMsMean: number;
    proveMsMean: number;
    /** Throughput over the baseline's. */
    speedupVsBaseline: number;
    /** 1 worker, single-threaded: proving wall time over the baseline's total, minus 1. */
    overheadVsRaw?: number;
  })[];
  gas: {
    atOnePerTransaction?: { gasPerTransaction: number[]; gasPerBatch: number; gasPerOperation: number };
    atKPerTransaction: { k: number; gasPerTransaction: number[]; gasPerBatch: number; gasPerOperation: number };
  };
}

/** The JSON a bench run writes (bench/results/<mode>.json). */
export interface BenchResults {
  mode: "quick" | "full";
  date: string;
  machine: { cpus: number; cpuModel: string; node: string };
  plan: BenchPlan;
  detail: InstanceResult;
  sweep: InstanceResult[];
  /** Gas of deposits, a settled withdrawal over a transfer, an exodus exit, a claim and of the published data, at the detail instance (measureAssetGas). */
  assets: AssetGas;
  /** Gas of the governors' actions (GovernorRegistry) at the detail instance (measureGovernorGas). */
  governors: GovernorGas;
  /** Time to fast confirmation beside time to settlement: a pipeline run of the detail instance with three dev governors in process. */
  fastConfirmation: FastConfirmationMeasurement & { instance: string; backend: string };
  /** Gas of joint governance (ClusterGovernance): a proposal, approvals, adding a member and the other actions (measureGovernanceGas). */
  governance: GovernanceGas;
  /** Gas per message for the largest instance a 2^20 ceremony file holds at N = 4, D = 16: extrapolated, not measured. */
  extrapolation: {
    members: number;
    depth: number;
    constraintsPerMessage: number;
    fixedConstraints: number;
    ceremonyPower: number;
    maxSlots: number;
    gasPerBatch: number;
    gasPerMessage: number;
    extrapolated: true;
  };
}
