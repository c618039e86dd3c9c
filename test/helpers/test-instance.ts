import { loadInstance, type CircuitInstance } from "../../src/circuits/manifest.js";
import { compileInstance, type CompiledCircuit } from "../../src/circuits/compile.js";
import { setupGroth16, type Groth16Keys } from "../../src/setup/groth16-setup.js";

/** The compiled and set-up "test" instance (N = 2, D = 4, B = 2, Δ = 2; ptau/pot15.ptau). Cached on disk. */
export async function preparedTestInstance(): Promise<{ inst: CircuitInstance; circuit: CompiledCircuit; keys: Groth16Keys }> {
  const inst = loadInstance("test");
  const circuit = await compileInstance(inst);
  return { inst, circuit, keys: await setupGroth16(inst, circuit) };
}

/** Ends snarkjs' curve worker threads (or the process hangs after the tests). */
export async function terminateCurve(): Promise<void> {
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
}
