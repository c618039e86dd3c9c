import type { CircuitInstance } from "../circuits/manifest.js";
import type { CompiledCircuit } from "../circuits/compile.js";
import type { R1csInfo } from "../circuits/r1cs-info.js";
import type { ContractArtifact } from "../l1/compile-contracts.js";
import { runPhases } from "../pipeline/phases.js";
import type { Groth16Keys } from "./groth16-setup.js";
import { setupPhases } from "./setup-phases.js";

/** Everything a run needs of one circuit instance: circuit, Groth16 keys, compiled contracts. */
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
 * @param ptau powers-of-tau file (default: the instance's bundled development file).
 * @throws Error naming the instance, `ptau`, or circom/solc output when a step fails.
 */
export async function prepareInstance(name: string, ptau?: string): Promise<PreparedInstance> {
  return (await runPhases(setupPhases(name, ptau), {})).prepared!;
}
