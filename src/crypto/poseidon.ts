import { buildPoseidon, type Poseidon } from "circomlibjs";

let instance: Promise<Poseidon> | undefined;

/**
 * Poseidon hash over the BN254 scalar field, the same permutation as circomlib's `Poseidon(n)`
 * template (Grassi et al., "Poseidon: A New Hash Function for Zero-Knowledge Proof Systems", 2019;
 * circomlibjs constants).
 *
 * @returns a function from 1..16 field elements (bigint, each < field modulus) to one bigint.
 * @throws Error when given 0 or more than 16 inputs (circomlibjs limit).
 */
export async function getPoseidon(): Promise<(inputs: bigint[]) => bigint> {
  instance ??= buildPoseidon();
  const poseidon = await instance;
  return (inputs: bigint[]) => {
    if (inputs.length < 1 || inputs.length > 16) {
      throw new Error(`poseidon: expected 1..16 inputs, got ${inputs.length}`);
    }
    return poseidon.F.toObject(poseidon(inputs));
  };
}
