import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { RECONCILING } from "../src/core/cluster-node.js";
import { ClusterStore, StoreInUse } from "../src/store/cluster-store.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { writeJson } from "../src/protocol/genesis.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { getJson, postOperations, signedOperations, tempDir, waitFor } from "./helpers/service-fixture.js";
import { ServiceProcess, type LogLine } from "./helpers/service-process.js";

let prepared: PreparedInstance;
const running: ServiceProcess[] = [];
const devnets: Devnet[] = [];

beforeAll(async () => {
  prepared = await preparedTestInstance(); // compiled and set up once, so each `serve` below starts in seconds
}, 600_000);

afterAll(async () => {
  for (const s of running) await s.kill9();
  for (const d of devnets) await d.stop();
  await terminateCurve();
});

/** A data folder with a genesis file for `n` signed operations of the test instance. */
async function fixture(n: number, seed: string) {
  const { genesis, operations } = await signedOperations(prepared.inst, n, seed);
  const dataDir = tempDir(seed);
  const genesisFile = join(dataDir, "genesis.json");
  writeJson(genesisFile, genesis);
  return { dataDir, genesisFile, operations };
}

/** `serve` of the test instance on `dataDir` (its own devnet when rpcUrl is undefined). */
function serve(dataDir: string, genesisFile: string, rpcUrl: string | undefined, logs: LogLine[] = []): ServiceProcess {
  const l1 = rpcUrl ? ["--rpc-url", rpcUrl, "--private-key", ANVIL_DEFAULT_KEY] : [];
  const s = new ServiceProcess(
    [
      "--instance",
      "test",
      "--data-dir",
      dataDir,
      "--genesis",
      genesisFile,
      ...l1,
      "--port",
      "0",
      "--tick-ms",
      "300",
      "--workers",
      "1",
      "--rpc-retry-min-ms",
      "100",
      "--rpc-retry-max-ms",
      "1000",
    ],
    logs,
  );
  running.push(s);
  return s;
}

/** Pids of the live processes whose argv is an anvil binary with `--port <port>` (Linux /proc; [] elsewhere). */
function anvilProcesses(port: number): number[] {
  if (process.platform !== "linux") return [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // ended while we looked
    }
    const at = argv.indexOf("--port");
    if (/(^|\/)anvil$/.test(argv[0]) && at > 0 && argv[at + 1] === String(port)) pids.push(Number(entry));
  }
  return pids;
}

/** True when something answers eth_chainId at rpcUrl. */
async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

describe("prover service faults (real processes)", () => {
  it("a kill -9 of serve takes its own anvil devnet with it", async () => {
    const f = await fixture(1, "faults-devnet");
    const s = serve(f.dataDir, f.genesisFile, undefined);
    await s.ready();
    const rpcUrl = String(s.logs.find((l) => l.msg === "prover service ready")!.rpcUrl);
    const port = Number(new URL(rpcUrl).port);
    expect(await answers(rpcUrl)).toBe(true);
    if (process.platform === "linux") expect(anvilProcesses(port)).toHaveLength(1);

    await s.kill9();
    await waitFor("anvil gone after its service was killed", async () => !(await answers(rpcUrl)) && anvilProcesses(port).length === 0, 5_000, 100);
  }, 300_000);

  it("one store, one process: a second serve on the same --data-dir exits 2 naming it; a kill -9 of the owner frees it at once", async () => {
    const devnet = await startAnvil();
    devnets.push(devnet);
    const f = await fixture(2, "faults-lock");
    const owner = serve(f.dataDir, f.genesisFile, devnet.rpcUrl);
    const url = await owner.ready();
    const posted = await postOperations(url, f.operations);
    expect(posted.status).toBe(202);

    const second = serve(f.dataDir, f.genesisFile, devnet.rpcUrl);
    expect(await second.exitCode(60_000)).toBe(2);
    const store = join(f.dataDir, "service.sqlite");
    expect(second.stderr).toContain(`error: --data-dir: the store ${store} is in use by another process (pid ${owner.pid})`);
    expect(second.logs.some((l) => l.msg === "executor state recovered from the store")).toBe(false); // it replayed nothing
    // The owner is untouched: it still answers from its store.
    expect((await getJson<{ operations: number }>(`${url}/v1/status`)).body.operations).toBe(2);

    // In this process too, a second open of a held store fails at once with the typed error.
    await owner.kill9();
    const held = new ClusterStore(store);
    let refused: unknown;
    try {
      new ClusterStore(store);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(StoreInUse);
    expect(refused).toMatchObject({
      field: "dataDir",
      ownerPid: process.pid,
      message: `dataDir: the store ${store} is in use by another process (pid ${process.pid})`,
    });
    held.close();

    // Restarted at once after the kill -9: no stale lock, the store replays.
    const restarted = serve(f.dataDir, f.genesisFile, devnet.rpcUrl);
    const url2 = await restarted.ready();
    expect((await getJson<{ operations: number }>(`${url2}/v1/status`)).body.operations).toBe(2);
    expect(await restarted.stop()).toBe(0);
  }, 300_000);

  it("a restart with a settle transaction pending on a stalled L1 listens at once: /healthz 200, /readyz 503 reconciling, operations admitted", async () => {
    const devnet = await startAnvil();
    devnets.push(devnet);
    const rpc = devnetProvider(devnet.rpcUrl);
    const f = await fixture(4, "faults-reconcile");
    const first = serve(f.dataDir, f.genesisFile, devnet.rpcUrl);
    let url = await first.ready();
    await rpc.send("evm_setAutomine", [false]); // the L1 stops mining: the settle transaction stays pending
    expect((await postOperations(url, f.operations.slice(0, 2))).status).toBe(202); // B = 2: one full batch
    const sent = await first.waitForLog("settlement sent; waiting for its receipt");
    await first.kill9();

    const second = serve(f.dataDir, f.genesisFile, devnet.rpcUrl);
    url = await second.listening();
    // The reconcile found no receipt and broadcast the same signed transaction again; it waits for the L1.
    await second.waitForLog("settlement sent; waiting for its receipt", { txHash: sent.txHash });
    expect((await getJson(`${url}/healthz`)).status).toBe(200);
    const notReady = await getJson<{ ready: boolean; reasons: string[] }>(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ ready: false, reasons: [RECONCILING] });
    const more = await postOperations(url, f.operations.slice(2, 4));
    expect(more.status, JSON.stringify(more.body)).toBe(202);
    expect(more.body.accepted).toMatchObject([
      { index: 0, seq: 2, duplicate: false },
      { index: 1, seq: 3, duplicate: false },
    ]);
    expect(second.logs.some((l) => l.msg === "prover service ready")).toBe(false);

    await rpc.send("evm_setAutomine", [true]);
    await rpc.send("evm_mine", []);
    await waitFor("ready once the pending settlement is mined", async () => (await getJson(`${url}/readyz`)).status === 200, 60_000);
    await second.waitForLog("prover service ready");
    await waitFor(
      "every operation settled",
      async () => (await getJson<{ unsettledOperations: number }>(`${url}/v1/status`)).body.unsettledOperations === 0,
      180_000,
      300,
    );
    expect(await second.stop()).toBe(0);
    rpc.destroy();
  }, 300_000);
});
