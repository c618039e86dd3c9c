import { beforeAll, describe, expect, it } from "vitest";
import { loadInstance } from "../src/circuits/manifest.js";
import { compileInstance, type CompiledCircuit } from "../src/circuits/compile.js";
import { calculateWitness, firstViolatedConstraint, signalIndex } from "../src/circuits/constraint-check.js";
import { batchCircuitInput, makeHeader, type BatchHeader } from "../src/circuits/batch-input.js";
import type { SlotWitness } from "../src/state/cluster-state.js";
import { debitOnly, deliverOnly, execute, makeCluster, sendOp, transferOp } from "./helpers/cluster-fixture.js";

// Circuit instance "circuit-test": N = 2 members, D = 4, B = 4 slots, Δ = 2 ticks.
const inst = loadInstance("circuit-test");
let circuit: CompiledCircuit;

beforeAll(async () => {
  circuit = await compileInstance(inst);
}, 300_000);

type Batch = { header: BatchHeader; slots: SlotWitness[] };

/**
 * Slot 0: SEND 30 from leaf 0 on chain 0 to leaf 1 on chain 1 at tick 1 (debit lane only);
 * slot 1: a TRANSFER on chain 1 at tick 1 (debit and its delivery); slot 2: delivery of the SEND at
 * `receiveTick` (credit lane only); slot 3: NOOP.
 */
async function validBatch(receiveTick = 2, balances?: bigint[]): Promise<Batch & { fx: Awaited<ReturnType<typeof makeCluster>> }> {
  const fx = await makeCluster(inst.members, inst.depth, balances);
  const oldRoots = fx.state.roots();
  const send = debitOnly(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
  const transfer = execute(fx, transferOp(1, 0n, 1n, 5n, 0n), 1);
  const receive = deliverOnly(fx, send.message, receiveTick);
  return { ...batchOf(fx, oldRoots, [send.slot, transfer.slot, receive], receiveTick), fx };
}

/** Batch 0 over ticks 1..lastTick from `oldRoots` to the fixture's current roots. */
const batchOf = (fx: Awaited<ReturnType<typeof makeCluster>>, oldRoots: bigint[], slots: SlotWitness[], lastTick = 2): Batch =>
  ({ header: makeHeader(fx.poseidon, { batchIndex: 0n, firstTick: 1, lastTick, oldRoots, newRoots: fx.state.roots() }), slots });

const input = (b: Batch) => batchCircuitInput(b.header, b.slots, inst.slots, inst.depth);
/** Expects witness calculation to stop at a failed constraint inside `template`. */
async function expectConstraintFailure(b: Batch, template: RegExp) {
  await expect(calculateWitness(circuit.wasm, input(b))).rejects.toThrow(template);
}

describe("ClusterBatch circuit (N=2, D=4, B=4, Δ=2)", () => {
  it("accepts a valid batch: SEND, TRANSFER with its delivery, the SEND's delivery a tick later, a NOOP; every R1CS constraint holds", async () => {
    const witness = await calculateWitness(circuit.wasm, input(await validBatch()));
    expect(await firstViolatedConstraint(circuit.r1cs, witness)).toBe(-1);
  }, 60_000);

  it("accepts a receive exactly Δ ticks after its send", async () => {
    await expect(calculateWitness(circuit.wasm, input(await validBatch(3)))).resolves.toBeDefined();
  }, 60_000);

  it("rejects an edited witness: a public new root changed after calculation fails the R1CS check", async () => {
    const witness = await calculateWitness(circuit.wasm, input(await validBatch()));
    const idx = signalIndex(circuit.sym, "main.newRoots[1]");
    witness[idx] += 1n;
    expect(await firstViolatedConstraint(circuit.r1cs, witness)).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it.each([
    ["the packed header", "header"],
    ["the old roots commitment", "oldRootsCommitment"],
    ["the new roots commitment", "newRootsCommitment"],
  ])("rejects a public input that does not match the batch: %s", async (_name, key) => {
    const i = input(await validBatch());
    i[key] = (BigInt(i[key] as string) + 1n).toString();
    await expect(calculateWitness(circuit.wasm, i)).rejects.toThrow(/ClusterBatch/);
  }, 60_000);

  it("rejects an edited balance in a leaf preimage (Merkle check)", async () => {
    const b = await validBatch();
    b.slots[2].recipient[3] += 1n;
    await expectConstraintFailure(b, /MerkleLeafUpdate/);
  }, 60_000);

  it("rejects a wrong Merkle sibling", async () => {
    const b = await validBatch();
    b.slots[0].senderSiblings[2] += 1n;
    await expectConstraintFailure(b, /MerkleLeafUpdate/);
  }, 60_000);

  it("rejects a bad signature", async () => {
    const b = await validBatch();
    b.slots[1].sigS += 1n;
    await expectConstraintFailure(b, /ForceEqualIfEnabled|EdDSAPoseidonVerifier/);
  }, 60_000);

  it("rejects a signature by a key other than the leaf's owner", async () => {
    const b = await validBatch();
    const op = b.fx.sign(transferOp(1, 0n, 1n, 5n, 0n), b.fx.keys[1]);
    Object.assign(b.slots[1], { sigR8x: op.signature.R8x, sigR8y: op.signature.R8y, sigS: op.signature.S });
    await expectConstraintFailure(b, /ForceEqualIfEnabled|EdDSAPoseidonVerifier/);
  }, 60_000);

  it("rejects an overdraft (a correctly signed SEND of more than the balance)", async () => {
    // Same cluster with sender balance 20 < 30: its leaf, path and roots are genuine, the signature valid.
    const b = await validBatch();
    const poor = await makeCluster(inst.members, inst.depth, [20n, 50n]);
    b.header = makeHeader(poor.poseidon, { ...b.header, oldRoots: poor.state.roots() });
    b.slots[0].sender[3] = 20n;
    await expectConstraintFailure(b, /Num2Bits/);
  }, 60_000);

  it("rejects a wrong nonce, even when signed", async () => {
    const b = await validBatch();
    const op = b.fx.sign(transferOp(1, 0n, 1n, 5n, 1n));
    Object.assign(b.slots[1], { nonce: 1n, sigR8x: op.signature.R8x, sigR8y: op.signature.R8y, sigS: op.signature.S });
    await expectConstraintFailure(b, /ClusterSlot/);
  }, 60_000);

  it("rejects a receive after Δ", async () => {
    await expectConstraintFailure(await validBatch(4), /Num2Bits/);
  }, 60_000);

  it("rejects a dropped message (SEND never delivered)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = debitOnly(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
    await expectConstraintFailure(batchOf(fx, oldRoots, [send.slot], 1), /ClusterBatch/);
  }, 60_000);

  it("rejects a dropped TRANSFER credit (a message to the same chain must be delivered too)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const transfer = debitOnly(fx, transferOp(0, 0n, 1n, 30n, 0n), 1);
    await expectConstraintFailure(batchOf(fx, oldRoots, [transfer.slot], 1), /ClusterBatch/);
  }, 60_000);

  it("rejects an altered message (delivered amount differs from the sent one)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = debitOnly(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
    const receive = deliverOnly(fx, { ...send.message, amount: 31n }, 2);
    await expectConstraintFailure(batchOf(fx, oldRoots, [send.slot, receive]), /ClusterBatch/);
  }, 60_000);

  it("rejects a duplicated message (delivered twice)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = execute(fx, sendOp(0, 1, 0n, 1n, 30n, 0n), 1);
    const again = deliverOnly(fx, send.message, 2);
    await expectConstraintFailure(batchOf(fx, oldRoots, [send.slot, again]), /ClusterBatch/);
  }, 60_000);

  it("rejects a delivery of a message never sent (minting from nowhere)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const forged = deliverOnly(fx, { srcChain: 0, dstChain: 1, seq: 0n, sendTick: 1, recipient: 1n, tokenId: 1n, amount: 500n, dataHash: 0n }, 1);
    await expectConstraintFailure(batchOf(fx, oldRoots, [forged], 1), /ClusterBatch/);
  }, 60_000);

  it("rejects a NOOP that changes state (new roots claim an extra credit)", async () => {
    const b = await validBatch();
    b.fx.state.applyCredit({ srcChain: 0, dstChain: 1, seq: 9n, sendTick: 1, recipient: 0n, tokenId: 1n, amount: 1n, dataHash: 0n });
    b.header = makeHeader(b.fx.poseidon, { ...b.header, newRoots: b.fx.state.roots() });
    await expectConstraintFailure(b, /ClusterBatch/);
  }, 60_000);

  it("rejects ticks that go backwards", async () => {
    const b = await validBatch();
    b.slots[1].tick = 0n;
    await expectConstraintFailure(b, /Num2Bits/);
  }, 60_000);
});
