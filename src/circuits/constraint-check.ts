import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { readR1cs } from "r1csfile";

/**
 * Computes the full witness of a compiled circuit (circom's WASM witness calculator through
 * circom_runtime). circom checks every `===` while computing, so an input that breaks a
 * constraint throws here ("Assert Failed ... in template T line L").
 * @returns the witness vector; index 0 is the constant 1, public signals follow.
 */
export async function calculateWitness(wasmPath: string, input: Record<string, unknown>): Promise<bigint[]> {
  const wc = await WitnessCalculatorBuilder(readFileSync(wasmPath));
  return wc.calculateWitness(input, true);
}

/**
 * Checks a witness against every R1CS constraint ⟨A,w⟩·⟨B,w⟩ = ⟨C,w⟩ over the BN254 scalar field,
 * independently of the witness calculator (so an edited witness is judged by the constraints alone).
 * @returns the index of the first violated constraint, or -1 when all hold.
 */
export async function firstViolatedConstraint(r1csPath: string, witness: bigint[]): Promise<number> {
  const r1cs = await readR1cs(r1csPath, true, false, true);
  const Fr = r1cs.curve.Fr;
  try {
    const w = witness.map((v) => Fr.e(v));
    const evalLc = (lc: Record<string, unknown>) => {
      let acc = Fr.zero;
      for (const [idx, coef] of Object.entries(lc)) acc = Fr.add(acc, Fr.mul(coef, w[Number(idx)]));
      return acc;
    };
    for (let i = 0; i < r1cs.constraints.length; i++) {
      const [a, b, c] = r1cs.constraints[i];
      if (!Fr.eq(Fr.mul(evalLc(a), evalLc(b)), evalLc(c))) return i;
    }
    return -1;
  } finally {
    await r1cs.curve.terminate();
  }
}

/**
 * Witness index of a named signal from circom's .sym file (lines: labelIdx,varIdx,componentIdx,name).
 * @throws Error when the signal is unknown or was optimised away (varIdx -1) by --O2.
 */
export function signalIndex(symPath: string, name: string): number {
  for (const line of readFileSync(symPath, "utf8").split("\n")) {
    const parts = line.split(",");
    if (parts[3] === name) {
      const idx = Number(parts[1]);
      if (idx < 0) throw new Error(`signal ${name}: eliminated by the optimiser (no witness slot)`);
      return idx;
    }
  }
  throw new Error(`signal ${name}: not in ${symPath}`);
}
