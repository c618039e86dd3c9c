import { prepareInstance } from "../../src/setup/prepare-instance.js";
import type { PreparedInstance } from "../../src/setup/prepared-instance.js";
import { releaseSnarkjsCurve } from "../../src/prover/release-curve.js";

/** The compiled and set-up "test" instance (N = 2, D = 4, B = 2, Δ = 2; ptau/pot15.ptau). Cached on disk. */
export async function preparedTestInstance(): Promise<PreparedInstance> {
  return prepareInstance("test");
}

/** Ends snarkjs' curve worker threads (or the process hangs after the tests). */
export const terminateCurve = releaseSnarkjsCurve;
