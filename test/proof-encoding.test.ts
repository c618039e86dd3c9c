import { describe, expect, it } from "vitest";
import { BASE_FIELD } from "../src/crypto/field.js";
import { proofEncodingProblem } from "../src/prover/proof-encoding.js";

/** A proof in snarkjs' canonical JSON (the coordinates need not be on the curve for the encoding check). */
const canonical = () => ({
  pi_a: ["1", "2", "1"],
  pi_b: [
    ["3", "4"],
    ["5", "6"],
    ["1", "0"],
  ],
  pi_c: ["7", "8", "1"],
  protocol: "groth16",
  curve: "bn128",
});

describe("Groth16 proof encoding (what L1 reads)", () => {
  it("accepts snarkjs' affine encoding", () => {
    expect(proofEncodingProblem(canonical())).toBeUndefined();
  });

  it.each([
    [
      "pi_a in Jacobian coordinates (z = 2)",
      (p: ReturnType<typeof canonical>) => {
        p.pi_a = ["2", "4", "2"];
      },
      /^pi_a\[2\]: must be "1"/,
    ],
    [
      "a coordinate equal to q",
      (p: ReturnType<typeof canonical>) => {
        p.pi_c[0] = BASE_FIELD.toString();
      },
      /^pi_c\[0\]: must be below the BN254 base field order q/,
    ],
    [
      "a coordinate above q in pi_b",
      (p: ReturnType<typeof canonical>) => {
        p.pi_b[1][0] = (BASE_FIELD + 5n).toString();
      },
      /^pi_b\[1\]\[0\]: must be below/,
    ],
    [
      "pi_b not affine",
      (p: ReturnType<typeof canonical>) => {
        p.pi_b[2] = ["2", "0"];
      },
      /^pi_b\[2\]: must be \["1", "0"\]/,
    ],
    [
      "a leading zero (another text for the same number)",
      (p: ReturnType<typeof canonical>) => {
        p.pi_a[0] = "01";
      },
      /^pi_a\[0\]: must be a canonical decimal/,
    ],
    [
      "a number instead of a string",
      (p: ReturnType<typeof canonical>) => {
        (p.pi_a as unknown[])[1] = 2;
      },
      /^pi_a\[1\]: must be a canonical decimal/,
    ],
    [
      "another protocol",
      (p: ReturnType<typeof canonical>) => {
        p.protocol = "plonk";
      },
      /^protocol: /,
    ],
  ])("refuses %s, naming the field", (_name, edit, problem) => {
    const p = canonical();
    edit(p);
    expect(proofEncodingProblem(p)).toMatch(problem);
  });

  it("refuses what is not a proof", () => {
    expect(proofEncodingProblem(null)).toMatch(/^proof: /);
    expect(proofEncodingProblem({ ...canonical(), pi_b: [["1", "2"]] })).toMatch(/^pi_b: /);
  });
});
