import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Contract, type EventLog } from "ethers";
import { REPO_ROOT } from "../src/circuits/manifest.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { tempDir, waitFor } from "./helpers/service-fixture.js";

let devnet: Devnet;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await preparedTestInstance(); // set-up done before the runs (they would each wait for it)
  devnet = await startAnvil();
}, 600_000);

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await devnet?.stop();
  await terminateCurve();
});

/** `cluster-settle run` on the test instance against the shared anvil; resolves with its exit code and stdout. */
function run(out: string, extra: string[] = []): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "dist/src/cli/main.js"),
      "run",
      "--instance",
      "test",
      "--rpc-url",
      devnet.rpcUrl,
      "--private-key",
      ANVIL_DEFAULT_KEY,
      "--out",
      out,
      "--workload-operations",
      "12",
      "--no-faults",
      "--json",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr }))) };
}

const logLines = (out: string) =>
  existsSync(join(out, "node.log"))
    ? readFileSync(join(out, "node.log"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

describe("run is crash-safe: kill -9 during a run, then run --resume", () => {
  it("goes on where it stopped: nothing executed, proved or settled twice, and the roots match", async () => {
    const out = tempDir("run-resume");
    const first = run(out);
    await waitFor("a first batch included on L1", () => logLines(out).some((l) => l.msg === "batches included on L1"), 300_000, 50);
    first.child.kill("SIGKILL");
    await first.done;
    const before = logLines(out).filter((l) => l.msg === "batch proof stored").length;

    const refused = await run(out).done; // the folder holds a run: without --resume it is refused, naming the flag
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out: .* holds a run already \(cluster\.sqlite\); add --resume/);

    const second = await run(out, ["--resume"]).done;
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout) as {
      batches: number;
      roots: { match: boolean };
      workload: { accepted: number };
      settlement: { contract: string };
    };
    expect(report.roots.match).toBe(true);
    expect(report.workload.accepted).toBe(12);

    // One proof per batch over both runs, some of them made before the kill.
    const proved = logLines(out)
      .filter((l) => l.msg === "batch proof stored")
      .map((l) => l.batchIndex as number)
      .sort((a, b) => a - b);
    expect(proved).toEqual(Array.from({ length: report.batches }, (_, i) => i));
    expect(before).toBeGreaterThan(0);
    // One BatchSettled per batch on the L1 both runs used, in order.
    const provider = devnetProvider(devnet.rpcUrl);
    const contract = new Contract(
      report.settlement.contract,
      JSON.parse(readFileSync(join(REPO_ROOT, "build/circuits/test/contracts.json"), "utf8")).artifacts.settlement.abi,
      provider,
    );
    const events = (await contract.queryFilter(contract.filters.BatchSettled())) as EventLog[];
    expect(events.map((e) => Number(e.args[0]))).toEqual(Array.from({ length: report.batches }, (_, i) => i));
    // The readable export is whole: one proof file per batch.
    for (let i = 0; i < report.batches; i++) expect(existsSync(join(out, "proofs", `${String(i).padStart(6, "0")}.json`))).toBe(true);
    provider.destroy();
  }, 600_000);
});
