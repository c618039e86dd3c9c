import type { CircuitInstance } from "../circuits/manifest.js";
import type { CompiledCircuit } from "../circuits/compile.js";
import type { R1csInfo } from "../circuits/r1cs-info.js";
import type { ClusterContracts } from "../l1/compile-contracts.js";
import type { Groth16Keys } from "./groth16-setup.js";

/** Everything a run needs of one circuit instance: circuit, Groth16 keys (with the guard's phase-2 reading), compiled contracts. */
export interface PreparedInstance {
  inst: CircuitInstance;
  circuit: CompiledCircuit;
  keys: Groth16Keys;
  contracts: ClusterContracts;
  r1cs: R1csInfo;
}
