import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { bumped, circuitInput, exactly, neg, templateTester, signalValue } from "./template-tester.js";

// AccountDebit(BALANCE_BITS = 16) (circuits/lib/account.circom): the sender's leaf after a signed debit
// (balance - amount, nonce + 1, key and token kept; a MINT keeps the balance); when enabled, the token id
// and nonce are the leaf's and the balance covers what is taken; the amount has BALANCE_BITS bits always,
// a minted one too. Each rule: a valid witness
// passes the R1CS, and an attack witness (or an edited one) fails a constraint of that rule.
const BITS = 16;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 36;
let t: WitnessTester;

/** Leaf preimage [ax, ay, tokenId, balance, nonce]. */
const leaf = (balance: bigint, nonce = 2n, tokenId = 1n) => [11n, 22n, tokenId, balance, nonce];
const debit = (over: Partial<{ enabled: bigint; isMint: bigint; before: bigint[]; tokenId: bigint; amount: bigint; nonce: bigint }> = {}) =>
  circuitInput({ enabled: 1n, isMint: 0n, before: leaf(100n), tokenId: 1n, amount: 30n, nonce: 2n, ...over });

beforeAll(async () => {
  t = await templateTester("AccountDebit", "lib/account.circom", "AccountDebit", [BITS]);
}, 300_000);

describe("AccountDebit(16): valid debits pass the R1CS", () => {
  it("a debit of 30 from 100: balance 70, nonce 3, key and token kept", async () => {
    const w = await t.expectPass(debit());
    expect([0, 1, 2, 3, 4].map((k) => signalValue(t, w, `main.after[${k}]`))).toEqual([11n, 22n, 1n, 70n, 3n]);
  });

  it("a debit of the whole balance (0 left) and of the largest amount (2^16 - 1)", async () => {
    await t.expectPass(debit({ amount: 100n }));
    await t.expectPass(debit({ before: leaf(2n ** 16n - 1n), amount: 2n ** 16n - 1n }));
  });

  it("a MINT of 500 by a minter holding 100: balance kept, nonce 3 (the amount is more than the balance)", async () => {
    const w = await t.expectPass(debit({ isMint: 1n, amount: 500n }));
    expect([0, 1, 2, 3, 4].map((k) => signalValue(t, w, `main.after[${k}]`))).toEqual([11n, 22n, 1n, 100n, 3n]);
  });

  it("disabled (an empty lane): token, nonce and balance are not checked", async () => {
    await t.expectPass(debit({ enabled: 0n, before: leaf(0n, 9n, 5n), amount: 0n }));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("AccountDebit(16): each rule refuses its attack", () => {
  it("a token id other than the leaf's", async () => {
    t.expectConstraintFail(await t.attackWitness(debit({ tokenId: 2n })), exactly("main.tokenId", "main.before[2]"));
  });

  it("a nonce other than the leaf's (a replay)", async () => {
    t.expectConstraintFail(await t.attackWitness(debit({ nonce: 1n })), exactly("main.nonce", "main.before[4]"));
  });

  it("an overdraft (30 from 29)", async () => {
    t.expectConstraintFail(await t.attackWitness(debit({ before: leaf(29n) })), /^main\.debitedBits\./);
  });

  it("a negative amount (-1: the debit would mint)", async () => {
    t.expectConstraintFail(await t.attackWitness(debit({ amount: neg(1n) })), /^main\.amountBits\./);
  });

  it("a negative minted amount (-1: the recipient's credit would burn), though nothing is taken from the minter", async () => {
    t.expectConstraintFail(await t.attackWitness(debit({ isMint: 1n, amount: neg(1n) })), /^main\.amountBits\./);
  });

  it("a MINT's balance taken anyway (after = before - amount: the minter pays for what it made)", async () => {
    const w = await t.expectPass(debit({ isMint: 1n }));
    t.expectConstraintFail(t.editWitness(w, { "main.after[3]": 70n }), exactly("main.after[3]"));
  });

  it("an amount of 2^16 (over BALANCE_BITS), even in a disabled lane", async () => {
    t.expectConstraintFail(await t.attackWitness(debit({ enabled: 0n, amount: 2n ** 16n })), /^main\.amountBits\./);
  });

  // (the key and the token id pass through: after[0..2] are the wires of before[0..2], checked by the leaf hash)
  it.each([
    [3, "balance"],
    [4, "nonce"],
  ])("an edited after[%i] (%s) fails a constraint on it", async (k) => {
    const w = await t.expectPass(debit());
    t.expectConstraintFail(bumped(t, w, `main.after[${k}]`), exactly(`main.after[${k}]`));
  });
});
