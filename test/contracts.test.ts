import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import { NonceManager, Wallet, type Contract } from "ethers";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { batchCircuitInput, makeHeader, type BatchHeader } from "../src/circuits/batch-input.js";
import { compileContracts, type ContractArtifact } from "../src/l1/compile-contracts.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { deploySettlement } from "../src/l1/deploy.js";
import { settlementBatch, type SettlementBatch } from "../src/l1/settlement-calldata.js";
import { execute, makeCluster, sendOp, transferOp } from "./helpers/cluster-fixture.js";
import type { SlotWitness } from "../src/state/cluster-state.js";

// Instance "test" (N = 2, D = 4, B = 2, Δ = 2) on a real anvil started by the test.
let inst: Awaited<ReturnType<typeof preparedTestInstance>>["inst"];
let devnet: Devnet;
let signer: NonceManager;
let genesis: bigint[];
let genesisCommitment: bigint;
let batches: SettlementBatch[];
let artifacts: { settlement: ContractArtifact; verifier: ContractArtifact };

async function prove(header: BatchHeader, slots: SlotWitness[], wasm: string, zkey: string): Promise<SettlementBatch> {
  const { proof } = await snarkjs.groth16.fullProve(batchCircuitInput(header, slots, inst.slots, inst.depth), wasm, zkey);
  return settlementBatch(header, proof);
}

beforeAll(async () => {
  const { circuit, keys, inst: prepared } = await preparedTestInstance();
  inst = prepared;
  artifacts = compileContracts(keys.verifierSol, circuit.dir);
  const fx = await makeCluster(inst.members, inst.depth);
  genesis = fx.state.roots();
  genesisCommitment = fx.state.rootsCommitment();
  // batch 0: ticks 1..2, a SEND chain 1 -> chain 0 delivered at once, and a NOOP at tick 2
  const send = execute(fx, sendOp(1, 0, 1n, 0n, 20n, 0n), 1);
  const b0 = await prove(makeHeader(fx.poseidon, { batchIndex: 0n, firstTick: 1, lastTick: 2, oldRoots: genesis, newRoots: fx.state.roots() }), [send.slot], circuit.wasm, keys.zkey);
  // batch 1: tick 3, a TRANSFER on chain 0 and a NOOP
  const roots1 = fx.state.roots();
  const transfer = execute(fx, transferOp(0, 0n, 1n, 5n, 0n), 3);
  const b1 = await prove(makeHeader(fx.poseidon, { batchIndex: 1n, firstTick: 3, lastTick: 3, oldRoots: roots1, newRoots: fx.state.roots() }), [transfer.slot], circuit.wasm, keys.zkey);
  batches = [b0, b1];
  devnet = await startAnvil();
  signer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, devnetProvider(devnet.rpcUrl)));
}, 600_000);

afterAll(async () => {
  await devnet?.stop();
  await terminateCurve();
});

async function deploy(): Promise<Contract> {
  return deploySettlement(signer, artifacts, inst.deltaTicks, genesis, genesisCommitment);
}

const clone = (b: SettlementBatch): SettlementBatch => ({ ...b, newRoots: [...b.newRoots], proof: [...b.proof] });

describe("ClusterSettlement on anvil", () => {
  it("settles a batch: all roots move, BatchSettled is emitted, counters advance", async () => {
    const c = await deploy();
    const receipt = await (await c.settle([batches[0]])).wait();
    expect(await c.currentRoots()).toEqual(batches[0].newRoots);
    expect(await c.nextBatchIndex()).toBe(1n);
    expect(await c.lastSettledTick()).toBe(2n);
    const events = receipt.logs.map((l: never) => c.interface.parseLog(l)).filter(Boolean);
    expect(events.map((e: { name: string }) => e.name)).toEqual(["BatchSettled"]);
    expect(events[0].args.batchIndex).toBe(0n);
    console.log(`gas: settle(1 batch, N=${inst.members}) = ${receipt.gasUsed}`);
  }, 60_000);

  it("settles two consecutive batches in one call", async () => {
    const c = await deploy();
    const receipt = await (await c.settle(batches)).wait();
    expect(await c.currentRoots()).toEqual(batches[1].newRoots);
    expect(await c.nextBatchIndex()).toBe(2n);
    expect(receipt.logs).toHaveLength(2);
    console.log(`gas: settle(2 batches, N=${inst.members}) = ${receipt.gasUsed}`);
  }, 60_000);

  it.each([
    ["a tampered proof", (b: SettlementBatch) => { b.proof[6] += 1n; }, "InvalidProof"],
    ["a tampered public input (new root)", (b: SettlementBatch) => { b.newRoots[0] += 1n; }, "InvalidProof"],
    ["a tampered public input (last tick, in the packed header)", (b: SettlementBatch) => { b.header += 1n; }, "InvalidProof"],
    ["a tampered public input (new roots commitment)", (b: SettlementBatch) => { b.newRootsCommitment += 1n; }, "InvalidProof"],
    ["a batch index ahead of the next one", (b: SettlementBatch) => { b.header += 1n << 64n; }, "UnexpectedBatchIndex"],
    ["a header wider than 128 bits", (b: SettlementBatch) => { b.header += 1n << 128n; }, "BadHeader"],
    ["a wrong old root (its commitment differs from the stored one)", (b: SettlementBatch) => { b.oldRootsCommitment += 1n; }, "OldRootsMismatch"],
    ["a tick gap", (b: SettlementBatch) => { b.header += 1n << 32n; }, "TickGap"],
  ])("rejects %s with its custom error and changes nothing", async (_name, tamper, error) => {
    const c = await deploy();
    const bad = clone(batches[0]);
    tamper(bad);
    await expectRevert(c, [bad], error);
    expect(await c.currentRoots()).toEqual(genesis);
  }, 60_000);

  it("rejects a replayed batch and an out-of-order batch", async () => {
    const c = await deploy();
    await expectRevert(c, [batches[1]], "UnexpectedBatchIndex");
    await (await c.settle([batches[0]])).wait();
    await expectRevert(c, [batches[0]], "BatchAlreadySettled");
    expect(await c.currentRoots()).toEqual(batches[0].newRoots);
  }, 60_000);

  it("a two-batch settle whose second proof is bad changes nothing", async () => {
    const c = await deploy();
    const bad = clone(batches[1]);
    bad.proof[7] += 1n;
    await expectRevert(c, [batches[0], bad], "InvalidProof", [1n]);
    expect(await c.currentRoots()).toEqual(genesis);
    expect(await c.nextBatchIndex()).toBe(0n);
  }, 60_000);
});

/**
 * Checks the custom error with an eth_call, then sends the same call as a real transaction (fixed
 * gas limit, so no estimate stops it) and checks that it is mined and reverted.
 */
async function expectRevert(c: Contract, arg: SettlementBatch[], error: string, args?: unknown[]) {
  let caught: { revert?: { name: string; args: unknown[] }; data?: string } | undefined;
  try { await c.settle.staticCall(arg); } catch (e) { caught = e as typeof caught; }
  expect(caught?.revert?.name, `revert data ${caught?.data}`).toBe(error);
  if (args) expect([...caught!.revert!.args]).toEqual(args);
  const tx = await c.settle(arg, { gasLimit: 3_000_000n });
  await expect(tx.wait()).rejects.toMatchObject({ code: "CALL_EXCEPTION" });
}
