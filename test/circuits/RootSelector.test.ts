import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// RootSelector(N = 3) (circuits/lib/member.circom): root = roots[chainId], with chainId's one-hot in
// select. A valid witness passes the R1CS; an unknown chain, an edited root or an edited one-hot fails it.
const N = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 10;
const ROOTS = [1001n, 2002n, 3003n];
let t: WitnessTester;
const input = (chainId: number) => circuitInput({ chainId: BigInt(chainId), roots: ROOTS });

beforeAll(async () => {
  t = await templateTester("RootSelector", "lib/member.circom", "RootSelector", [N]);
}, 300_000);

describe("RootSelector(3): root = roots[chainId]", () => {
  it.each([0, 1, 2])("member %i passes and selects its root", async (id) => {
    const w = await t.expectPass(input(id));
    expect(signalValue(t, w, "main.root")).toBe(ROOTS[id]);
    expect(ROOTS.map((_, i) => signalValue(t, w, `main.select[${i}]`))).toEqual(ROOTS.map((_, i) => (i === id ? 1n : 0n)));
  });

  it("an unknown chain id selects nothing and fails the one-hot", async () => {
    t.expectConstraintFail(await t.attackWitness(input(N)), /^main\.select\[\d\]$/);
  });

  it("an edited root (another member's) fails a constraint on it", async () => {
    const w = await t.expectPass(input(1));
    t.expectConstraintFail(t.editWitness(w, { "main.root": ROOTS[2] }), exactly("main.root"));
    t.expectConstraintFail(bumped(t, w, "main.root"), exactly("main.root"));
  });

  it("an edited select (pointing at another member) fails a constraint on it", async () => {
    const w = await t.expectPass(input(1));
    t.expectConstraintFail(t.editWitness(w, { "main.select[1]": 0n, "main.select[2]": 1n }), /^main\.select\[[12]\]$/);
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
