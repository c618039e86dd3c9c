import type { Groth16Proof } from "snarkjs";
import type { CircuitInput } from "../circuits/batch-input.js";
import type { NativeTimings } from "./native-prover.js";

/*
 * The task types of a proving job: what the prover pool (src/prover/prover-pool.ts) hands a worker
 * (workers/prove-batch.ts) and what it gets back. The one definition both sides import.
 */

/**
 * Which Groth16 prover makes the proof from the witness: snarkjs, the project's native addon
 * (src/prover/native-prover.ts; `threads` inside each proof, `precompute`: fixed-base tables per
 * worker), or a rapidsnark-compatible binary.
 */
export type ProverBackend = { kind: "snarkjs" } | { kind: "native"; threads: number; precompute?: boolean } | { kind: "rapidsnark"; path: string };

/** A proving job: circuit input (decimal strings) and the instance's wasm and zkey paths. */
export interface ProveTask {
  input: CircuitInput;
  wasm: string;
  zkey: string;
  /** true: snarkjs proves on this thread only (the best setting measured for a pool on 2 cores). */
  singleThread: boolean;
  backend: ProverBackend;
}

/** Result of a proving job; durations in milliseconds. */
export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  /** Witness calculation time. */
  witnessMs: number;
  /** Groth16 proving time (after the witness). */
  proveMs: number;
  /** Phase timings of the native prover (backend "native" only). */
  native?: NativeTimings;
  /** This worker's V8 heap plus external memory (ArrayBuffers, WASM memories) after the job, in bytes. */
  workerMemoryBytes: number;
}
