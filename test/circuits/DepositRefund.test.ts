import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// DepositRefund() (circuits/lib/deposit.circom): an L1 deposit is refunded only where no leaf can take it,
// so an operator cannot turn a deposit back at will. refund = 1 needs recipientEmpty = 1 (the caller proves
// the empty leaf, hash 0) or a leaf of another token; recipientEmpty is boolean and claimed only for a
// refund. Each rule: a valid witness passes the R1CS, and an attack witness (or an edited one) fails a
// constraint of that rule.
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 5;
let t: WitnessTester;

type In = { refund: bigint; recipientEmpty: bigint; leafTokenId: bigint; tokenId: bigint };
/** A credit of a deposit of token 1 into a leaf of token 1 (no refund), unless `over` says otherwise. */
const input = (over: Partial<In> = {}) => circuitInput({ refund: 0n, recipientEmpty: 0n, leafTokenId: 1n, tokenId: 1n, ...over });

beforeAll(async () => {
  t = await templateTester("DepositRefund", "lib/deposit.circom", "DepositRefund");
}, 300_000);

/** Every constraint `witness` violates is on the signals `names` only (and at least one is). */
function expectOnlyRuleViolated(witness: bigint[], ...names: string[]) {
  const violated = t.expectConstraintFail(witness, exactly(...names));
  for (const c of violated)
    expect(
      t.signalsOf(c).every((n) => names.includes(n)),
      `constraint #${c} on ${t.signalsOf(c)}`,
    ).toBe(true);
}

describe("DepositRefund: valid refunds and credits pass the R1CS", () => {
  it("a refund of a deposit to an empty leaf (recipientEmpty; its preimage is zeros)", async () => {
    const w = await t.expectPass(input({ refund: 1n, recipientEmpty: 1n, leafTokenId: 0n }));
    expect(signalValue(t, w, "main.sameToken")).toBe(0n);
  });

  it("a refund of a deposit to an empty leaf, whatever the (ignored) preimage's token", async () => {
    await t.expectPass(input({ refund: 1n, recipientEmpty: 1n, leafTokenId: 1n }));
  });

  it("a refund of a deposit to a leaf that holds another token", async () => {
    const w = await t.expectPass(input({ refund: 1n, leafTokenId: 2n }));
    expect(signalValue(t, w, "main.sameToken")).toBe(0n);
  });

  it("a credit (no refund) of a deposit to a leaf of its token", async () => {
    const w = await t.expectPass(input());
    expect(signalValue(t, w, "main.sameToken")).toBe(1n);
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("DepositRefund: each rule refuses its attack", () => {
  it("a refund of a deposit to a leaf of the same token (the deposit not credited)", async () => {
    expectOnlyRuleViolated(await t.attackWitness(input({ refund: 1n })), "main.refund", "main.recipientEmpty", "main.sameToken");
  });

  it("recipientEmpty without a refund (an empty leaf claimed for a credit)", async () => {
    // A valid witness (no refund, a leaf of another token) with recipientEmpty set: only the rule "an empty
    // leaf is only claimed for a refund" is at stake. (An attack witness would stop computing at the failed
    // assertion and leave the IsEqual after it unset.)
    const w = await t.expectPass(input({ leafTokenId: 2n }));
    expectOnlyRuleViolated(t.editWitness(w, { "main.recipientEmpty": 1n }), "main.refund", "main.recipientEmpty");
  });

  it("a non-boolean recipientEmpty (2)", async () => {
    const w = await t.expectPass(input({ refund: 1n, recipientEmpty: 1n, leafTokenId: 2n }));
    expectOnlyRuleViolated(t.editWitness(w, { "main.recipientEmpty": 2n }), "main.recipientEmpty");
  });

  it("an edited sameToken (claiming another token) fails its IsEqual", async () => {
    const w = await t.expectPass(input());
    t.expectConstraintFail(t.editWitness(w, { "main.sameToken": 0n }), /^main\.(sameToken|IsEqual_\d+_\d+\.)/);
  });

  it("an edited sameToken of a refund fails a constraint on it", async () => {
    const w = await t.expectPass(input({ refund: 1n, leafTokenId: 2n }));
    t.expectConstraintFail(bumped(t, w, "main.sameToken"), exactly("main.sameToken"));
  });
});
