import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, Wallet } from "ethers";
import { join } from "node:path";
import { ANVIL_DEFAULT_KEY, devnetProvider, freeLoopbackPort, startAnvil, type Devnet } from "../src/l1/anvil.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { writeJson } from "../src/protocol/genesis.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { expectedRoots, getJson, postOperations, signedOperations, tempDir, waitFor } from "./helpers/service-fixture.js";
import { ServiceProcess, type LogLine } from "./helpers/service-process.js";

/** Transactions of a node's first start on L1: verifier, four Poseidon contracts, ClusterSettlement, GovernorRegistry, ClusterGovernance, setGovernance. */
const DEPLOYMENT_TRANSACTIONS = 9;

let prepared: PreparedInstance;
let devnet: Devnet;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  prepared = await preparedTestInstance();
  devnet = await startAnvil();
}, 600_000);

afterAll(async () => {
  for (const s of running) await s.kill9();
  await devnet?.stop();
  await terminateCurve();
});

describe("prover service crash recovery (kill -9 of the real process, restart on the same store and L1)", () => {
  it("after kills while executing, in the middle of a request while proving, and between sending a settlement and its receipt, every accepted operation settles exactly once", async () => {
    const { genesis, operations } = await signedOperations(prepared.inst, 30, "crash-test");
    const dataDir = tempDir("service-crash");
    const genesisFile = join(dataDir, "genesis.json");
    writeJson(genesisFile, genesis);
    const port = await freeLoopbackPort();
    const allLogs: LogLine[] = [];
    const start = () => {
      const s = new ServiceProcess(
        [
          "--instance",
          "test",
          "--data-dir",
          dataDir,
          "--genesis",
          genesisFile,
          "--rpc-url",
          devnet.rpcUrl,
          "--private-key",
          ANVIL_DEFAULT_KEY,
          "--port",
          String(port),
          "--tick-ms",
          "300",
          "--settle-batches",
          "2",
          "--workers",
          "2",
          "--rpc-retry-min-ms",
          "100",
          "--rpc-retry-max-ms",
          "1000",
        ],
        allLogs,
      );
      running.push(s);
      return s;
    };
    const rpc = devnetProvider(devnet.rpcUrl);
    const accepted: string[] = [];
    const post = async (url: string, ops: unknown[]) => {
      const r = await postOperations(url, ops);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      accepted.push(...r.body.accepted!.filter((a) => !(a as { duplicate?: boolean }).duplicate).map((a) => a.id));
    };

    // 1. Killed while executing: 5 operations accepted (2 batches closed, 1 operation in the open tick), at once kill -9.
    const s1 = start();
    let url = await s1.ready();
    await post(url, operations.slice(0, 5));
    await s1.kill9();

    // 2. Killed while proving and in the middle of a request: the restart replays the store and re-queues the
    //    unproved batches; while they prove, a request of 20 operations is being executed (EdDSA checks take
    //    ~20 ms each) when the process dies, so it never answers.
    const s2 = start();
    url = await s2.ready();
    expect((await getJson<{ operations: number }>(`${url}/v1/status`)).body.operations).toBe(5);
    expect(s2.logs.some((l) => l.msg === "re-queueing unproved batch")).toBe(true);
    const midRequest = postOperations(url, operations.slice(5, 25)).then(
      () => "answered",
      () => "no answer",
    );
    await new Promise((r) => setTimeout(r, 250));
    await s2.kill9();
    expect(await midRequest).toBe("no answer");
    expect(s2.logs.filter((l) => l.msg === "batch proof stored")).toEqual([]); // it died mid-proof

    // 3. Killed between sending a settlement and its receipt: the L1 stops mining, so the transaction waits in the mempool.
    await rpc.send("evm_setAutomine", [false]);
    const s3 = start();
    url = await s3.ready();
    // The client sends the unanswered request again: what the dead process had committed is answered as a
    // duplicate (same seq), the rest executes now, in the same order.
    const retried = await postOperations(url, operations.slice(5, 25));
    expect(retried.status).toBe(202);
    expect(retried.body.accepted!.map((a) => (a as unknown as { seq: number }).seq)).toEqual(Array.from({ length: 20 }, (_, i) => 5 + i));
    accepted.push(...retried.body.accepted!.map((a) => a.id));
    await post(url, operations.slice(25, 27));
    const sent = await s3.waitForLog("settlement sent; waiting for its receipt");
    await s3.kill9();

    // 4. Restart while the transaction is still unmined: the service finds no receipt and broadcasts the same signed
    //    transaction again (same nonce, same hash); then the L1 mines again.
    const s4 = start();
    const rebroadcast = await s4.waitForLog("settlement sent; waiting for its receipt", { txHash: sent.txHash });
    expect(rebroadcast.nonce).toBe(sent.nonce);
    await rpc.send("evm_setAutomine", [true]);
    await rpc.send("evm_mine", []);
    url = await s4.ready();
    await post(url, operations.slice(27));
    const dup = await postOperations(url, [operations[0]]);
    expect(dup.body.accepted![0]).toMatchObject({ duplicate: true, seq: 0 });

    await waitFor(
      "every accepted operation settled",
      async () => {
        const st = (await getJson<{ unsettledOperations: number; operations: number }>(`${url}/v1/status`)).body;
        return st.unsettledOperations === 0 && st.operations === operations.length;
      },
      240_000,
      500,
    );

    // No accepted operation lost or executed twice: the store holds each once, each settled, and the on-chain
    // roots equal one execution of every operation in acceptance order.
    expect(accepted).toHaveLength(operations.length);
    for (const id of accepted) expect((await getJson<{ status: string }>(`${url}/v1/operations/${id}`)).body.status).toBe("settled");
    const status = (await getJson<{ settlement: string; batches: { settled: number; proved: number; proving: number } }>(`${url}/v1/status`)).body;
    const settlement = new Contract(status.settlement, prepared.contracts.settlement.abi as never, rpc);
    const onChain = [...((await settlement.currentRoots()) as bigint[])];
    expect(onChain).toEqual(
      await expectedRoots(
        prepared.inst,
        genesis,
        operations.map((o) => JSON.stringify(o)),
      ),
    );
    expect(onChain.map(String)).toEqual((await getJson<{ roots: string[] }>(`${url}/v1/status`)).body.roots); // the executor's

    // No batch settled twice: one BatchSettled event per batch, in order.
    const events = await settlement.queryFilter(settlement.filters.BatchSettled());
    const settledIndices = events.map((e) => Number((e as unknown as { args: [bigint] }).args[0]));
    expect(settledIndices).toEqual(Array.from({ length: status.batches.settled }, (_, i) => i));
    expect(Number(await settlement.nextBatchIndex())).toBe(status.batches.settled);

    // No proof made twice: one "batch proof stored" per batch over all four runs.
    const stored = allLogs
      .filter((l) => l.msg === "batch proof stored")
      .map((l) => l.batchIndex as number)
      .sort((a, b) => a - b);
    expect(stored).toEqual(Array.from({ length: status.batches.settled }, (_, i) => i));

    // No nonce lost: the settlement account's transactions are the 9 of the deployment (verifier, four Poseidon contracts, ClusterSettlement, GovernorRegistry, ClusterGovernance, setGovernance) and one per stored submission, without gaps.
    const sender = new Wallet(ANVIL_DEFAULT_KEY).address;
    const submissions: { nonce: number; status: string }[] = [];
    for (let id = 1; ; id++) {
      const r = await getJson<{ nonce: number; status: string }>(`${url}/v1/settlements/${id}`);
      if (r.status === 404) break;
      submissions.push(r.body);
    }
    expect(submissions.every((s) => s.status === "mined")).toBe(true);
    expect(submissions.map((s) => s.nonce)).toEqual(submissions.map((_, i) => i + DEPLOYMENT_TRANSACTIONS));
    expect(await rpc.getTransactionCount(sender)).toBe(DEPLOYMENT_TRANSACTIONS + submissions.length);

    expect(await s4.stop()).toBe(0);
    rpc.destroy();
  }, 600_000);
});
