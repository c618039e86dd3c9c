import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Contract, Transaction, Wallet, type EventLog, type JsonRpcProvider } from "ethers";
import { join } from "node:path";
import { ANVIL_DEFAULT_KEY, devnetProvider, freeLoopbackPort, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { sendSettle, settlementBatch } from "../src/l1/settlement-calldata.js";
import { ProverPool } from "../src/prover/prover-pool.js";
import { Sequencer } from "../src/core/sequencer.js";
import { ClusterStore } from "../src/store/cluster-store.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { OperationRejected } from "../src/state/cluster-state.js";
import type { SignedOperation } from "../src/protocol/operation.js";
import { parseOperation } from "../src/protocol/operation-codec.js";
import { writeJson, type Genesis } from "../src/protocol/genesis.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { getJson, postOperations, signedOperations, tempDir, waitFor } from "./helpers/service-fixture.js";
import { ServiceProcess, type LogLine } from "./helpers/service-process.js";
import { RpcProxy } from "./helpers/rpc-proxy.js";
import { recordConvergence } from "./helpers/recovery-matrix.js";

/**
 * The recovery matrix of the prover service (README "Recovery"): for each fault, the real `serve`
 * process on anvil (behind a JSON-RPC proxy that puts it into the exact fault state) ends with every
 * operation's status equal to what L1 holds, by content, with no manual step; the time it took is
 * printed ("recovery matrix | case | outcome | seconds"). The remote-prover rows (bad, garbage and
 * non-canonical results, a prover that never answers) are in bullmq-proof-queue.test.ts.
 */

/** anvil's second pre-funded dev account (public key material, devnets only): another sequencer of the cluster. */
const OTHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

let prepared: PreparedInstance;
let devnet: Devnet;
let proxy: RpcProxy;
let rpc: JsonRpcProvider;
const running: ServiceProcess[] = [];

/** One cluster's service: its data folder, genesis and operations, restarted on the same store and L1 (through the proxy). */
class ClusterUnderTest {
  readonly dataDir = tempDir("recovery-matrix");
  readonly logs: LogLine[] = [];
  readonly accepted: string[] = [];
  service!: ServiceProcess;
  url = "";
  settlement!: Contract;
  private posted = 0;

  private constructor(
    readonly genesis: Genesis,
    readonly operations: Record<string, unknown>[],
    private readonly port: number,
  ) {}

  /** Starts the first service (it deploys ClusterSettlement) and makes OTHER_KEY's account a sequencer too. */
  static async create(seed: string, n: number): Promise<ClusterUnderTest> {
    const { genesis, operations } = await signedOperations(prepared.inst, n, seed);
    const c = new ClusterUnderTest(genesis, operations, await freeLoopbackPort());
    writeJson(join(c.dataDir, "genesis.json"), genesis);
    c.start();
    await c.ready();
    const address = (await getJson<{ settlement: string }>(`${c.url}/v1/status`)).body.settlement;
    const owner = new Contract(address, prepared.contracts.settlement.abi as never, new Wallet(ANVIL_DEFAULT_KEY, rpc));
    await (await owner.setSequencer(new Wallet(OTHER_KEY).address, true)).wait();
    c.settlement = new Contract(address, prepared.contracts.settlement.abi as never, rpc);
    return c;
  }

  /** Starts `serve` on this store (not waiting for it). */
  start(): ServiceProcess {
    this.service = new ServiceProcess(
      [
        "--instance",
        "test",
        "--data-dir",
        this.dataDir,
        "--genesis",
        join(this.dataDir, "genesis.json"),
        "--rpc-url",
        proxy.url,
        "--private-key",
        ANVIL_DEFAULT_KEY,
        "--port",
        String(this.port),
        "--tick-ms",
        "300",
        "--settle-batches",
        "1",
        "--workers",
        "1",
        "--rpc-retry-min-ms",
        "100",
        "--rpc-retry-max-ms",
        "1000",
      ],
      this.logs,
    );
    running.push(this.service);
    return this.service;
  }

  async ready(): Promise<void> {
    this.url = await this.service.ready();
  }

  /** Index of the current service's next log line: `logged` looks from there. */
  private mark = 0;

  /** Waits for a log line of the current service written since the last `post`. */
  logged(msg: string, fields: Record<string, unknown> = {}): Promise<LogLine> {
    return this.service.waitForLog(msg, fields, 120_000, this.mark);
  }

  /** Posts the next `n` operations (one batch at B = 2); all must be accepted. */
  async post(n = 2): Promise<string[]> {
    this.mark = this.service.logs.length;
    const r = await postOperations(`http://127.0.0.1:${this.port}`, this.operations.slice(this.posted, this.posted + n));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const ids = r.body.accepted!.map((a) => a.id);
    this.posted += n;
    this.accepted.push(...ids);
    return ids;
  }

  /**
   * True when the store equals L1 by content and everything posted is settled: the contract holds
   * as many batches as the store closed, each BatchSettled event once and with the batch's new
   * roots commitment, the contract's roots commitment is the last batch's, and every accepted
   * operation is "settled".
   */
  async settledAsL1Holds(): Promise<boolean> {
    const st = (await getJson<{ operations: number; unsettledOperations: number; batches: Record<string, number> }>(`${this.url}/v1/status`)).body;
    if (st.operations !== this.posted || st.unsettledOperations !== 0) return false;
    const closed = Object.values(st.batches).reduce((a, b) => a + b, 0);
    if (Number(await this.settlement.nextBatchIndex()) !== closed) return false;
    const events = (await this.settlement.queryFilter(this.settlement.filters.BatchSettled())) as EventLog[];
    if (events.map((e) => Number(e.args[0])).join() !== Array.from({ length: closed }, (_, i) => i).join()) return false;
    for (let i = 0; i < closed; i++) {
      const b = (await getJson<{ status: string; newRootsCommitment: string }>(`${this.url}/v1/batches/${i}`)).body;
      if (b.status !== "settled" || b.newRootsCommitment !== String(events[i].args[2])) return false;
    }
    if (
      String(await this.settlement.rootsCommitment()) !==
      (await getJson<{ newRootsCommitment: string }>(`${this.url}/v1/batches/${closed - 1}`)).body.newRootsCommitment
    )
      return false;
    for (const id of this.accepted) {
      if ((await getJson<{ status: string }>(`${this.url}/v1/operations/${id}`)).body.status !== "settled") return false;
    }
    return true;
  }

  /** Waits until settledAsL1Holds (after a restart, once the new process is ready); returns the ms since `since`. */
  async converged(since: number): Promise<number> {
    await this.ready();
    await waitFor("the store equal to L1 and every operation settled", () => this.settledAsL1Holds(), 180_000, 100);
    return performance.now() - since;
  }

  /** The text of /metrics. */
  async metrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }
}

/** Waits until the proxy holds a call of `method`; returns the held JSON-RPC body's signed raw transaction, if any. */
async function held(method: string): Promise<string | undefined> {
  const h = await waitFor(`a held ${method}`, () => proxy.held.find((x) => x.method === method), 120_000, 20);
  const calls = [JSON.parse(h.body)].flat() as { method: string; params: string[] }[];
  return calls.find((c) => c.method === "eth_sendRawTransaction")?.params[0];
}

beforeAll(async () => {
  prepared = await preparedTestInstance();
  devnet = await startAnvil();
  proxy = new RpcProxy(await freeLoopbackPort(), devnet.rpcUrl);
  await proxy.start();
  rpc = devnetProvider(devnet.rpcUrl);
}, 600_000);

afterEach(async () => {
  // A failed case leaves no fault behind for the next one.
  proxy.clearHolds();
  proxy.releaseHeld(false);
  proxy.outage(false);
  await rpc.send("evm_setAutomine", [true]);
});

afterAll(async () => {
  for (const s of running) await s.kill9();
  await proxy?.close();
  rpc?.destroy();
  await devnet?.stop();
  await terminateCurve();
});

describe("recovery matrix: the service converges to what L1 holds, by content, with no manual step", () => {
  let c: ClusterUnderTest;

  it("starts and settles a first batch", async () => {
    c = await ClusterUnderTest.create("recovery-matrix", 16);
    await c.post();
    await c.converged(performance.now());
  }, 300_000);

  it("kill -9 before send: the signed transaction never reached L1; the restart broadcasts the same one", async () => {
    proxy.holdRequests("eth_sendRawTransaction");
    await c.post();
    const signed = await c.logged("settlement signed and stored");
    await held("eth_sendRawTransaction");
    await c.service.kill9();
    proxy.clearHolds();
    proxy.releaseHeld(false);
    expect(await rpc.getTransaction(String(signed.txHash))).toBeNull();
    const t0 = performance.now();
    c.start();
    const ms = await c.converged(t0);
    expect((await getJson<{ status: string; nonce: number }>(`${c.url}/v1/settlements/${signed.txHash}`)).body).toMatchObject({
      status: "mined",
      nonce: signed.nonce,
    });
    expect(await c.metrics()).toMatch(/cluster_settlement_resumed_total\{status="signed"\} 1/);
    recordConvergence("kill -9 before send", "same signed transaction broadcast at restart, mined once", ms);
  }, 300_000);

  it("kill -9 after send, still in the mempool at restart: the same transaction is sent again and awaited", async () => {
    await rpc.send("evm_setAutomine", [false]);
    await c.post();
    const sent = await c.logged("settlement sent; waiting for its receipt");
    await c.service.kill9();
    c.start();
    await c.service.waitForLog("settlement sent; waiting for its receipt", { txHash: sent.txHash });
    await rpc.send("evm_setAutomine", [true]);
    const t0 = performance.now();
    await rpc.send("evm_mine", []);
    const ms = await c.converged(t0);
    expect((await getJson<{ status: string }>(`${c.url}/v1/settlements/${sent.txHash}`)).body.status).toBe("mined");
    expect(await c.metrics()).toMatch(/cluster_settlement_resumed_total\{status="sent"\} 1/);
    recordConvergence("kill -9 after send (unmined at restart)", "same transaction re-broadcast (same nonce and hash), settled when mined", ms);
  }, 300_000);

  it("settled by this service while it was down: found by its receipt and by content", async () => {
    await rpc.send("evm_setAutomine", [false]);
    await c.post();
    const sent = await c.logged("settlement sent; waiting for its receipt");
    await c.service.kill9();
    await rpc.send("evm_setAutomine", [true]);
    await rpc.send("evm_mine", []);
    expect((await rpc.getTransactionReceipt(String(sent.txHash)))?.status).toBe(1);
    const t0 = performance.now();
    c.start();
    const ms = await c.converged(t0);
    expect((await getJson<{ status: string }>(`${c.url}/v1/settlements/${sent.txHash}`)).body.status).toBe("mined");
    expect(await c.metrics()).toMatch(/cluster_batches_included_total 1/);
    recordConvergence("settled while the service was down", "batch found on L1 with the same content, receipt recorded", ms);
  }, 300_000);

  it("kill -9 after mine, before the service saw the receipt", async () => {
    proxy.holdResults("eth_getTransactionReceipt", (r) => r !== null && r !== undefined);
    await c.post();
    await held("eth_getTransactionReceipt");
    await c.service.kill9();
    proxy.clearHolds();
    proxy.releaseHeld(false);
    const t0 = performance.now();
    c.start();
    const ms = await c.converged(t0);
    expect(await c.metrics()).toMatch(/cluster_settlement_resumed_total\{status="sent"\} 1/);
    recordConvergence("kill -9 after mine (receipt unseen)", "receipt found at restart, nothing sent again", ms);
  }, 300_000);

  it("a reverted receipt (another sequencer settled the same batch first): counted by content, nothing sent again", async () => {
    proxy.holdRequests("eth_sendRawTransaction");
    await c.post();
    const raw = Transaction.from((await held("eth_sendRawTransaction"))!);
    const other = new Wallet(OTHER_KEY, rpc);
    const theirs = await (await other.sendTransaction({ to: raw.to, data: raw.data, gasLimit: raw.gasLimit })).wait();
    proxy.clearHolds();
    const t0 = performance.now();
    proxy.releaseHeld(true);
    const ms = await c.converged(t0);
    const ours = (await getJson<{ status: string; error: string; batches: number[] }>(`${c.url}/v1/settlements/${raw.hash}`)).body;
    expect(ours.status).toBe("reverted");
    expect(ours.error).toMatch(/^BatchAlreadySettled\(/);
    expect((await getJson<{ settlementTx: string }>(`${c.url}/v1/batches/${ours.batches[0]}`)).body.settlementTx).toBe(theirs!.hash);
    expect(await c.metrics()).toMatch(/cluster_settlement_transactions_total\{outcome="reverted"\} 1/);
    recordConvergence("a reverted receipt", "decoded BatchAlreadySettled; the batch counted as settled by the other sequencer's transaction", ms);
  }, 300_000);

  it("a reorged settle transaction (evm_snapshot / evm_revert): the batch goes back to proved and is settled again", async () => {
    const snapshot = await rpc.send("evm_snapshot", []);
    await c.post();
    await c.converged(performance.now());
    await rpc.send("evm_revert", [snapshot]);
    const t0 = performance.now();
    await rpc.send("evm_mine", []);
    const ms = await c.converged(t0);
    expect(await c.metrics()).toMatch(/cluster_l1_reorged_batches_total\{to="proved"\} 1/);
    expect(c.logs.some((l) => l.msg === "settlements left the L1 (reorg): their batches go back to proved and are sent again")).toBe(true);
    recordConvergence("a reorged settle transaction", "batch back to proved, sent again in a new transaction, settled", ms);
  }, 300_000);

  it("an RPC outage: every call is retried with backoff, and everything accepted meanwhile settles when the L1 is back", async () => {
    proxy.outage(true);
    await c.post();
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await getJson<{ unsettledOperations: number }>(`${c.url}/v1/status`)).body.unsettledOperations).toBe(2);
    const t0 = performance.now();
    proxy.outage(false);
    const ms = await c.converged(t0);
    expect(await c.metrics()).toMatch(/cluster_l1_errors_total\{kind="rpc",error="[^"]+"\} [1-9]/);
    recordConvergence("an RPC outage (3 s)", "RPC calls retried with backoff; settled once the L1 answers", ms);
  }, 300_000);

  it("no batch was proved twice and the settlement account used every nonce once", async () => {
    const stored = c.logs
      .filter((l) => l.msg === "batch proof stored")
      .map((l) => l.batchIndex as number)
      .sort((a, b) => a - b);
    const closed = Number(await c.settlement.nextBatchIndex());
    expect(stored).toEqual(Array.from({ length: closed }, (_, i) => i));
  });

  it("a foreign settlement at the next index: the submitter halts naming the batch, and nothing of its own is marked settled", async () => {
    const f = await ClusterUnderTest.create("recovery-foreign", 8);
    // The other sequencer's batch 0: the same genesis, other operations (the reverse order).
    const theirs = new ClusterStore(join(tempDir("recovery-foreign-theirs"), "service.sqlite"));
    const sequencer = await Sequencer.recover(prepared.inst, f.genesis, theirs, { tickDeadlineMs: 3_600_000 }, () => {});
    for (const raw of [...f.operations].reverse()) {
      try {
        sequencer.admit(parseOperation(raw) as SignedOperation);
      } catch (e) {
        if (!(e instanceof OperationRejected)) throw e;
      }
    }
    const pool = new ProverPool(prepared.keys.vkey, { workers: 1 });
    const proof = await pool.prove(JSON.parse(theirs.batch(0)!.input), prepared.circuit.wasm, prepared.keys.zkey).finally(() => pool.close());

    proxy.holdRequests("eth_sendRawTransaction");
    const ours = await f.post();
    await held("eth_sendRawTransaction");
    const other = f.settlement.connect(new Wallet(OTHER_KEY, rpc)) as Contract;
    await (await sendSettle(other, [settlementBatch(theirs.header(0)!, theirs.pubdata(0)!, proof.proof)])).wait();
    proxy.clearHolds();
    const t0 = performance.now();
    proxy.releaseHeld(true);
    const reason = await waitFor(
      "/readyz naming the conflicting history",
      async () => {
        const r = await getJson<{ ready: boolean; reasons: string[] }>(`${f.url}/readyz`);
        return r.body.reasons.find((x) =>
          /^conflicting history: L1 settled batch 0 with header \d+, roots commitment \d+ \(tx 0x[0-9a-f]{64}\); this store has /.test(x),
        );
      },
      120_000,
      100,
    );
    const ms = performance.now() - t0;
    expect(reason).toBeDefined();
    for (const id of ours) expect((await getJson<{ status: string }>(`${f.url}/v1/operations/${id}`)).body.status).toBe("proved");
    const metrics = await f.metrics();
    expect(metrics).toMatch(/cluster_l1_conflicts_total 1/);
    expect(metrics).toMatch(/cluster_submitter_halted 1/);
    expect(String(await f.settlement.rootsCommitment())).toBe(String(theirs.header(0)!.newRootsCommitment));
    theirs.close();
    recordConvergence("a foreign settlement at the next index", "submitter halted, /readyz 503 naming batch 0 and both contents; own batch stays proved", ms);
  }, 300_000);
});
