import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { rootsCommitment } from "../../src/protocol/roots-commitment.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// RootsCommitment(N = 3) (circuits/cluster_batch.circom): Poseidon(domain, Poseidon(roots)), as
// src/protocol/roots-commitment.ts and the settlement contract compute it. A valid witness passes the R1CS;
// an edited commitment fails it.
const N = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 501;
const DOMAIN = 987_654_321n;
const ROOTS = [11n, 22n, 33n];
let t: WitnessTester;
let poseidon: (x: bigint[]) => bigint;

beforeAll(async () => {
  t = await templateTester("RootsCommitment", "cluster_batch.circom", "RootsCommitment", [N]);
  poseidon = await getPoseidon();
}, 300_000);

describe("RootsCommitment(3): out = Poseidon(domain, Poseidon(roots))", () => {
  it("roots pass, and the commitment is rootsCommitment's", async () => {
    const w = await t.expectPass(circuitInput({ domain: DOMAIN, roots: ROOTS }));
    expect(signalValue(t, w, "main.out")).toBe(rootsCommitment(poseidon, DOMAIN, ROOTS));
  });

  it("another domain or another root order gives another commitment", async () => {
    const other = await t.expectPass(circuitInput({ domain: DOMAIN + 1n, roots: ROOTS }));
    expect(signalValue(t, other, "main.out")).toBe(rootsCommitment(poseidon, DOMAIN + 1n, ROOTS));
    const swapped = await t.expectPass(circuitInput({ domain: DOMAIN, roots: [ROOTS[1], ROOTS[0], ROOTS[2]] }));
    expect(signalValue(t, swapped, "main.out")).not.toBe(rootsCommitment(poseidon, DOMAIN, ROOTS));
  });

  it("an edited commitment fails a constraint on it", async () => {
    const w = await t.expectPass(circuitInput({ domain: DOMAIN, roots: ROOTS }));
    t.expectConstraintFail(bumped(t, w, "main.out"), exactly("main.out"));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
