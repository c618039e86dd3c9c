import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// ChainSelector(N = 3) (circuits/lib/member.circom): out is the one-hot of chainId, which must be a
// member (0..N-1). A valid witness passes the R1CS; an unknown chain id or an edited one-hot fails it.
const N = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 7;
let t: WitnessTester;
const oneHot = (w: bigint[]) => Array.from({ length: N }, (_, i) => signalValue(t, w, `main.out[${i}]`));

beforeAll(async () => {
  t = await templateTester("ChainSelector", "lib/member.circom", "ChainSelector", [N]);
}, 300_000);

describe("ChainSelector(3): out[i] = 1 iff chainId == i", () => {
  it.each([0, 1, 2])("member %i passes with its one-hot", async (id) => {
    const w = await t.expectPass(circuitInput({ chainId: BigInt(id) }));
    expect(oneHot(w)).toEqual(Array.from({ length: N }, (_, i) => (i === id ? 1n : 0n)));
  });

  it("an unknown chain id (N) selects nothing and fails the one-hot sum", async () => {
    t.expectConstraintFail(await t.attackWitness(circuitInput({ chainId: BigInt(N) })), /^main\.out\[\d\]$/);
  });

  it.each([
    [0, 1],
    [1, 1],
    [1, 2],
  ])("chain %i with out[%i] flipped fails a constraint on it", async (id, i) => {
    const w = await t.expectPass(circuitInput({ chainId: BigInt(id) }));
    const flipped = t.editWitness(w, { [`main.out[${i}]`]: 1n - signalValue(t, w, `main.out[${i}]`) });
    t.expectConstraintFail(flipped, exactly(`main.out[${i}]`));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
