import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { noopSlot, type SlotWitness } from "../../src/circuits/witness-layout.js";
import { debitOnly, deliverOnly, depositSlot, execute, makeCluster, sendOp, transferOp, withdrawOp, withdrawSlot } from "../helpers/cluster-fixture.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// ClusterSlot(N = 2, D = 3, DELTA = 2, BALANCE_BITS = 16, TICK_BITS = 8) (circuits/lib/slot.circom): a
// DebitLane, then a CreditLane on the roots the debit lane leaves. The debit lane's outbox hash and the
// credit lane's inbox hash of one message are one MessageHash, so a TRANSFER executed in one slot leaves
// equal outbox and inbox chains; a WITHDRAW (debit lane) and an L1 deposit (credit lane) move no message. Valid witnesses (from src/state) pass the R1CS; an attack or an edited
// witness fails a constraint of the component at fault.
const N = 2;
const D = 3;
const DELTA = 2;
const BITS = 16;
const TICK_BITS = 8;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 10_292;
let t: WitnessTester;

const zeros = () => Array.from({ length: N }, () => Array.from({ length: N }, () => 0n));
const input = (rootsIn: bigint[], domain: bigint, slot: SlotWitness) => circuitInput({ rootsIn, outboxIn: zeros(), inboxIn: zeros(), domain, ...slot });
const table = (w: bigint[], name: string) => [0, 1].map((i) => [0, 1].map((j) => signalValue(t, w, `${name}[${i}][${j}]`)));

beforeAll(async () => {
  t = await templateTester("ClusterSlot", "lib/slot.circom", "ClusterSlot", [N, D, DELTA, BITS, TICK_BITS]);
}, 300_000);

describe("ClusterSlot(2, 3, 2, 16, 8): valid slots pass the R1CS", () => {
  it("a TRANSFER debited and delivered in one slot: the state's roots; outbox = inbox", async () => {
    const fx = await makeCluster(N, D);
    const rootsIn = fx.state.roots();
    const { slot } = execute(fx, transferOp(0, 0n, 1n, 30n, 0n), 3);
    const w = await t.expectPass(input(rootsIn, fx.domain, slot));
    expect([0, 1].map((i) => signalValue(t, w, `main.rootsOut[${i}]`))).toEqual(fx.state.roots());
    expect(table(w, "main.outboxOut")[0][0]).not.toBe(0n);
    expect(table(w, "main.outboxOut")).toEqual(table(w, "main.inboxOut"));
  });

  it("a SEND debited, and in the same slot the delivery of an earlier message to the same pair", async () => {
    const fx = await makeCluster(N, D);
    const first = debitOnly(fx, sendOp(0, 1, 0n, 1n, 10n, 0n), 2);
    const rootsIn = fx.state.roots();
    const second = debitOnly(fx, sendOp(0, 1, 0n, 1n, 20n, 1n), 3, 1n);
    const slot = { ...second.slot, ...pickCredit(deliverOnly(fx, first.message, 3)) };
    await t.expectPass(input(rootsIn, fx.domain, slot));
  });

  it("a WITHDRAW and, in its free credit lane, a deposit credited to the same leaf: the state's roots; no message", async () => {
    const fx = await makeCluster(N, D);
    const rootsIn = fx.state.roots();
    const withdraw = withdrawSlot(fx, withdrawOp(0, 0n, "0x00000000000000000000000000000000000c0ffe", 30n, 0n), 3);
    const slot = depositSlot(
      fx,
      { index: 0n, chainId: 0, to: 0n, tokenId: 1n, amount: 7n, depositor: "0x00000000000000000000000000000000000000dd" },
      3,
      withdraw,
    );
    expect(slot).toMatchObject({ debitOn: 1n, isWithdraw: 1n, creditOn: 1n, isDeposit: 1n, refund: 0n });
    const w = await t.expectPass(input(rootsIn, fx.domain, slot));
    expect([0, 1].map((i) => signalValue(t, w, `main.rootsOut[${i}]`))).toEqual(fx.state.roots());
    expect(fx.state.account(0, 0n)?.balance).toBe(1000n - 30n + 7n);
    expect(table(w, "main.outboxOut")).toEqual(zeros());
    expect(table(w, "main.inboxOut")).toEqual(zeros());
  });

  it("a deposit refunded to an empty leaf: nothing changes", async () => {
    const fx = await makeCluster(N, D);
    const rootsIn = fx.state.roots();
    const slot = depositSlot(fx, { index: 0n, chainId: 1, to: 7n, tokenId: 1n, amount: 7n, depositor: "0x00000000000000000000000000000000000000dd" }, 3);
    expect(slot).toMatchObject({ refund: 1n, recipientEmpty: 1n });
    const w = await t.expectPass(input(rootsIn, fx.domain, slot));
    expect([0, 1].map((i) => signalValue(t, w, `main.rootsOut[${i}]`))).toEqual(rootsIn);
  });

  it("a NOOP: nothing changes", async () => {
    const fx = await makeCluster(N, D);
    const w = await t.expectPass(input(fx.state.roots(), fx.domain, noopSlot(3, D)));
    expect([0, 1].map((i) => signalValue(t, w, `main.rootsOut[${i}]`))).toEqual(fx.state.roots());
    expect(table(w, "main.outboxOut")).toEqual(zeros());
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("ClusterSlot(2, 3, 2, 16, 8): the lanes are chained", () => {
  it("a credit proven against the roots before the debit (not those the debit lane leaves)", async () => {
    // Same cluster twice: in the second, the TRANSFER's credit is read without its debit first.
    const fx = await makeCluster(N, D);
    const rootsIn = fx.state.roots();
    const { slot, message } = execute(fx, transferOp(0, 0n, 1n, 30n, 0n), 3);
    const stale = await makeCluster(N, D);
    const early = deliverOnly(stale, message, 3);
    const forged = { ...slot, recipient: early.recipient, recipientSiblings: early.recipientSiblings };
    t.expectConstraintFail(await t.attackWitness(input(rootsIn, fx.domain, forged)), /^main\.creditLane\.recipientUpdate\.merkle\./);
  });

  it.each([0, 1])("an edited root after the slot (rootsOut[%i]) fails a constraint on it", async (i) => {
    const fx = await makeCluster(N, D);
    const rootsIn = fx.state.roots();
    const w = await t.expectPass(input(rootsIn, fx.domain, execute(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 3).slot));
    t.expectConstraintFail(bumped(t, w, `main.rootsOut[${i}]`), exactly(`main.rootsOut[${i}]`));
  });

  it("an edited root between the lanes fails a constraint on it", async () => {
    const fx = await makeCluster(N, D);
    const rootsIn = fx.state.roots();
    const w = await t.expectPass(input(rootsIn, fx.domain, execute(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 3).slot));
    // (the debit lane's rootsOut and the credit lane's rootsIn are one wire, named by the latter)
    t.expectConstraintFail(bumped(t, w, "main.creditLane.rootsIn[0]"), exactly("main.creditLane.rootsIn[0]"));
  });
});

/** The credit-lane fields of a slot. */
function pickCredit(s: SlotWitness) {
  const {
    creditOn,
    isDeposit,
    refund,
    recipientEmpty,
    inSrcChain,
    inDstChain,
    inSeq,
    inSendTick,
    inRecipient,
    inTokenId,
    inAmount,
    inDataHash,
    recipient,
    recipientSiblings,
  } = s;
  return {
    creditOn,
    isDeposit,
    refund,
    recipientEmpty,
    inSrcChain,
    inDstChain,
    inSeq,
    inSendTick,
    inRecipient,
    inTokenId,
    inAmount,
    inDataHash,
    recipient,
    recipientSiblings,
  };
}
