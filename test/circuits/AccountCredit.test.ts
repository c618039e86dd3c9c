import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// AccountCredit(BALANCE_BITS = 16) (circuits/lib/account.circom): the recipient's leaf after a credit
// (balance + amount; key, token and nonce kept); when enabled, the message's token id is the leaf's and
// the balance does not overflow BALANCE_BITS. Each rule: a valid witness passes the R1CS, and an attack
// witness (or an edited one) fails a constraint of that rule.
const BITS = 16;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 18;
let t: WitnessTester;

/** Leaf preimage [ax, ay, tokenId, balance, nonce]. */
const leaf = (balance: bigint, tokenId = 1n) => [11n, 22n, tokenId, balance, 5n];
const credit = (over: Partial<{ enabled: bigint; before: bigint[]; tokenId: bigint; amount: bigint }> = {}) =>
  circuitInput({ enabled: 1n, before: leaf(100n), tokenId: 1n, amount: 30n, ...over });

beforeAll(async () => {
  t = await templateTester("AccountCredit", "lib/account.circom", "AccountCredit", [BITS]);
}, 300_000);

describe("AccountCredit(16): valid credits pass the R1CS", () => {
  it("a credit of 30 to 100: balance 130; key, token and nonce kept", async () => {
    const w = await t.expectPass(credit());
    expect([0, 1, 2, 3, 4].map((k) => signalValue(t, w, `main.after[${k}]`))).toEqual([11n, 22n, 1n, 130n, 5n]);
  });

  it("a credit up to the largest balance (2^16 - 1)", async () => {
    await t.expectPass(credit({ before: leaf(2n ** 16n - 31n) }));
  });

  it("disabled (an empty lane): token and overflow are not checked", async () => {
    await t.expectPass(credit({ enabled: 0n, before: leaf(2n ** 16n, 7n) }));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("AccountCredit(16): each rule refuses its attack", () => {
  it("a token id other than the leaf's", async () => {
    t.expectConstraintFail(await t.attackWitness(credit({ tokenId: 2n })), exactly("main.tokenId", "main.before[2]"));
  });

  it("an overflow (a balance of 2^16)", async () => {
    t.expectConstraintFail(await t.attackWitness(credit({ before: leaf(2n ** 16n - 30n) })), /^main\.creditedBits\./);
  });

  // (the key, token id and nonce pass through: after[0..2] and after[4] are the wires of before[...], checked by the leaf hash)
  it("an edited after[3] (balance) fails a constraint on it", async () => {
    const w = await t.expectPass(credit());
    t.expectConstraintFail(bumped(t, w, "main.after[3]"), exactly("main.after[3]"));
  });
});
