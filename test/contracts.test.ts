import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract as EthersContract, Interface, NonceManager, Wallet, type Contract } from "ethers";
import { type preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import type { ClusterContracts } from "../src/l1/compile-contracts.js";
import { provenBatches } from "./helpers/proven-batches.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { deploySettlement, type SettlementConfig } from "../src/l1/deploy.js";
import { clusterDomain } from "../src/protocol/domain.js";
import { SCALAR_FIELD } from "../src/crypto/field.js";
import { packedHeader } from "../src/circuits/batch-input.js";
import { sendSettle, type SettlementBatch } from "../src/l1/settlement-calldata.js";
import { FIXTURE_ETH_PER_CHAIN } from "./helpers/cluster-fixture.js";

// Instance "test" (N = 2, D = 4, B = 2, Δ = 2) on a real anvil started by the test.
let inst: Awaited<ReturnType<typeof preparedTestInstance>>["inst"];
let devnet: Devnet;
let signer: NonceManager;
let genesis: bigint[];
let genesisCommitment: bigint;
let clusterId: bigint;
let batches: SettlementBatch[];
let artifacts: ClusterContracts;

beforeAll(async () => {
  ({ inst, artifacts, genesis, genesisCommitment, clusterId, batches } = await provenBatches());
  devnet = await startAnvil();
  signer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, devnetProvider(devnet.rpcUrl)));
}, 600_000);

afterAll(async () => {
  await devnet?.stop();
  await terminateCurve();
});

async function deploy(over: Partial<SettlementConfig> = {}): Promise<Contract> {
  signer = new NonceManager(signer.signer); // a fresh nonce count: a refused deployment leaves the old one ahead
  return deploySettlement(signer, artifacts, {
    deltaTicks: inst.deltaTicks,
    clusterId,
    genesisRoots: genesis,
    genesisRootsCommitment: genesisCommitment,
    slots: inst.slots,
    depth: inst.depth,
    genesisEthEscrow: genesis.map(() => FIXTURE_ETH_PER_CHAIN),
    ...over,
  });
}

/** The custom error a failing deployment reverts with, decoded from ClusterSettlement's ABI. */
async function deploymentError(over: Partial<SettlementConfig>): Promise<string> {
  try {
    await deploy(over);
  } catch (e) {
    const data = (e as { data?: string }).data;
    const parsed = data ? new Interface(artifacts.settlement.abi as never).parseError(data) : null;
    return parsed ? `${parsed.name}(${[...parsed.args].map(String).join(", ")})` : `undecoded: ${(e as Error).message}`;
  }
  return "deployed";
}

const clone = (b: SettlementBatch): SettlementBatch => ({ ...b, newRoots: [...b.newRoots], proof: [...b.proof] });

/** anvil's second pre-funded dev account: a stranger to the cluster (public key material, devnets only). */
const STRANGER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("ClusterSettlement deployment: bound to its verifier, genesis and domain", () => {
  it("computes the domain and the genesis commitment on-chain; they equal the TypeScript ones", async () => {
    const c = await deploy();
    expect(await c.domain()).toBe(clusterDomain(31337n, clusterId));
    expect(await c.rootsCommitment()).toBe(genesisCommitment);
    expect(await c.isSequencer(await signer.getAddress())).toBe(true);
    expect(await c.owner()).toBe(await signer.getAddress());
  }, 60_000);

  it.each([
    [
      "a genesis commitment that is not Poseidon(domain, Poseidon(roots))",
      () => ({ genesisRootsCommitment: genesisCommitment + 1n }),
      /^GenesisCommitmentMismatch\(\d+, \d+\)$/,
    ],
    ["a genesis commitment made for another cluster id", () => ({ clusterId: clusterId + 1n }), /^GenesisCommitmentMismatch/],
    ["Δ = 0", () => ({ deltaTicks: 0 }), /^BadDeltaTicks\(0\)$/],
    [
      "N = 3 against a verifier of N + 4 = 6 public inputs",
      () => ({ genesisRoots: [...genesis, 0n], genesisEthEscrow: [0n, 0n, 0n] }),
      /^VerifierArityMismatch\(0x[0-9a-fA-F]{40}, 7\)$/,
    ],
    ["B = 0 slots", () => ({ slots: 0 }), /^BadInstanceShape\(\)$/],
    ["D = 1", () => ({ depth: 1 }), /^BadInstanceShape\(\)$/],
    ["a deposit deadline of 0 blocks", () => ({ depositDeadlineBlocks: 0 }), /^BadInstanceShape\(\)$/],
    ["a genesis escrow that is not one entry per member", () => ({ genesisEthEscrow: [0n] }), /^BadInstanceShape\(\)$/],
    ["N = 1", () => ({ genesisRoots: [genesis[0]] }), /^BadMemberCount\(1\)$/],
    ["a tick rate of 0", () => ({ maxTicksPerSecond: 0 }), /^BadTickRate\(\)$/],
    [
      "a genesis root that is not a field element (>= r)",
      () => ({ genesisRoots: [SCALAR_FIELD, genesis[1]] }),
      new RegExp(`^GenesisRootNotInField\\(0, ${SCALAR_FIELD}\\)$`),
    ],
    ["a zero-address sequencer", () => ({ sequencers: ["0x0000000000000000000000000000000000000000"] }), /^ZeroAddress\(\)$/],
  ])(
    "refuses %s",
    async (_name, over, error) => {
      expect(await deploymentError(over())).toMatch(error);
    },
    60_000,
  );

  it("packs the header as the TypeScript client does (public pure packHeader)", async () => {
    const c = await deploy();
    for (const h of [
      { batchIndex: 0n, firstTick: 1, lastTick: 2 },
      { batchIndex: 2n ** 64n - 1n, firstTick: 2 ** 32 - 1, lastTick: 2 ** 32 - 1 },
    ]) {
      expect(await c.packHeader(h.batchIndex, h.firstTick, h.lastTick)).toBe(packedHeader(h));
    }
  }, 60_000);
});

describe("ClusterSettlement: who may settle, and when", () => {
  it("refuses settle by a stranger (NotSequencer) and owner actions by a stranger (NotOwner); the owner can add it", async () => {
    const c = await deploy();
    const stranger = new NonceManager(new Wallet(STRANGER_KEY, (signer.signer as Wallet).provider));
    const asStranger = new EthersContract(await c.getAddress(), artifacts.settlement.abi as never, stranger);
    const address = await stranger.getAddress();
    await expectRevert(asStranger as never, [batches[0]], "NotSequencer", [address]);
    await expect(asStranger.setSequencer.staticCall(address, true)).rejects.toMatchObject({ revert: { name: "NotOwner" } });
    await (await c.setSequencer(address, true)).wait();
    await (await sendSettle(asStranger as never, [batches[0]])).wait();
    expect(await c.nextBatchIndex()).toBe(1n);
    await (await c.setSequencer(address, false)).wait();
    await expectRevert(asStranger as never, [batches[1]], "NotSequencer", [address]);
  }, 60_000);

  it("hands the owner role over: strangers and the old owner are refused (NotOwner), the zero address too (ZeroAddress)", async () => {
    const c = await deploy();
    const stranger = new NonceManager(new Wallet(STRANGER_KEY, (signer.signer as Wallet).provider));
    const asStranger = new EthersContract(await c.getAddress(), artifacts.settlement.abi as never, stranger);
    const address = await stranger.getAddress();
    await expect(asStranger.transferOwnership.staticCall(address)).rejects.toMatchObject({ revert: { name: "NotOwner" } });
    await expect(c.transferOwnership.staticCall("0x0000000000000000000000000000000000000000")).rejects.toMatchObject({ revert: { name: "ZeroAddress" } });
    await (await c.transferOwnership(address)).wait();
    expect(await c.owner()).toBe(address);
    await expect(c.setSequencer.staticCall(address, true)).rejects.toMatchObject({ revert: { name: "NotOwner" } });
    await (await asStranger.setSequencer(address, true)).wait();
    expect(await c.isSequencer(address)).toBe(true);
  }, 60_000);

  it("refuses a batch whose last tick runs ahead of L1 time (TickAheadOfL1Time), changing nothing", async () => {
    // Deploy at a block time in the future: every call made before then sees no elapsed time.
    const provider = (signer.signer as Wallet).provider!;
    const latest = await provider.getBlock("latest");
    await devnetRpc("evm_setNextBlockTimestamp", [latest!.timestamp + 100_000]);
    const c = await deploy({ maxTickLead: 0, maxTicksPerSecond: 1 });
    await expectRevert(c, [batches[0]], "TickAheadOfL1Time", [0n, 2n, 0n]);
    expect(await c.nextBatchIndex()).toBe(0n);
  }, 60_000);
});

/** A raw JSON-RPC call to the test's anvil. */
async function devnetRpc(method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(devnet.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

describe("ClusterSettlement on anvil", () => {
  it("settles a batch: all roots move, BatchSettled is emitted, counters advance", async () => {
    const c = await deploy();
    const receipt = await (await sendSettle(c as never, [batches[0]])).wait();
    expect(await c.currentRoots()).toEqual(batches[0].newRoots);
    expect(await c.nextBatchIndex()).toBe(1n);
    expect(await c.lastSettledTick()).toBe(2n);
    const events = receipt!.logs.map((l) => c.interface.parseLog(l)!);
    expect(events.map((e) => e.name)).toEqual(["BatchSettled"]);
    expect(events[0].args.batchIndex).toBe(0n);
    console.log(`gas: settle(1 batch, N=${inst.members}) = ${receipt!.gasUsed}`);
  }, 60_000);

  it("settles two consecutive batches in one call", async () => {
    const c = await deploy();
    const receipt = await (await sendSettle(c as never, batches)).wait();
    expect(await c.currentRoots()).toEqual(batches[1].newRoots);
    expect(await c.nextBatchIndex()).toBe(2n);
    expect(receipt!.logs).toHaveLength(2);
    console.log(`gas: settle(2 batches, N=${inst.members}) = ${receipt!.gasUsed}`);
  }, 60_000);

  it.each([
    [
      "a tampered proof",
      (b: SettlementBatch) => {
        b.proof[6] += 1n;
      },
      "InvalidProof",
    ],
    [
      "a tampered public input (new root)",
      (b: SettlementBatch) => {
        b.newRoots[0] += 1n;
      },
      "InvalidProof",
    ],
    [
      "a tampered public input (last tick, in the packed header)",
      (b: SettlementBatch) => {
        b.header += 1n;
      },
      "InvalidProof",
    ],
    [
      "a tampered public input (new roots commitment)",
      (b: SettlementBatch) => {
        b.newRootsCommitment += 1n;
      },
      "InvalidProof",
    ],
    [
      "a batch index ahead of the next one",
      (b: SettlementBatch) => {
        b.header += 1n << 64n;
      },
      "UnexpectedBatchIndex",
    ],
    [
      "a header wider than 128 bits",
      (b: SettlementBatch) => {
        b.header += 1n << 128n;
      },
      "BadHeader",
    ],
    [
      "a wrong old root (its commitment differs from the stored one)",
      (b: SettlementBatch) => {
        b.oldRootsCommitment += 1n;
      },
      "OldRootsMismatch",
    ],
    [
      "a tick gap",
      (b: SettlementBatch) => {
        b.header += 1n << 32n;
      },
      "TickGap",
    ],
  ])(
    "rejects %s with its custom error and changes nothing",
    async (_name, tamper, error) => {
      const c = await deploy();
      const bad = clone(batches[0]);
      tamper(bad);
      await expectRevert(c, [bad], error);
      expect(await c.currentRoots()).toEqual(genesis);
    },
    60_000,
  );

  it("rejects a replayed batch and an out-of-order batch", async () => {
    const c = await deploy();
    await expectRevert(c, [batches[1]], "UnexpectedBatchIndex");
    await (await sendSettle(c as never, [batches[0]])).wait();
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
  try {
    await c.settle.staticCall(arg);
  } catch (e) {
    caught = e as typeof caught;
  }
  expect(caught?.revert?.name, `revert data ${caught?.data}`).toBe(error);
  if (args) expect([...caught!.revert!.args]).toEqual(args);
  const tx = await c.settle(arg, { gasLimit: 3_000_000n });
  await expect(tx.wait()).rejects.toMatchObject({ code: "CALL_EXCEPTION" });
}
