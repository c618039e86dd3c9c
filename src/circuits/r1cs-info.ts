import { F1Field } from "ffjavascript";
import { readR1cs } from "r1csfile";

/** Sizes from an R1CS file header (iden3 r1cs binary format). */
export interface R1csInfo {
  /** Non-linear constraints (what circom reports and Groth16 proving time scales with). */
  constraints: number;
  /** Wires, including the constant 1. */
  wires: number;
  publicInputs: number;
  privateInputs: number;
}

/**
 * Reads the header of a compiled circuit's .r1cs (no constraints loaded, no curve built).
 * @throws Error when the file is missing or not an r1cs file.
 */
export async function r1csInfo(r1csPath: string): Promise<R1csInfo> {
  const r1cs = await readR1cs(r1csPath, {
    loadConstraints: false,
    loadMap: false,
    loadCustomGates: false,
    getFieldFromPrime: (p: bigint) => new F1Field(p),
  });
  return { constraints: r1cs.nConstraints, wires: r1cs.nVars, publicInputs: r1cs.nPubInputs, privateInputs: r1cs.nPrvInputs };
}
