import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { noopSlot, slotOf } from "../../src/circuits/witness-layout.js";
import { pubdataCommitment, slotPubdataWords } from "../../src/protocol/pubdata.js";
import { makeCluster } from "../helpers/cluster-fixture.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// PubdataChainStep() (circuits/lib/pubdata.circom): one step of a batch's pubdata hash chain, out =
// Poseidon(acc, words[0..4]); from acc = 0 over the slots, the public input pubdataCommitment. A valid
// witness passes the R1CS and its out is pubdataCommitment's step (src/protocol/pubdata.ts); an edited out
// fails a constraint on it.
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 354;
let t: WitnessTester;
let poseidon: (x: bigint[]) => bigint;

const step = async (acc: bigint, words: bigint[]) => signalValue(t, await t.expectPass(circuitInput({ acc, words })), "main.out");

/** The words of two slots from src/state: a refunded deposit, then a NOOP. */
async function twoSlots(): Promise<bigint[][]> {
  const fx = await makeCluster(2, 3);
  const refund = slotOf(
    1,
    3,
    undefined,
    fx.state.applyDeposit({ index: 0n, chainId: 1, to: 5n, tokenId: 1n, amount: 9n, depositor: "0x00000000000000000000000000000000000000aa" }),
  );
  return [slotPubdataWords(refund), slotPubdataWords(noopSlot(2, 3))];
}

beforeAll(async () => {
  t = await templateTester("PubdataChainStep", "lib/pubdata.circom", "PubdataChainStep");
  poseidon = await getPoseidon();
}, 300_000);

describe("PubdataChainStep: out is pubdataCommitment's Poseidon step", () => {
  it("the first step (acc = 0) is pubdataCommitment of one slot", async () => {
    const [first] = await twoSlots();
    expect(await step(0n, first)).toBe(pubdataCommitment(poseidon, first));
  });

  it("two steps chained are pubdataCommitment of both slots (order matters)", async () => {
    const [first, second] = await twoSlots();
    const acc = await step(0n, first);
    expect(await step(acc, second)).toBe(pubdataCommitment(poseidon, [...first, ...second]));
    expect(await step(await step(0n, second), first)).not.toBe(pubdataCommitment(poseidon, [...first, ...second]));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("PubdataChainStep: an edited witness fails", () => {
  it("an edited out fails a constraint on it", async () => {
    const [first] = await twoSlots();
    const w = await t.expectPass(circuitInput({ acc: 0n, words: first }));
    t.expectConstraintFail(bumped(t, w, "main.out"), exactly("main.out"));
  });

  it("an edited acc (a chain that skips or reorders a slot) fails the step", async () => {
    const [first] = await twoSlots();
    const w = await t.expectPass(circuitInput({ acc: 0n, words: first }));
    t.expectConstraintFail(bumped(t, w, "main.acc"), /^main\.(acc|Poseidon_\d+_\d+\.)/);
  });
});
