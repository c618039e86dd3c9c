/**
 * The BN254 (alt_bn128, EIP-196/197) scalar field order r: every circuit signal, public input, Poseidon
 * input and EdDSA-Poseidon value lives in F_r. The one home of this constant in TypeScript; it equals
 * the `r` of ffjavascript's bn128 curve object (the curve snarkjs proves on) and the prime in every
 * compiled r1cs header, which test/field.test.ts checks. (The contract keeps its own copy, SCALAR_FIELD.)
 */
export const SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** True when `v` is a canonical field element: 0 <= v < r. */
export function isFieldElement(v: bigint): boolean {
  return v >= 0n && v < SCALAR_FIELD;
}

/**
 * The BN254 base field order q: coordinates of G1 and G2 points (EIP-196/197). A proof coordinate at or
 * above q is not what the EVM precompiles read, even where snarkjs' verifier reduces it.
 */
export const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
