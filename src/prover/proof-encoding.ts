import { BASE_FIELD } from "../crypto/field.js";

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;

/**
 * Checks that a Groth16 proof (snarkjs JSON) is in the one encoding the exported Solidity verifier
 * and the EVM precompiles (EIP-196/197) read: `protocol` "groth16", `curve` "bn128"; pi_a and pi_c
 * affine G1 points [x, y, "1"], pi_b an affine G2 point [[x0, x1], [y0, y1], ["1", "0"]]; every
 * coordinate a canonical decimal (no sign, no leading zero) below the base field order q. snarkjs'
 * verifier normalises Jacobian coordinates and reduces values mod q, so a proof that it accepts may
 * still be refused by L1: check this first, then verify.
 * @returns what is wrong (naming the field, e.g. `pi_a[2]: must be "1" (affine)`), or undefined.
 */
export function proofEncodingProblem(proof: unknown): string | undefined {
  if (typeof proof !== "object" || proof === null) return "proof: must be an object";
  const p = proof as Record<string, unknown>;
  if (p.protocol !== "groth16") return `protocol: must be "groth16"`;
  if (p.curve !== "bn128") return `curve: must be "bn128"`;
  const coordinate = (v: unknown, field: string): string | undefined => {
    if (typeof v !== "string" || !DECIMAL.test(v)) return `${field}: must be a canonical decimal string`;
    return BigInt(v) < BASE_FIELD ? undefined : `${field}: must be below the BN254 base field order q`;
  };
  const g1 = (v: unknown, name: string): string | undefined => {
    if (!Array.isArray(v) || v.length !== 3) return `${name}: must be [x, y, "1"]`;
    if (v[2] !== "1") return `${name}[2]: must be "1" (affine)`;
    return coordinate(v[0], `${name}[0]`) ?? coordinate(v[1], `${name}[1]`);
  };
  const b = p.pi_b;
  if (!Array.isArray(b) || b.length !== 3 || !b.every((c) => Array.isArray(c) && c.length === 2)) return `pi_b: must be [[x0, x1], [y0, y1], ["1", "0"]]`;
  if (b[2][0] !== "1" || b[2][1] !== "0") return `pi_b[2]: must be ["1", "0"] (affine)`;
  return (
    g1(p.pi_a, "pi_a") ??
    g1(p.pi_c, "pi_c") ??
    coordinate(b[0][0], "pi_b[0][0]") ??
    coordinate(b[0][1], "pi_b[0][1]") ??
    coordinate(b[1][0], "pi_b[1][0]") ??
    coordinate(b[1][1], "pi_b[1][1]")
  );
}
