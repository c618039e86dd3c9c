import { settlementClient } from "../src/l1/settlement-client.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, NonceManager, Wallet } from "ethers";
import { ANVIL_DEFAULT_KEY, devnetProvider, freeLoopbackPort, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { deploySettlement } from "../src/l1/deploy.js";
import { sendSettle, settlementBatch } from "../src/l1/settlement-calldata.js";
import { ProverPool } from "../src/prover/prover-pool.js";
import { L1Submitter, type SubmitterOptions } from "../src/l1/l1-submitter.js";
import { NodeMetrics } from "../src/core/metrics.js";
import { Sequencer } from "../src/core/sequencer.js";
import { ClusterStore } from "../src/store/cluster-store.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { quietLogger, signedOperations, tempDir } from "./helpers/service-fixture.js";
import { parseOperation } from "../src/protocol/operation-codec.js";
import type { SignedOperation } from "../src/protocol/operation.js";
import { genesisEthEscrow, type Genesis } from "../src/protocol/genesis.js";
import { OperationRejected } from "../src/state/cluster-state.js";
import Database from "better-sqlite3";
import { join } from "node:path";
import { TcpProxy } from "./helpers/tcp-proxy.js";

/** anvil's second pre-funded dev account (public key material, devnets only): "someone else" settling. */
const OTHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const OPTIONS: SubmitterOptions = {
  settleBatches: 1,
  rebroadcastMs: 30_000,
  pollMs: 50,
  confirmations: 0,
  retry: { minTimeoutMs: 50, maxTimeoutMs: 400, retries: Number.POSITIVE_INFINITY },
};

let prepared: PreparedInstance;
let devnet: Devnet;
let proxy: TcpProxy;
let store: ClusterStore;
let settlementAddress: string;
let chainId: bigint;
let genesis: Genesis;

/**
 * Fills a store with the batches of `order` (default: the 8 operations in order: 4 closed batches, B = 2)
 * and proves them. Operations the executor refuses in that order (a nonce ahead) are skipped.
 */
async function provedStore(order: (ops: Record<string, unknown>[]) => Record<string, unknown>[] = (ops) => ops): Promise<ClusterStore> {
  const { operations } = await signedOperations(prepared.inst, 8, "submitter-test");
  const s = new ClusterStore(join(tempDir("submitter-test"), "service.sqlite"));
  const sequencer = await Sequencer.recover(prepared.inst, genesis, s, { tickDeadlineMs: 3_600_000 }, () => {});
  for (const raw of order(operations)) {
    try {
      sequencer.admit(parseOperation(raw) as SignedOperation);
    } catch (e) {
      if (!(e instanceof OperationRejected)) throw e;
    }
  }
  const pool = new ProverPool(prepared.keys.vkey, { workers: 2 });
  try {
    await Promise.all(
      s.unprovedBatches().map(async (b) => {
        const r = await pool.prove(JSON.parse(b.input), prepared.circuit.wasm, prepared.keys.zkey);
        s.saveProof({
          batchIndex: b.batchIndex,
          proof: r.proof,
          publicSignals: r.publicSignals,
          witnessMs: r.witnessMs,
          proveMs: r.proveMs,
          provedAt: Date.now(),
        });
      }),
    );
  } finally {
    await pool.close();
  }
  return s;
}

function submitterOn(
  rpcUrl: string,
  s: ClusterStore,
  metrics?: NodeMetrics,
  address = settlementAddress,
  options: Partial<SubmitterOptions> = {},
): L1Submitter {
  const wallet = new Wallet(ANVIL_DEFAULT_KEY, devnetProvider(rpcUrl, 5_000, chainId));
  return new L1Submitter(s, settlementClient(address, prepared.contracts.settlement, wallet), wallet, quietLogger(), metrics, {
    ...OPTIONS,
    ...options,
  });
}

/** Deploys a ClusterSettlement at the store's genesis; the deployer and OTHER_KEY's account are its sequencers. */
async function deployFor(s: ClusterStore, provider: ReturnType<typeof devnetProvider>): Promise<string> {
  const deployer = new Wallet(ANVIL_DEFAULT_KEY, provider);
  const genesisHeader = s.header(0)!;
  const contract = await deploySettlement(new NonceManager(deployer), prepared.contracts, {
    deltaTicks: prepared.inst.deltaTicks,
    clusterId: genesis.clusterId,
    genesisRoots: genesisHeader.oldRoots,
    genesisRootsCommitment: genesisHeader.oldRootsCommitment,
    slots: prepared.inst.slots,
    depth: prepared.inst.depth,
    genesisEthEscrow: genesisEthEscrow(genesis),
    sequencers: [deployer.address, new Wallet(OTHER_KEY).address],
  });
  return contract.getAddress();
}

const noDepth = () => ({ openOperations: 0, provingBatches: 0, provedBatches: 0, includedBatches: 0, unsettledOperations: 0, proofQueueJobs: 0 });

beforeAll(async () => {
  prepared = await preparedTestInstance();
  ({ genesis } = await signedOperations(prepared.inst, 8, "submitter-test"));
  devnet = await startAnvil();
  proxy = new TcpProxy(await freeLoopbackPort(), Number(new URL(devnet.rpcUrl).port));
  await proxy.restore();
  store = await provedStore();
  const provider = devnetProvider(devnet.rpcUrl);
  chainId = (await provider.getNetwork()).chainId;
  settlementAddress = await deployFor(store, provider);
  provider.destroy();
}, 600_000);

afterAll(async () => {
  await proxy?.refuse();
  await devnet?.stop();
  await terminateCurve();
});

const metricValue = async (m: NodeMetrics, name: string, labels: Record<string, string>) =>
  (await m.registry.getSingleMetric(name)!.get()).values
    .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .reduce((a, v) => a + v.value, 0);

describe("L1 submitter against anvil", () => {
  it("retries through a dropped RPC connection (refused, then reset) and settles once it is back", async () => {
    const metrics = new NodeMetrics(() => ({
      openOperations: 0,
      provingBatches: 0,
      provedBatches: 0,
      includedBatches: 0,
      unsettledOperations: 0,
      proofQueueJobs: 0,
    }));
    const submitter = submitterOn(proxy.url, store, metrics);
    await submitter.reconcile();
    await proxy.refuse();
    const settling = submitter.settleNext();
    await new Promise((r) => setTimeout(r, 800));
    await proxy.reset();
    await new Promise((r) => setTimeout(r, 800));
    expect(store.firstUnsettledBatch()).toBe(0);
    expect(await metricValue(metrics, "cluster_l1_errors_total", { kind: "rpc" })).toBeGreaterThanOrEqual(2);
    await proxy.restore();
    expect(await settling).toBe(1);
    expect(store.batch(0)!.status).toBe("settled");
    // nonces 0..5 deployed the verifier, four Poseidon contracts and ClusterSettlement
    expect(store.submissions()).toMatchObject([{ firstBatch: 0, lastBatch: 0, status: "mined", nonce: 6 }]);
    await submitter.stop();
  });

  it("finds a batch the L1 already has (settled by another sender): no second settlement, decoded BatchAlreadySettled", async () => {
    const other = new Contract(settlementAddress, prepared.contracts.settlement.abi as never, new Wallet(OTHER_KEY, devnetProvider(devnet.rpcUrl)));
    const foreign = await (await sendSettle(other as never, [settlementBatch(store.header(1)!, store.pubdata(1)!, store.proof(1)!.proof)])).wait();

    const metrics = new NodeMetrics(() => ({
      openOperations: 0,
      provingBatches: 0,
      provedBatches: 0,
      includedBatches: 0,
      unsettledOperations: 0,
      proofQueueJobs: 0,
    }));
    const submitter = submitterOn(devnet.rpcUrl, store, metrics);
    expect(await submitter.settleNext()).toBe(0); // estimateGas reverts BatchAlreadySettled(1) -> reconcile
    expect(await metricValue(metrics, "cluster_l1_errors_total", { kind: "revert", error: "BatchAlreadySettled" })).toBe(1);
    expect(store.batch(1)).toMatchObject({ status: "settled", settledTx: foreign!.hash }); // same content: it counts
    expect(store.submissions()).toHaveLength(1);
    expect(await submitter.settleNext()).toBe(1); // batch 2
    expect(submitter.halted).toBeUndefined();

    // A restarted service with an older copy of the store: reconcile at start marks what the contract has settled.
    const behind = await provedStore();
    expect(behind.firstUnsettledBatch()).toBe(0);
    const fresh = submitterOn(devnet.rpcUrl, behind);
    await fresh.reconcile();
    expect(behind.firstUnsettledBatch()).toBe(3);
    expect(behind.submissions()).toEqual([]);
    await submitter.stop();
    await fresh.stop();
  });

  it("halts on a revert it cannot get past, reporting the decoded custom error", async () => {
    // Batch 3 stored with batch 0's proof (edited in the database file, as a corrupted store would be): the verifier refuses it.
    const path = store.path;
    store.close(); // the store is locked by its owner
    const db = new Database(path);
    db.prepare("UPDATE proofs SET proof = (SELECT proof FROM proofs WHERE batch_index = 0) WHERE batch_index = 3").run();
    db.close();
    store = new ClusterStore(path);
    const submitter = submitterOn(devnet.rpcUrl, store);
    expect(await submitter.settleNext()).toBe(0);
    expect(submitter.halted).toBe("settle of batches 3..3 reverts with InvalidProof(3)");
    expect(store.batch(3)!.status).toBe("proved");
    await submitter.stop();
  });

  it("halts on a conflicting history (another sequencer settled other content at the store's next index), marking nothing settled", async () => {
    const ours = await provedStore();
    const theirs = await provedStore((ops) => [...ops].reverse()); // same genesis, other batches
    expect(theirs.header(0)!.newRootsCommitment).not.toBe(ours.header(0)!.newRootsCommitment);
    const provider = devnetProvider(devnet.rpcUrl);
    const address = await deployFor(ours, provider);
    const other = new Contract(address, prepared.contracts.settlement.abi as never, new Wallet(OTHER_KEY, provider));
    await (await sendSettle(other as never, [settlementBatch(theirs.header(0)!, theirs.pubdata(0)!, theirs.proof(0)!.proof)])).wait();

    const metrics = new NodeMetrics(noDepth);
    const submitter = submitterOn(devnet.rpcUrl, ours, metrics, address);
    await submitter.reconcile();
    expect(submitter.halted).toMatch(/^conflicting history: L1 settled batch 0 with header \d+, roots commitment \d+ \(tx 0x[0-9a-f]{64}\); this store has /);
    expect(ours.firstUnsettledBatch()).toBe(0);
    expect(ours.batch(0)).toMatchObject({ status: "proved", settledTx: null });
    expect(await metricValue(metrics, "cluster_l1_conflicts_total", {})).toBe(1);
    expect(await metricValue(metrics, "cluster_submitter_halted", {})).toBe(1);
    expect(ours.submissions()).toEqual([]);
    await submitter.stop();
    provider.destroy();
  });

  it("with a confirmation depth of 2, a mined batch is included at once and settled only when 2 blocks are on top of it", async () => {
    const s = await provedStore();
    const provider = devnetProvider(devnet.rpcUrl);
    const address = await deployFor(s, provider);
    const metrics = new NodeMetrics(noDepth);
    const submitter = submitterOn(devnet.rpcUrl, s, metrics, address, { confirmations: 2 });
    await submitter.reconcile();
    expect(await submitter.settleNext()).toBe(1);
    expect(s.batch(0)!.status).toBe("included");
    expect(s.firstUnsettledBatch()).toBe(0);
    expect(s.firstBatchNotOnL1()).toBe(1);
    await provider.send("evm_mine", []);
    await submitter.followL1();
    expect(s.batch(0)!.status).toBe("included"); // 1 block on top
    await provider.send("evm_mine", []);
    await submitter.followL1();
    expect(s.batch(0)!.status).toBe("settled"); // 2 blocks on top
    expect(await metricValue(metrics, "cluster_batches_included_total", {})).toBe(1);
    expect(await metricValue(metrics, "cluster_batches_settled_total", {})).toBe(1);
    await submitter.stop();
    provider.destroy();
  });

  it("a settlement reorged away (evm_snapshot / evm_revert) goes back to proved and is sent again; the store ends equal to L1", async () => {
    const s = await provedStore();
    const provider = devnetProvider(devnet.rpcUrl);
    const address = await deployFor(s, provider);
    const contract = new Contract(address, prepared.contracts.settlement.abi as never, provider);
    const metrics = new NodeMetrics(noDepth);
    const submitter = submitterOn(devnet.rpcUrl, s, metrics, address);
    await submitter.reconcile();
    expect(await submitter.settleNext()).toBe(1); // batch 0
    const snapshot = await provider.send("evm_snapshot", []);
    expect(await submitter.settleNext()).toBe(1); // batch 1
    expect(s.batch(1)!.status).toBe("settled");
    const first = s.submissions().at(-1)!;

    await provider.send("evm_revert", [snapshot]); // batch 1's block leaves the chain
    await provider.send("evm_mine", []); // a new head on the other branch
    await submitter.followL1();
    expect(s.batch(0)!.status).toBe("settled");
    expect(s.batch(1)).toMatchObject({ status: "proved", settledTx: null });
    expect(s.submission(first.id)!.status).toBe("reorged");
    expect(await metricValue(metrics, "cluster_l1_reorged_batches_total", { to: "proved" })).toBe(1);

    expect(await submitter.settleNext()).toBe(1); // batch 1 again, in a new transaction
    expect(s.batch(1)!.status).toBe("settled");
    expect(Number(await contract.nextBatchIndex())).toBe(2);
    expect(await contract.rootsCommitment()).toBe(s.header(1)!.newRootsCommitment);
    expect(
      s
        .submissions()
        .filter((x) => x.status === "mined")
        .map((x) => x.lastBatch),
    ).toEqual([0, 1]);
    await submitter.stop();
    provider.destroy();
  });
});
