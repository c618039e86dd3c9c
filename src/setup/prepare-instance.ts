import { runPhases } from "../phases/phase.js";
import type { PreparedInstance } from "./prepared-instance.js";
import { setupPhases, type SetupOptions } from "./setup-phases.js";

/**
 * Compiles, sets up and compiles the contracts of a circuit instance (set-up on first use; every
 * step cached by content hash), without a progress display. See setupPhases.
 * @param name instance name in circuits/instances.json.
 * @param o.ptau powers-of-tau file (default: the instance's bundled development file).
 * @param o.allowInsecureDevZkey accept a zkey without a secret phase-2 contribution (development only).
 * @throws ZkeyError (`zkey: ...`) when the zkey guard refuses the instance's zkey; Error naming the
 *   instance, `ptau`, or circom/solc output when a step fails.
 */
export async function prepareInstance(name: string, o: Pick<SetupOptions, "ptau" | "allowInsecureDevZkey"> = {}): Promise<PreparedInstance> {
  return (await runPhases(setupPhases(name, o), {})).prepared!;
}
