import { beforeAll, describe, expect, it } from "vitest";
import { loadInstance } from "../src/circuits/manifest.js";
import { compileInstance } from "../src/circuits/compile.js";
import { WitnessTester } from "../src/circuits/constraint-check.js";
import { batchCircuitInput, batchPubdata, makeHeader, publicSignals, type BatchHeader } from "../src/circuits/batch-input.js";
import { operationDigest, type L1Deposit } from "../src/protocol/operation.js";
import { emptyCredit, emptyDebit, type SlotWitness } from "../src/circuits/witness-layout.js";
import { decodeBatchPubdata, pubdataCommitment } from "../src/protocol/pubdata.js";
import { accountFields } from "../src/state/account.js";
import { nativeTokenId } from "../src/protocol/token.js";
import {
  MINTER_LEAF,
  NATIVE_HOLDER_LEAF,
  addNativeToken,
  mintOp,
  debitOnly,
  deliverOnly,
  depositSlot,
  execute,
  makeCluster,
  sendOp,
  transferOp,
  withdrawOp,
  withdrawSlot,
  type ClusterFixture,
} from "./helpers/cluster-fixture.js";

// Circuit instance "circuit-test": N = 2 members, D = 4, B = 4 slots, Δ = 2 ticks.
//
// Every rule is tested twice: a valid witness passes every R1CS constraint, and an attack fails one
// *of that rule*. An attack witness is what a malicious prover computes for the attack input: every
// signal as the circuit's hints compute it, failed `===` assertions ignored (attackWitness); the R1CS
// check then judges it, and `expectConstraintFail(w, /component/)` asserts that a violated constraint
// involves the rule's own signals, so a test cannot pass for an unrelated reason.
const inst = loadInstance("circuit-test");
let tester: WitnessTester;

/** Constraints of the instances, pinned: a change to the circuit shows up here (and in the README). */
const CONSTRAINTS = { "circuit-test": 49_359, test: 25_239 };

beforeAll(async () => {
  tester = await WitnessTester.load(await compileInstance(inst));
}, 300_000);

type Batch = { header: BatchHeader; slots: SlotWitness[] };

/**
 * Slot 0: SEND 30 from leaf 0 on chain 0 to leaf 1 on chain 1 at tick 1 (debit lane only);
 * slot 1: a TRANSFER on chain 1 at tick 1 (debit and its delivery); slot 2: delivery of the SEND at
 * `receiveTick` (credit lane only); slot 3: NOOP.
 */
async function validBatch(receiveTick = 2, balances?: bigint[]): Promise<Batch & { fx: ClusterFixture }> {
  const fx = await makeCluster(inst.members, inst.depth, balances);
  const oldRoots = fx.state.roots();
  const send = debitOnly(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
  const transfer = execute(fx, transferOp(1, 0n, 1n, 5n, 0n), 1);
  const receive = deliverOnly(fx, send.message, receiveTick);
  return { ...batchOf(fx, oldRoots, [send.slot, transfer.slot, receive], receiveTick), fx };
}

/** Batch 0 over ticks firstTick..lastTick from `oldRoots` to the fixture's current roots. */
const batchOf = (fx: ClusterFixture, oldRoots: bigint[], slots: SlotWitness[], lastTick = 2, firstTick = 1): Batch => ({
  header: makeHeader(
    fx.poseidon,
    { domain: fx.domain, batchIndex: 0n, firstTick, lastTick, oldRoots, newRoots: fx.state.roots() },
    slots,
    inst.slots,
    inst.depth,
  ),
  slots,
});

const input = (b: Batch) => batchCircuitInput(b.header, b.slots, inst.slots, inst.depth);

/** The attack witness of a batch fails a constraint on a signal matching `where`. */
async function expectRuleViolated(b: Batch, where: RegExp) {
  tester.expectConstraintFail(await tester.attackWitness(input(b)), where);
}

/** Signs `op` for `domain` with the key of its sender leaf and puts the signature into a slot's debit lane. */
function resign(fx: ClusterFixture, slot: SlotWitness, op: Parameters<ClusterFixture["sign"]>[0], domain: bigint) {
  const sig = fx.signer.sign(fx.keys[Number(op.from)].privateKey, operationDigest(fx.poseidon, domain, op));
  Object.assign(slot, { sigR8x: sig.R8x, sigR8y: sig.R8y, sigS: sig.S });
}

/** L1 address the WITHDRAWs pay (a uint160). */
const ADDRESS = "0x00000000000000000000000000000000000c0ffe";
/** An L1 deposit of 40 of token 1 into leaf 1 on chain 1 (a leaf of token 1: credited). */
const DEPOSIT: L1Deposit = { index: 0n, chainId: 1, to: 1n, tokenId: 1n, amount: 40n, depositor: "0x00000000000000000000000000000000000000dd" };

/**
 * Slot 0: a WITHDRAW of 100 from leaf 0 on chain 0 to ADDRESS at tick 1, and in its credit lane DEPOSIT
 * credited; slot 1: a deposit to the empty leaf 9 on chain 0, refunded; slot 2: a deposit of token 1 to
 * leaf 2 on chain 1, which holds token 2, refunded; slot 3: NOOP. Ticks 1..2.
 */
async function withdrawDepositBatch(): Promise<Batch & { fx: ClusterFixture; oldRoots: bigint[] }> {
  const fx = await makeCluster(inst.members, inst.depth);
  fx.state.createAccount(1, 2n, { ax: fx.keys[0].ax, ay: fx.keys[0].ay, tokenId: 2n, balance: 5n, nonce: 0n });
  const oldRoots = fx.state.roots();
  const withdraw = withdrawSlot(fx, withdrawOp(0, 0n, ADDRESS, 100n, 0n), 1);
  const credited = depositSlot(fx, DEPOSIT, 1, withdraw);
  const refundEmpty = depositSlot(fx, { ...DEPOSIT, index: 1n, chainId: 0, to: 9n }, 2);
  const refundToken = depositSlot(fx, { ...DEPOSIT, index: 2n, to: 2n }, 2);
  return { ...batchOf(fx, oldRoots, [credited, refundEmpty, refundToken], 2), fx, oldRoots };
}

describe("ClusterBatch circuit (N=2, D=4, B=4, Δ=2): valid witnesses pass the R1CS", () => {
  it("a SEND, a TRANSFER with its delivery, the SEND's delivery a tick later, a NOOP", async () => {
    await tester.expectPass(input(await validBatch()));
  }, 60_000);

  it("a receive exactly Δ ticks after its send", async () => {
    await tester.expectPass(input(await validBatch(3)));
  }, 60_000);

  it("a batch whose tick span is the largest allowed (2^16 - 1)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const last = 2 ** 16;
    const t = execute(fx, transferOp(0, 0n, 1n, 5n, 0n), last);
    await tester.expectPass(input(batchOf(fx, oldRoots, [t.slot], last, 1)));
  }, 60_000);

  it("a WITHDRAW, a deposit credited, a deposit to an empty leaf and one to a leaf of another token refunded", async () => {
    const b = await withdrawDepositBatch();
    const w = await tester.expectPass(input(b));
    const pub = publicSignals(
      makeHeader(
        b.fx.poseidon,
        { domain: b.fx.domain, batchIndex: 0n, firstTick: 1, lastTick: 2, oldRoots: b.oldRoots, newRoots: b.fx.state.roots() },
        b.slots,
        inst.slots,
        inst.depth,
      ),
    );
    expect(w.slice(1, 1 + pub.length)).toEqual(pub);
    expect(b.fx.state.account(0, 0n)?.balance).toBe(900n);
    expect(b.fx.state.account(1, 1n)?.balance).toBe(90n);
    const records = decodeBatchPubdata(batchPubdata(b.slots, inst.slots, 2, inst.depth));
    expect(records.map((r) => [r.isWithdraw, r.isDeposit, r.refund])).toEqual([
      [true, true, false],
      [false, true, true],
      [false, true, true],
      [false, false, false],
    ]);
    expect(records[0]).toMatchObject({ debitOn: true, toIndex: BigInt(ADDRESS), amount: 100n, inAmount: 40n, inDstChain: 1, inRecipient: 1n });
  }, 60_000);

  it("constraint counts are pinned per instance", async () => {
    tester.expectConstraintCount(CONSTRAINTS["circuit-test"]);
    const test = await WitnessTester.load(await compileInstance(loadInstance("test")));
    test.expectConstraintCount(CONSTRAINTS.test);
  }, 300_000);
});

describe("ClusterBatch circuit: every public input is bound (edited witness, R1CS check)", () => {
  it.each([["header"], ["oldRootsCommitment"], ["newRootsCommitment"], ["pubdataCommitment"], ["newRoots[0]"], ["newRoots[1]"]])(
    "main.%s edited after calculation fails a constraint",
    async (signal) => {
      const witness = await tester.expectPass(input(await validBatch()));
      const edited = tester.editWitness(witness, { [`main.${signal}`]: witness[tester.signalIndex(`main.${signal}`)] + 1n });
      tester.expectConstraintFail(edited, new RegExp(`^main\\.${signal.replace(/[[\]]/g, "\\$&")}$`));
    },
    60_000,
  );

  it("the domain (private) edited after calculation fails the roots commitment", async () => {
    const witness = await tester.expectPass(input(await validBatch()));
    const edited = tester.editWitness(witness, { "main.domain": witness[tester.signalIndex("main.domain")] + 1n });
    tester.expectConstraintFail(edited, /main\.domain|Commitment/);
  }, 60_000);
});

describe("ClusterBatch circuit: each rule refuses its attack (attack witness, R1CS check)", () => {
  it("an edited balance in a leaf preimage (Merkle check)", async () => {
    const b = await validBatch();
    b.slots[2].recipient[3] += 1n;
    await expectRuleViolated(b, /slots\[2\]\.creditLane\.recipientUpdate\.merkle\./);
  }, 60_000);

  it("a wrong Merkle sibling", async () => {
    const b = await validBatch();
    b.slots[0].senderSiblings[2] += 1n;
    await expectRuleViolated(b, /slots\[0\]\.debitLane\.senderUpdate\.merkle\./);
  }, 60_000);

  it("a bad signature", async () => {
    const b = await validBatch();
    b.slots[1].sigS += 1n;
    await expectRuleViolated(b, /slots\[1\]\.debitLane\.sig\./);
  }, 60_000);

  it("a signature by a key other than the leaf's owner", async () => {
    const b = await validBatch();
    const op = b.fx.sign(transferOp(1, 0n, 1n, 5n, 0n), b.fx.keys[1]);
    Object.assign(b.slots[1], { sigR8x: op.signature.R8x, sigR8y: op.signature.R8y, sigS: op.signature.S });
    await expectRuleViolated(b, /slots\[1\]\.debitLane\.sig\./);
  }, 60_000);

  it("an operation signed for another deployment (domain) than the batch's", async () => {
    const b = await validBatch();
    resign(b.fx, b.slots[1], transferOp(1, 0n, 1n, 5n, 0n), b.fx.domain + 1n);
    await expectRuleViolated(b, /slots\[1\]\.debitLane\.sig\./);
  }, 60_000);

  it("a batch proven for another domain than its old roots commitment's", async () => {
    // Operations validly signed for domain d', the commitments computed for d': the old commitment is
    // then not the one the contract stores (Poseidon(d, ...)), so the prover must lie about it.
    const b = await validBatch();
    const other = b.fx.domain + 1n;
    resign(b.fx, b.slots[0], sendOp(0, 1, 0n, 1n, 30n, 0n), other);
    resign(b.fx, b.slots[1], transferOp(1, 0n, 1n, 5n, 0n), other);
    const forged = makeHeader(b.fx.poseidon, { ...b.header, domain: other }, b.slots, inst.slots, inst.depth);
    const i = input({ header: forged, slots: b.slots });
    await tester.expectPass(i); // consistent for d' by itself, but it starts from another commitment
    i.oldRootsCommitment = b.header.oldRootsCommitment.toString(); // what the contract passes
    tester.expectConstraintFail(await tester.attackWitness(i), /main\.oldRootsCommitment/);
  }, 60_000);

  it("an overdraft (a correctly signed SEND of more than the balance)", async () => {
    // Same cluster with sender balance 20 < 30: its leaf, path and roots are genuine, the signature valid.
    const b = await validBatch();
    const poor = await makeCluster(inst.members, inst.depth, [20n, 50n]);
    b.header = makeHeader(poor.poseidon, { ...b.header, oldRoots: poor.state.roots() }, b.slots, inst.slots, inst.depth);
    b.slots[0].sender[3] = 20n;
    await expectRuleViolated(b, /slots\[0\]\.debitLane\.debit\.debitedBits\./);
  }, 60_000);

  it("a wrong nonce, even when signed", async () => {
    const b = await validBatch();
    const op = b.fx.sign(transferOp(1, 0n, 1n, 5n, 1n));
    Object.assign(b.slots[1], { nonce: 1n, sigR8x: op.signature.R8x, sigR8y: op.signature.R8y, sigS: op.signature.S });
    await expectRuleViolated(b, /^main\.(nonce\[1\]|sender\[1\]\[4\])$/);
  }, 60_000);

  it("a receive after Δ", async () => {
    await expectRuleViolated(await validBatch(4), /slots\[2\]\.creditLane\.window\.slackBits\./);
  }, 60_000);

  it("a receive before its send", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = debitOnly(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 2);
    const early = deliverOnly(fx, { ...send.message, sendTick: 2 }, 1);
    await expectRuleViolated(batchOf(fx, oldRoots, [early, send.slot]), /slots\[0\]\.creditLane\.window\.lagBits\./);
  }, 60_000);

  it("a dropped message (SEND never delivered)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = debitOnly(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
    await expectRuleViolated(batchOf(fx, oldRoots, [send.slot], 1), /slots\[3\]\.(outbox|inbox)Out\[0\]\[1\]/);
  }, 60_000);

  it("a dropped TRANSFER credit (a message to the same chain must be delivered too)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const transfer = debitOnly(fx, transferOp(0, 0n, 1n, 30n, 0n), 1);
    await expectRuleViolated(batchOf(fx, oldRoots, [transfer.slot], 1), /slots\[3\]\.(outbox|inbox)Out\[0\]\[0\]/);
  }, 60_000);

  it("an altered message (delivered amount differs from the sent one)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = debitOnly(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
    const receive = deliverOnly(fx, { ...send.message, amount: 31n }, 2);
    await expectRuleViolated(batchOf(fx, oldRoots, [send.slot, receive]), /slots\[3\]\.(outbox|inbox)Out\[0\]\[1\]/);
  }, 60_000);

  it("a duplicated message (delivered twice)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = execute(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
    const again = deliverOnly(fx, send.message, 2);
    await expectRuleViolated(batchOf(fx, oldRoots, [send.slot, again]), /slots\[3\]\.(outbox|inbox)Out\[0\]\[1\]/);
  }, 60_000);

  it("a delivery of a message never sent (minting from nowhere)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const forged = deliverOnly(fx, { srcChain: 0, dstChain: 1, seq: 0n, sendTick: 1, recipient: 1n, tokenId: 1n, amount: 500n, dataHash: 0n }, 1);
    await expectRuleViolated(batchOf(fx, oldRoots, [forged], 1), /slots\[3\]\.(outbox|inbox)Out\[0\]\[1\]/);
  }, 60_000);

  it("a NOOP that changes state (new roots claim an extra credit)", async () => {
    const b = await validBatch();
    b.fx.state.applyCredit({ srcChain: 0, dstChain: 1, seq: 9n, sendTick: 1, recipient: 0n, tokenId: 1n, amount: 1n, dataHash: 0n });
    b.header = makeHeader(b.fx.poseidon, { ...b.header, newRoots: b.fx.state.roots() }, b.slots, inst.slots, inst.depth);
    await expectRuleViolated(b, /slots\[3\]\.rootsOut\[1\]|main\.newRoots\[1\]/);
  }, 60_000);

  it("ticks that go backwards", async () => {
    const b = await validBatch();
    b.slots[1].tick = 0n;
    await expectRuleViolated(b, /tickStep\[1\]\./);
  }, 60_000);

  it("a tick span of 2^16 (a batch jumping ahead in the tick space)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const last = 2 ** 16 + 1;
    const t = execute(fx, transferOp(0, 0n, 1n, 5n, 0n), last);
    await expectRuleViolated(batchOf(fx, oldRoots, [t.slot], last, 1), /tickSpanBits\./);
  }, 60_000);

  it("a last tick of 2^32 - 1 from first tick 1 (the tick-space exhaustion attack)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const b = batchOf(fx, oldRoots, [], 2 ** 32 - 1, 1);
    await expectRuleViolated(b, /tickSpanBits\./);
    expect(b.header.lastTick).toBe(4294967295);
  }, 60_000);
});

describe("ClusterBatch circuit: deposits and withdrawals are what the pubdata says (attack witness, R1CS check)", () => {
  it("a deposit skipped: the witness credits it, the public pubdataCommitment is the one without it", async () => {
    const b = await withdrawDepositBatch();
    const without = b.slots.map((s, i) => (i === 0 ? { ...s, ...emptyCredit(inst.depth) } : s));
    b.header = { ...b.header, pubdataCommitment: pubdataCommitment(b.fx.poseidon, batchPubdata(without, inst.slots, 2, inst.depth)) };
    const violated = tester.expectConstraintFail(await tester.attackWitness(input(b)), /^main\.pubdataCommitment$/);
    for (const c of violated) expect(tester.signalsOf(c)).toContain("main.pubdataCommitment");
  }, 60_000);

  it("a deposit credited twice: a second slot credits it to the same leaf with its deposit flag cleared (one deposit published)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const first = depositSlot(fx, DEPOSIT, 1);
    const again = { ...depositSlot(fx, DEPOSIT, 1), isDeposit: 0n }; // the state credits the leaf again
    expect(fx.state.account(1, 1n)?.balance).toBe(130n);
    const b = batchOf(fx, oldRoots, [first, again], 1);
    expect(decodeBatchPubdata(batchPubdata(b.slots, inst.slots, 1, inst.depth)).filter((r) => r.isDeposit)).toHaveLength(1);
    // the second credit is then a delivery of a message never sent: inbox(0 -> 1) != outbox(0 -> 1)
    await expectRuleViolated(b, /slots\[3\]\.(outbox|inbox)Out\[0\]\[1\]/);
  }, 60_000);

  it("a deposit credited twice, the second published as a deposit too, is two deposits in the pubdata (the contract's queue holds one)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const b = batchOf(fx, oldRoots, [depositSlot(fx, DEPOSIT, 1), depositSlot(fx, DEPOSIT, 1)], 1);
    await tester.expectPass(input(b));
    expect(decodeBatchPubdata(batchPubdata(b.slots, inst.slots, 1, inst.depth)).filter((r) => r.isDeposit)).toHaveLength(2);
  }, 60_000);

  it("a withdrawal without debit: the WITHDRAW published, the new roots those before it (sender not debited)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const slots = [withdrawSlot(fx, withdrawOp(0, 0n, ADDRESS, 100n, 0n), 1)];
    const header = makeHeader(
      fx.poseidon,
      { domain: fx.domain, batchIndex: 0n, firstTick: 1, lastTick: 1, oldRoots, newRoots: oldRoots },
      slots,
      inst.slots,
      inst.depth,
    );
    expect(decodeBatchPubdata(batchPubdata(slots, inst.slots, 1, inst.depth))[0]).toMatchObject({ debitOn: true, isWithdraw: true, amount: 100n });
    await expectRuleViolated({ header, slots }, /^main\.newRoots\[0\]$/);
  }, 60_000);

  it("a withdrawal without debit: the WITHDRAW flag published on a slot without an operation (debitOn = 0)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const slots = [{ ...withdrawSlot(fx, withdrawOp(0, 0n, ADDRESS, 100n, 0n), 1), debitOn: 0n }];
    const header = makeHeader(
      fx.poseidon,
      { domain: fx.domain, batchIndex: 0n, firstTick: 1, lastTick: 1, oldRoots, newRoots: oldRoots },
      slots,
      inst.slots,
      inst.depth,
    );
    await expectRuleViolated({ header, slots }, /^main\.(isWithdraw|debitOn)\[0\]$/);
  }, 60_000);
});

/**
 * What a prover who lies about a MINT computes: leaf `leaf` on `chain` (holding `tokenId`, key keys[0])
 * signs a MINT of `amount` to itself at `tick`; the slot's debit lane keeps its balance and bumps its
 * nonce, its credit lane credits it, each read where the circuit reads it (the fixture's state moves
 * as the witness says, by ClusterState.replayPublished).
 */
function forgedMintSlot(fx: ClusterFixture, chain: number, leaf: bigint, tokenId: bigint, amount: bigint, tick: number): SlotWitness {
  const op = mintOp(chain, leaf, leaf, tokenId, amount, fx.state.account(chain, leaf)!.nonce);
  const sig = fx.signer.sign(fx.keys[0].privateKey, operationDigest(fx.poseidon, fx.domain, op));
  const sender = accountFields(fx.state.account(chain, leaf)!);
  const senderSiblings = fx.state.siblings(chain, leaf);
  const noop = decodeBatchPubdata(batchPubdata([], 1, tick, inst.depth))[0]; // a NOOP slot's record: nothing on
  const record = { ...noop, srcChain: chain, dstChain: chain, fromIndex: leaf, toIndex: leaf, tokenId, amount };
  fx.state.replayPublished({ ...record, debitOn: true, isMint: true });
  const recipient = accountFields(fx.state.account(chain, leaf)!);
  const recipientSiblings = fx.state.siblings(chain, leaf);
  fx.state.replayPublished({ ...record, creditOn: true, inDstChain: chain, inRecipient: leaf, inTokenId: tokenId, inAmount: amount });
  return {
    tick: BigInt(tick),
    ...emptyDebit(inst.depth),
    ...{ debitOn: 1n, isMint: 1n, srcChain: BigInt(chain), dstChain: BigInt(chain), fromIndex: leaf, toIndex: leaf, tokenId, amount, nonce: op.nonce },
    ...{ sigR8x: sig.R8x, sigR8y: sig.R8y, sigS: sig.S, sender, senderSiblings },
    ...emptyCredit(inst.depth),
    ...{
      creditOn: 1n,
      inSrcChain: BigInt(chain),
      inDstChain: BigInt(chain),
      inSendTick: BigInt(tick),
      inRecipient: leaf,
      inTokenId: tokenId,
      inAmount: amount,
    },
    ...{ recipient, recipientSiblings },
  };
}

describe("ClusterBatch circuit: only a token's owner chain mints it (attack witness, R1CS check)", () => {
  it("a MINT of chain 0's native token by its minter leaf, then a SEND of it to chain 1, passes; the pubdata flags the MINT", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const { tokenId, minterKey } = addNativeToken(fx, 0);
    const oldRoots = fx.state.roots();
    const minted = fx.state.applySigned(fx.sign(mintOp(0, MINTER_LEAF, NATIVE_HOLDER_LEAF, tokenId, 500n, 0n), minterKey), 1, 0n);
    const mint = { tick: 1n, ...minted.debit, ...fx.state.applyCredit(minted.message) };
    const send = execute(fx, { ...sendOp(0, 1, NATIVE_HOLDER_LEAF, NATIVE_HOLDER_LEAF, 200n, 0n), tokenId }, 1, 0n);
    const b = batchOf(fx, oldRoots, [mint, send.slot], 1);
    await tester.expectPass(input(b));
    expect(fx.state.account(1, NATIVE_HOLDER_LEAF)?.balance).toBe(200n);
    expect(decodeBatchPubdata(batchPubdata(b.slots, inst.slots, 1, inst.depth)).map((r) => r.isMint)).toEqual([true, false, false, false]);
  }, 60_000);

  it("the forged slot itself is sound: made by the owner chain's minter leaf, it passes (so the next test fails for the chain alone)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const tokenId = nativeTokenId(0, MINTER_LEAF);
    fx.state.createAccount(0, MINTER_LEAF, { ax: fx.keys[0].ax, ay: fx.keys[0].ay, tokenId, balance: 0n, nonce: 0n });
    const oldRoots = fx.state.roots();
    await tester.expectPass(input(batchOf(fx, oldRoots, [forgedMintSlot(fx, 0, MINTER_LEAF, tokenId, 30n, 1)], 1)));
  }, 60_000);

  it("a mint on a non-owner chain: chain 1's holder of chain 0's token mints it to itself (signed, leaves and paths genuine)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const { tokenId } = addNativeToken(fx, 0);
    const oldRoots = fx.state.roots();
    const slot = forgedMintSlot(fx, 1, NATIVE_HOLDER_LEAF, tokenId, 30n, 1);
    expect(fx.state.account(1, NATIVE_HOLDER_LEAF)).toMatchObject({ balance: 30n, nonce: 1n });
    await expectRuleViolated(batchOf(fx, oldRoots, [slot], 1), /^main\.(isMint|srcChain|fromIndex|tokenId)\[0\]$/);
  }, 60_000);
});
