import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { messageHash, type Message } from "../../src/protocol/operation.js";
import { emptyCredit, type CreditLane } from "../../src/circuits/witness-layout.js";
import { makeCluster, type ClusterFixture } from "../helpers/cluster-fixture.js";
import type { L1Deposit } from "../../src/protocol/operation.js";
import { appendedAnyway, bumped, circuitInput, exactly, leafKept, signalNamed, templateTester, signalValue } from "./template-tester.js";

// CreditLane(N = 2, D = 3, DELTA = 2, BALANCE_BITS = 16, TICK_BITS = 8) (circuits/lib/slot.circom): the
// delivery of one message within DELTA ticks credits the recipient's leaf in dstChain's tree and appends the
// message to inbox(src -> dst); an L1 deposit (isDeposit) credits the leaf the same way, outside the delivery
// window and without an inbox append, or is refunded (refund: the leaf kept, DepositRefund: only an empty
// leaf, recipientEmpty, or one of another token); empty, it changes nothing. The witnesses come from src/state. Each rule: a
// valid witness passes the R1CS, and an attack witness (or an edited one) fails a constraint of that rule's
// component.
const N = 2;
const D = 3;
const DELTA = 2;
const BITS = 16;
const TICK_BITS = 8;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 2_809;
const SEND_TICK = 4;
let t: WitnessTester;

const zeros = () => Array.from({ length: N }, () => Array.from({ length: N }, () => 0n));
type Lane = { fx: ClusterFixture; rootsIn: bigint[]; credit: CreditLane; message: Message };
const MESSAGE: Message = { srcChain: 0, dstChain: 1, seq: 3n, sendTick: SEND_TICK, recipient: 1n, tokenId: 1n, amount: 30n, dataHash: 7n };

/** The delivery of `message` (to leaf 1 on chain 1 by default), as the state executes it. */
async function lane(message: Message = MESSAGE, balances?: bigint[]): Promise<Lane> {
  const fx = await makeCluster(N, D, balances);
  const rootsIn = fx.state.roots();
  return { fx, rootsIn, credit: fx.state.applyCredit(message), message };
}
/** A deposit of 30 of token 1 into leaf 1 on chain 1 (a leaf of token 1: credited). */
const DEPOSIT: L1Deposit = { index: 0n, chainId: 1, to: 1n, tokenId: 1n, amount: 30n, depositor: "0x00000000000000000000000000000000000000dd" };
/** A tick far outside any delivery window of a deposit's (unused) sendTick 0. */
const LATE = 200;
/** The consumption of `deposit` as the state executes it (applyDeposit); leaf 2 on chain 1 holds token 2. */
async function depositLane(deposit: L1Deposit = DEPOSIT): Promise<Omit<Lane, "message">> {
  const fx = await makeCluster(N, D);
  fx.state.createAccount(1, 2n, { ax: fx.keys[0].ax, ay: fx.keys[0].ay, tokenId: 2n, balance: 5n, nonce: 0n });
  const rootsIn = fx.state.roots();
  return { fx, rootsIn, credit: fx.state.applyDeposit(deposit) };
}
const input = (l: Omit<Lane, "message">, tick = SEND_TICK + 1, over: Partial<CreditLane> = {}) =>
  circuitInput({ rootsIn: l.rootsIn, inboxIn: zeros(), tick: BigInt(tick), ...l.credit, ...over });
const read = (w: bigint[], name: string, n: number) => Array.from({ length: n }, (_, i) => signalValue(t, w, `${name}[${i}]`));

beforeAll(async () => {
  t = await templateTester("CreditLane", "lib/slot.circom", "CreditLane", [N, D, DELTA, BITS, TICK_BITS]);
}, 300_000);

describe("CreditLane(2, 3, 2, 16, 8): valid lanes pass the R1CS", () => {
  it("a delivery: roots as the state's after it; the message hash appended to its inbox pair", async () => {
    const l = await lane();
    const w = await t.expectPass(input(l));
    expect(read(w, "main.rootsOut", N)).toEqual(l.fx.state.roots());
    const inbox = zeros();
    inbox[0][1] = l.fx.poseidon([0n, messageHash(l.fx.poseidon, MESSAGE)]);
    expect([0, 1].map((i) => read(w, `main.inboxOut[${i}]`, N))).toEqual(inbox);
  });

  it.each([0, 1, DELTA])("a delivery %i ticks after the send", async (lag) => {
    await t.expectPass(input(await lane(), SEND_TICK + lag));
  });

  it("a delivery to the same chain (a TRANSFER's credit)", async () => {
    await t.expectPass(input(await lane({ ...MESSAGE, dstChain: 0, recipient: 1n })));
  });

  it("a credit up to the largest balance (2^16 - 1)", async () => {
    await t.expectPass(input(await lane(MESSAGE, [1000n, 2n ** 16n - 31n])));
  });

  it("an empty lane (emptyCredit): roots and inbox pass through", async () => {
    const l = await lane();
    const inboxIn = [
      [1n, 2n],
      [3n, 4n],
    ];
    const w = await t.expectPass(circuitInput({ rootsIn: l.rootsIn, inboxIn, tick: 200n, ...emptyCredit(D) }));
    expect(read(w, "main.rootsOut", N)).toEqual(l.rootsIn);
    expect([0, 1].map((i) => read(w, `main.inboxOut[${i}]`, N))).toEqual(inboxIn);
  });

  it("a deposit credited: roots as the state's after it; no inbox append; no delivery window (tick 200)", async () => {
    const l = await depositLane();
    const inboxIn = [
      [1n, 2n],
      [3n, 4n],
    ];
    const w = await t.expectPass({ ...input(l, LATE), inboxIn: circuitInput({ inboxIn }).inboxIn });
    expect(l.credit).toMatchObject({ creditOn: 1n, isDeposit: 1n, refund: 0n, recipientEmpty: 0n });
    expect(read(w, "main.rootsOut", N)).toEqual(l.fx.state.roots());
    expect(read(w, "main.rootsOut", N)).not.toEqual(l.rootsIn);
    expect(l.fx.state.account(1, 1n)?.balance).toBe(80n);
    expect([0, 1].map((i) => read(w, `main.inboxOut[${i}]`, N))).toEqual(inboxIn);
  });

  it.each([
    ["an empty leaf (recipientEmpty)", 5n, 1n],
    ["a leaf of another token", 2n, 0n],
  ])("a deposit refunded, to %s: roots unchanged", async (_name, to, empty) => {
    const l = await depositLane({ ...DEPOSIT, to });
    expect(l.credit).toMatchObject({ creditOn: 1n, isDeposit: 1n, refund: 1n, recipientEmpty: empty });
    const w = await t.expectPass(input(l, LATE));
    expect(read(w, "main.rootsOut", N)).toEqual(l.rootsIn);
    expect(l.fx.state.roots()).toEqual(l.rootsIn);
    expect([0, 1].map((i) => read(w, `main.inboxOut[${i}]`, N))).toEqual(zeros());
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("CreditLane(2, 3, 2, 16, 8): a deposit refuses its attacks", () => {
  it("a refund of a leaf of the deposit's token (the deposit not credited)", async () => {
    const l = await depositLane();
    t.expectConstraintFail(await t.attackWitness(input(l, LATE, { refund: 1n })), exactly("main.refund", "main.recipientEmpty", "main.refunded.sameToken"));
  });

  it("a refund of a leaf of the deposit's token, claimed empty (its hash is not 0)", async () => {
    const l = await depositLane();
    t.expectConstraintFail(await t.attackWitness(input(l, LATE, { refund: 1n, recipientEmpty: 1n })), /^main\.recipientUpdate\.merkle\./);
  });

  it("a deposit credited while its leaf's root is kept (rootsOut edited to the root before)", async () => {
    const l = await depositLane();
    const w = await t.expectPass(input(l, LATE));
    t.expectConstraintFail(t.editWitness(w, { "main.rootsOut[1]": l.rootsIn[1] }), exactly("main.rootsOut[1]"));
  });

  it("a deposit credited while its leaf is kept (new leaf = old leaf; path and roots consistent)", async () => {
    const l = await depositLane();
    const w = await t.expectPass(input(l, LATE));
    const oldLeaf = l.fx.poseidon(l.credit.recipient);
    const newLeaf = signalNamed(t, w, /^main\.recipientUpdate\.newLeaf$/, signalValue(t, w, "main.creditedLeaf"));
    const kept = leafKept(t, w, "main.recipientUpdate", { newLeaf, oldLeaf, rootsOut: ["main.rootsOut[0]", "main.rootsOut[1]"], rootsIn: l.rootsIn });
    expect(read(kept, "main.rootsOut", N)).toEqual(l.rootsIn);
    t.expectConstraintFail(kept, exactly("main.recipientUpdate.newLeaf", "main.creditedLeaf", "main.refund"));
  });

  it("a refund with isDeposit = 0 (a message turned back)", async () => {
    const l = await depositLane({ ...DEPOSIT, to: 2n });
    // tick 1: within the window of the (now enabled) delivery of sendTick 0, so only the flag rule is at stake
    t.expectConstraintFail(await t.attackWitness(input(l, 1, { isDeposit: 0n })), exactly("main.refund", "main.isDeposit"));
  });

  it("isDeposit = 1 with creditOn = 0", async () => {
    const w = await t.expectPass(circuitInput({ rootsIn: (await lane()).rootsIn, inboxIn: zeros(), tick: 200n, ...emptyCredit(D) }));
    t.expectConstraintFail(t.editWitness(w, { "main.isDeposit": 1n }), exactly("main.isDeposit", "main.creditOn"));
  });

  it("a credit lane that credits the deposit and appends it to the inbox (selectors and inbox entry as if enabled)", async () => {
    const l = await depositLane();
    const w = await t.expectPass(input(l, LATE));
    const appended = appendedAnyway(t, w, N, 0, 1, "main.inboxOut");
    expect(signalValue(t, appended, "main.inboxOut[0][1]")).toBe(l.fx.poseidon([0n, signalValue(t, w, "main.received")]));
    t.expectConstraintFail(appended, /^main\.PairChainAppend_\d+_\d+\.rowSel\[0\]$/);
  });

  it("a credit lane that credits the deposit and appends it to the inbox (inbox entry edited)", async () => {
    const w = await t.expectPass(input(await depositLane(), LATE));
    t.expectConstraintFail(bumped(t, w, "main.inboxOut[0][1]"), exactly("main.inboxOut[0][1]"));
  });
});

describe("CreditLane(2, 3, 2, 16, 8): each rule refuses its attack", () => {
  it("a delivery DELTA + 1 ticks after the send", async () => {
    t.expectConstraintFail(await t.attackWitness(input(await lane(), SEND_TICK + DELTA + 1)), /^main\.window\.slackBits\./);
  });

  it("a delivery before the send", async () => {
    t.expectConstraintFail(await t.attackWitness(input(await lane(), SEND_TICK - 1)), /^main\.window\.lagBits\./);
  });

  it("an overflow of the recipient's balance (2^16)", async () => {
    t.expectConstraintFail(await t.attackWitness(input(await lane(MESSAGE, [1000n, 2n ** 16n - 30n]))), /^main\.credit\.creditedBits\./);
  });

  it("a token other than the recipient's", async () => {
    t.expectConstraintFail(await t.attackWitness(input(await lane(), SEND_TICK + 1, { inTokenId: 2n })), exactly("main.inTokenId", "main.recipient[2]"));
  });

  it("an edited balance in the recipient's leaf preimage (not the leaf in the tree)", async () => {
    const l = await lane();
    const recipient = [...l.credit.recipient];
    recipient[3] += 1n;
    t.expectConstraintFail(await t.attackWitness(input(l, SEND_TICK + 1, { recipient })), /^main\.recipientUpdate\.merkle\./);
  });

  it("a wrong Merkle sibling of the recipient", async () => {
    const l = await lane();
    const recipientSiblings = [...l.credit.recipientSiblings];
    recipientSiblings[0] += 1n;
    t.expectConstraintFail(await t.attackWitness(input(l, SEND_TICK + 1, { recipientSiblings })), /^main\.recipientUpdate\.merkle\./);
  });

  it("a credit proven on another chain than the message's destination", async () => {
    // Chain 0 first receives a credit, so its tree is no longer chain 1's (the genesis trees are equal).
    const fx = await makeCluster(N, D);
    fx.state.applyCredit({ ...MESSAGE, dstChain: 0, recipient: 0n, amount: 5n });
    const l: Lane = { fx, rootsIn: fx.state.roots(), credit: fx.state.applyCredit(MESSAGE), message: MESSAGE };
    await t.expectPass(input(l));
    t.expectConstraintFail(await t.attackWitness(input(l, SEND_TICK + 1, { inDstChain: 0n })), /^main\.recipientUpdate\.merkle\./);
  });

  it("an edited inbox entry of the message's pair fails a constraint on it", async () => {
    const w = await t.expectPass(input(await lane()));
    t.expectConstraintFail(bumped(t, w, "main.inboxOut[0][1]"), exactly("main.inboxOut[0][1]"));
  });

  it.each([0, 1])("an edited root (rootsOut[%i]) fails a constraint on it", async (i) => {
    const w = await t.expectPass(input(await lane()));
    t.expectConstraintFail(bumped(t, w, `main.rootsOut[${i}]`), exactly(`main.rootsOut[${i}]`));
  });

  it("an edited message hash (what the inbox appends) fails a constraint on it", async () => {
    const w = await t.expectPass(input(await lane()));
    t.expectConstraintFail(bumped(t, w, "main.received"), exactly("main.received"));
  });
});
