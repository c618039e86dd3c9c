import type { CircuitInstance } from "../circuits/manifest.js";
import type { CompiledCircuit } from "../circuits/compile.js";
import type { R1csInfo } from "../circuits/r1cs-info.js";
import type { ContractArtifact } from "../l1/compile-contracts.js";
import { runPhases } from "../phases/phase.js";
import type { Groth16Keys } from "./groth16-setup.js";
import { setupPhases, type SetupOptions } from "./setup-phases.js";

/** Everything a run needs of one circuit instance: circuit, Groth16 keys (with the guard's phase-2 reading), compiled contracts. */
export interface PreparedInstance {
  inst: CircuitInstance;
  circuit: CompiledCircuit;
  keys: Groth16Keys;
  contracts: { settlement: ContractArtifact; verifier: ContractArtifact };
  r1cs: R1csInfo;
}

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
