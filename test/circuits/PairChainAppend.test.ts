import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// PairChainAppend(N = 3) (circuits/lib/message.circom): acc'[src][dst] = Poseidon(acc[src][dst], msgHash)
// when enabled, every other entry of the N x N table unchanged; disabled, the table passes through.
// A valid witness passes the R1CS; an edited entry (the appended one or another) fails it.
const N = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 270;
const MSG = 4242n;
let t: WitnessTester;
let poseidon: (x: bigint[]) => bigint;
const table = () => Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => BigInt(10 * i + j + 1)));
const oneHot = (k: number) => Array.from({ length: N }, (_, i) => (i === k ? 1n : 0n));
const input = (src: number, dst: number, enabled = 1n) => circuitInput({ enabled, src: oneHot(src), dst: oneHot(dst), msgHash: MSG, accIn: table() });
const accOut = (w: bigint[]) => table().map((row, i) => row.map((_, j) => signalValue(t, w, `main.accOut[${i}][${j}]`)));

beforeAll(async () => {
  t = await templateTester("PairChainAppend", "lib/message.circom", "PairChainAppend", [N]);
  poseidon = await getPoseidon();
}, 300_000);

describe("PairChainAppend(3): valid appends pass the R1CS", () => {
  it.each([
    [1, 2],
    [0, 0],
    [2, 1],
  ])("an append to (%i, %i) hashes that chain only", async (src, dst) => {
    const w = await t.expectPass(input(src, dst));
    const expected = table();
    expected[src][dst] = poseidon([expected[src][dst], MSG]);
    expect(accOut(w)).toEqual(expected);
  });

  it("disabled: the table passes through", async () => {
    const w = await t.expectPass(input(1, 2, 0n));
    expect(accOut(w)).toEqual(table());
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("PairChainAppend(3): an edited table fails its constraints", () => {
  it.each([
    [1, 2],
    [0, 0],
    [2, 1],
  ])("the appended chain, accOut[1][2], edited after an append to (%i, %i)", async (src, dst) => {
    const w = await t.expectPass(input(src, dst));
    t.expectConstraintFail(bumped(t, w, "main.accOut[1][2]"), exactly("main.accOut[1][2]"));
  });

  it("the appended hash itself (next) edited", async () => {
    const w = await t.expectPass(input(1, 2));
    t.expectConstraintFail(bumped(t, w, "main.next"), exactly("main.next"));
  });

  it("an append with a pair selector moved to another pair", async () => {
    const w = await t.expectPass(input(1, 2));
    t.expectConstraintFail(t.editWitness(w, { "main.pairSel[1][2]": 0n, "main.pairSel[1][1]": 1n }), /^main\.pairSel\[1\]\[[12]\]$/);
  });
});
