import { beforeAll, describe, expect, it } from "vitest";
import { loadInstance } from "../src/circuits/manifest.js";
import { compileInstance } from "../src/circuits/compile.js";
import { WitnessTester } from "../src/circuits/constraint-check.js";
import { batchCircuitInput, makeHeader, type BatchHeader } from "../src/circuits/batch-input.js";
import { operationDigest } from "../src/protocol/operation.js";
import type { SlotWitness } from "../src/circuits/witness-layout.js";
import { debitOnly, deliverOnly, execute, makeCluster, sendOp, transferOp, type ClusterFixture } from "./helpers/cluster-fixture.js";

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
const CONSTRAINTS = { "circuit-test": 47_742, test: 24_432 };

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
  header: makeHeader(fx.poseidon, { domain: fx.domain, batchIndex: 0n, firstTick, lastTick, oldRoots, newRoots: fx.state.roots() }),
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

  it("constraint counts are pinned per instance", async () => {
    tester.expectConstraintCount(CONSTRAINTS["circuit-test"]);
    const test = await WitnessTester.load(await compileInstance(loadInstance("test")));
    test.expectConstraintCount(CONSTRAINTS.test);
  }, 300_000);
});

describe("ClusterBatch circuit: every public input is bound (edited witness, R1CS check)", () => {
  it.each([["header"], ["oldRootsCommitment"], ["newRootsCommitment"], ["newRoots[0]"], ["newRoots[1]"]])(
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
    const forged = makeHeader(b.fx.poseidon, { ...b.header, domain: other });
    const i = input({ header: forged, slots: b.slots });
    await tester.expectPass(i); // consistent for d' by itself, but it starts from another commitment
    i.oldRootsCommitment = b.header.oldRootsCommitment.toString(); // what the contract passes
    tester.expectConstraintFail(await tester.attackWitness(i), /main\.oldRootsCommitment/);
  }, 60_000);

  it("an overdraft (a correctly signed SEND of more than the balance)", async () => {
    // Same cluster with sender balance 20 < 30: its leaf, path and roots are genuine, the signature valid.
    const b = await validBatch();
    const poor = await makeCluster(inst.members, inst.depth, [20n, 50n]);
    b.header = makeHeader(poor.poseidon, { ...b.header, oldRoots: poor.state.roots() });
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
    b.header = makeHeader(b.fx.poseidon, { ...b.header, newRoots: b.fx.state.roots() });
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
