import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { messageHash, type Message } from "../../src/protocol/operation.js";
import { emptyCredit, type CreditLane } from "../../src/circuits/witness-layout.js";
import { makeCluster, type ClusterFixture } from "../helpers/cluster-fixture.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// CreditLane(N = 2, D = 3, DELTA = 2, BALANCE_BITS = 16, TICK_BITS = 8) (circuits/lib/slot.circom): the
// delivery of one message within DELTA ticks credits the recipient's leaf in dstChain's tree and appends the
// message to inbox(src -> dst); empty, it changes nothing. The witnesses come from src/state. Each rule: a
// valid witness passes the R1CS, and an attack witness (or an edited one) fails a constraint of that rule's
// component.
const N = 2;
const D = 3;
const DELTA = 2;
const BITS = 16;
const TICK_BITS = 8;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 2_798;
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
const input = (l: Lane, tick = SEND_TICK + 1, over: Partial<CreditLane> = {}) =>
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

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
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
