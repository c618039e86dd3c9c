import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, Wallet } from "ethers";
import { syncFromL1 } from "../src/sync/l1-sync.js";
import { buildExitRequest } from "../src/sync/exodus-exit.js";
import { getPoseidon } from "../src/crypto/poseidon.js";
import { privateKeyBytes } from "../src/workload/dev-keys.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { expectedRoots, quietLogger, signedOperations, tempDir } from "./helpers/service-fixture.js";
import { ClusterNode } from "../src/core/cluster-node.js";
import { ANVIL_USER_KEY, devnetProvider } from "../src/l1/anvil.js";
import { decodeOperation, isMalformed } from "../src/protocol/operation-codec.js";
import { OperationRejected } from "../src/state/cluster-state.js";

let node: ClusterNode | undefined;

afterAll(async () => {
  await node?.stop();
  await terminateCurve();
});

describe("end to end: operations -> the cluster node (executor, prover pool, submitter) -> ClusterSettlement on its own anvil", () => {
  let prepared: Awaited<ReturnType<typeof preparedTestInstance>>;
  beforeAll(async () => {
    prepared = await preparedTestInstance();
  }, 600_000);

  it("settles every batch with the L1 deposits it admitted; an overdraft is refused and the rest settles; on-chain roots equal the executor's and sync's", async () => {
    const { genesis, operations, keys } = await signedOperations(prepared.inst, 5, "end-to-end");
    node = await ClusterNode.start(
      {
        dataDir: tempDir("end-to-end"),
        genesis,
        workers: 2,
        singleThread: true,
        settleBatches: 4,
        rpcRetryMinMs: 100,
        rpcRetryMaxMs: 1000,
        depositPollMs: 100,
        deployment: { exodusTimeoutBlocks: 40 },
      },
      prepared,
      quietLogger(),
    );
    // two ETH deposits on L1 before the operations: the node reads them from the Deposited events, in queue order
    const user = new Wallet(ANVIL_USER_KEY, devnetProvider(String(node.status().rpcUrl)));
    const asUser = node.settlementContract().connect(user) as Contract;
    await (await asUser.depositEth(0, 1, { value: 500n })).wait();
    await (await asUser.depositEth(1, 0, { value: 700n })).wait();
    await node.whenDepositsAdmitted(2n);
    const ops = operations.map((o, i) => {
      const op = decodeOperation(JSON.stringify(o), i + 1);
      if (isMalformed(op)) throw new Error(op.reason);
      return op;
    });
    const overdraft = { ...ops[1], amount: 10n ** 30n }; // signature no longer matches either: refused before it executes
    for (const op of [ops[0], overdraft, ...ops.slice(1)]) {
      try {
        node.admit(op);
      } catch (e) {
        expect(e).toBeInstanceOf(OperationRejected);
      }
    }
    node.closeOpenBatch();
    expect(node.store.operationCount()).toBe(7); // 2 deposits + 5 operations
    await node.whenAllSettled();
    const settlement = new Contract(String(node.status().settlement), prepared.contracts.settlement.abi as never, devnetProvider(String(node.status().rpcUrl)));
    const roots = [...((await settlement.currentRoots()) as bigint[])];
    const withoutDeposits = await expectedRoots(
      prepared.inst,
      genesis,
      operations.map((o) => JSON.stringify(o)),
    );
    expect(roots).not.toEqual(withoutDeposits); // the deposits were credited
    const synced = await syncFromL1(devnetProvider(String(node.status().rpcUrl)), String(node.status().settlement));
    expect(synced.roots).toEqual(roots); // from L1 logs and calldata alone
    expect(await settlement.depositsConsumed()).toBe(2n);

    // exodus: once no batch has settled for the timeout, an owner exits from sync's state alone (no operator)
    const provider = devnetProvider(String(node.status().rpcUrl));
    expect(await settlement.exodusMode()).toBe(false);
    await provider.send("anvil_mine", ["0x29"]); // 41 blocks: past the timeout of 40
    expect(await settlement.exodusMode()).toBe(true);
    const owner = keys.accounts.find((a) => a.chainId === 0 && a.index === 1n)!;
    const request = await buildExitRequest(synced.state, await getPoseidon(), 0, 1n, privateKeyBytes(owner.privateKey), user.address);
    await (await (node.settlementContract().connect(user) as Contract).exit(request)).wait();
    expect(await settlement.claimable(user.address, 1n)).toBe(synced.state.account(0, 1n)!.balance);
    expect(synced.state.account(0, 1n)!.balance).toBeGreaterThan(0n);
    expect(roots.map(String)).toEqual(node.status().roots);
    expect(Number(await settlement.nextBatchIndex())).toBe(node.store.batchCount());
    expect(node.store.batchCounts()).toMatchObject({ proving: 0, proved: 0, included: 0, settled: 4 }); // B = 2: 2 deposits + 5 operations
  }, 600_000);

  it("a quiet serving node settles a heartbeat batch before half the exodus timeout, so the contract stays out of exodus mode", async () => {
    await node?.stop();
    const { genesis } = await signedOperations(prepared.inst, 1, "heartbeat");
    node = await ClusterNode.start(
      {
        dataDir: tempDir("heartbeat"),
        genesis,
        workers: 1,
        singleThread: true,
        settleBatches: 4,
        tickDeadlineMs: 200, // the tick timer runs (serve): heartbeats default to half the exodus timeout
        rpcRetryMinMs: 100,
        rpcRetryMaxMs: 1000,
        depositPollMs: 100,
        deployment: { exodusTimeoutBlocks: 10 },
      },
      prepared,
      quietLogger(),
    );
    const provider = devnetProvider(String(node.status().rpcUrl));
    const settlement = node.settlementContract();
    const quiet = node;
    const settledBatches = async (n: number) => {
      while (quiet.store.batchCounts().settled < n) await new Promise((r) => setTimeout(r, 100));
    };
    for (let heartbeat = 1; heartbeat <= 2; heartbeat++) {
      await provider.send("anvil_mine", ["0x6"]); // 6 blocks without a settlement: past 10 / 2
      await settledBatches(heartbeat);
      expect(await settlement.exodusMode()).toBe(false);
    }
    expect(quiet.store.batchCount()).toBe(2);
    expect(quiet.store.operationsOfBatch(1)).toEqual([]);
    expect(Number(await settlement.nextBatchIndex())).toBe(2);
    expect((await settlement.currentRoots()).map(String)).toEqual(quiet.status().roots); // NOOPs: the genesis roots
    expect(await provider.getBlockNumber()).toBeGreaterThan(Number(await settlement.exodusTimeoutBlocks())); // without heartbeats: exodus
  }, 300_000);
});
