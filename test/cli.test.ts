import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "./helpers/cli-process.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateCurve } from "./helpers/test-instance.js";
import type { RunReport } from "../src/pipeline/run-report.js";
import { EXIT } from "../src/cli/cli-error.js";
import { ANVIL_DEFAULT_KEY, startAnvil } from "../src/l1/anvil.js";
import * as snarkjs from "snarkjs";

afterAll(terminateCurve);

describe("CLI: keys -> workload -> run -> verify on the test instance", () => {
  const dir = mkdtempSync(join(tmpdir(), "cluster-cli-"));
  let report: RunReport;
  let workload: { faults: { line: number; field: string }[]; sends: number };

  beforeAll(async () => {
    expect((await cli("keys", "--instance", "test", "--accounts", "8", "--out", dir, "--seed", "cli-test")).code).toBe(0);
    const w = await cli("workload", "--keys", join(dir, "keys.json"), "--out", join(dir, "ops.jsonl"), "--operations", "6", "--faults", "--json");
    expect(w.code).toBe(0);
    workload = JSON.parse(w.stdout);
    const r = await cli(
      "run",
      "--instance",
      "test",
      "--genesis",
      join(dir, "genesis.json"),
      "--operations",
      join(dir, "ops.jsonl"),
      "--out",
      join(dir, "run"),
      "--settle-batches",
      "2",
      "--json",
    );
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout);
  }, 600_000);

  it("run executes every valid line, settles all batches on its own anvil, and the roots match", () => {
    expect(report.workload).toMatchObject({ accepted: 6, rejected: 6, messages: workload.sends });
    expect(report.roots.match).toBe(true);
    expect(report.roots.onChain).toEqual(report.roots.executor);
    expect(report.settlement.transactions).toBe(Math.ceil(report.batches / 2));
    expect(report.settlement.ownDevnet).toBe(true);
    expect(report.instance.constraints).toBeGreaterThan(0);
  });

  it("run's three dev governors re-execute and fast-confirm every batch; the report gives time to fast confirmation beside time to settlement", () => {
    expect(report.governance).toMatchObject({ governors: 3, fastConfirmed: report.batches });
    expect(report.governance.toSettlementMs.median).toBeGreaterThan(0);
    expect(report.governance.toFastConfirmationMs.median).toBeGreaterThanOrEqual(0);
  });

  it("run reports every rejected line with the field at fault", () => {
    expect(report.rejected.map((r) => ({ line: r.line, field: r.field }))).toEqual(workload.faults.map((f) => ({ line: f.line, field: f.field })));
    const stored = readFileSync(join(dir, "run/rejected.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(stored).toEqual(report.rejected);
  });

  it("run settles on a given L1 with --rpc-url and --private-key (no devnet of its own)", async () => {
    const devnet = await startAnvil();
    try {
      const r = await cli(
        "run",
        "--instance",
        "test",
        "--genesis",
        join(dir, "genesis.json"),
        "--operations",
        join(dir, "ops.jsonl"),
        "--out",
        join(dir, "run-rpc"),
        "--rpc-url",
        devnet.rpcUrl,
        "--private-key",
        ANVIL_DEFAULT_KEY,
        "--json",
      );
      expect(r.code).toBe(0);
      const viaRpc: RunReport = JSON.parse(r.stdout);
      expect(viaRpc.settlement).toMatchObject({ ownDevnet: false, rpcUrl: devnet.rpcUrl });
      expect(viaRpc.roots.onChain).toEqual(report.roots.onChain); // same workload, same roots
      // the light client reads the run's GovernorRegistry: batch 0 settled (no governor bonded, so no fast confirmation)
      const light = await cli("confirm", "--rpc-url", devnet.rpcUrl, "--registry", viaRpc.governance.registry, "--batch", "0");
      expect([light.code, light.stdout.trim()]).toEqual([0, "batch 0: settled (its Groth16 proof verified on L1); no fast confirmation was recorded"]);
      const unsettled = await cli("confirm", "--rpc-url", devnet.rpcUrl, "--registry", viaRpc.governance.registry, "--batch", "1000", "--json");
      expect(unsettled.code).toBe(0);
      expect(JSON.parse(unsettled.stdout)).toMatchObject({ batchIndex: "1000", status: "unconfirmed" });
      const notRegistry = await cli("confirm", "--rpc-url", devnet.rpcUrl, "--registry", `0x${"1".repeat(40)}`, "--batch", "0");
      expect([notRegistry.code, notRegistry.stderr.trim()]).toEqual([EXIT.USAGE, `error: --registry: no contract at 0x${"1".repeat(40)} on ${devnet.rpcUrl}`]);
    } finally {
      await devnet.stop();
    }
  });

  it("verify accepts a stored proof and rejects it with a tampered public signal (exit 5)", async () => {
    const proofFile = join(dir, "run/proofs/000000.json");
    expect((await cli("verify", proofFile)).code).toBe(EXIT.OK);
    const tampered = JSON.parse(readFileSync(proofFile, "utf8"));
    tampered.publicSignals[3] = (BigInt(tampered.publicSignals[3]) + 1n).toString(); // oldRoots[0]
    writeFileSync(join(dir, "tampered.json"), JSON.stringify(tampered));
    const r = await cli("verify", join(dir, "tampered.json"));
    expect(r.code).toBe(EXIT.CHECK_FAILED);
    expect(r.stdout).toMatch(/INVALID/);
  });
});

describe("CLI: ptau makes a development powers-of-tau file", () => {
  it("writes a file that snarkjs verifies", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "cluster-ptau-")), "pot8.ptau");
    expect((await cli("ptau", "--power", "8", "--out", out)).code).toBe(0);
    expect(await (snarkjs as unknown as { powersOfTau: { verify(f: string): Promise<boolean> } }).powersOfTau.verify(out)).toBe(true);
  });
});

describe("CLI: bad flags and config name the field", () => {
  it.each([
    [["run", "--workers", "0"], EXIT.USAGE, /^error: --workers: /m],
    [["run", "--settle-batches", "two"], EXIT.USAGE, /^error: --settle-batches: /m],
    [["run", "--governors", "-1"], EXIT.USAGE, /^error: --governors: /m],
    [["run", "--rpc-url", "ftp://x"], EXIT.USAGE, /^error: --rpc-url: /m],
    [["run", "--operations", "ops.jsonl"], EXIT.USAGE, /^error: --genesis: required with --operations/m],
    [["run", "--instance", "nope"], EXIT.USAGE, /^error: --instance: unknown circuit instance "nope"/m],
    [["setup", "--instance", "nope"], EXIT.USAGE, /^error: --instance: unknown circuit instance "nope"/m],
    [["run", "--genesis", "/nonexistent/genesis.json", "--operations", "/nonexistent/ops.jsonl"], EXIT.INPUT, /^error: genesis: cannot read/m],
    [["verify", "/nonexistent/proof.json"], EXIT.INPUT, /proof\.json/],
    [["keys", "--instance", "test", "--accounts", "99", "--out", "/tmp/never"], EXIT.USAGE, /^error: --accounts: 99 accounts do not fit/m],
    [["keys", "--instance", "test", "--cluster-id", "12a", "--out", "/tmp/never"], EXIT.USAGE, /^error: --cluster-id: must be a decimal integer/m],
    [["keys", "--instance", "test", "--cluster-id", (1n << 256n).toString(), "--out", "/tmp/never"], EXIT.USAGE, /^error: --cluster-id: must be below 2\^256/m],
    [["keys", "--instance", "test", "--l1-chain-id", "0", "--out", "/tmp/never"], EXIT.USAGE, /^error: --l1-chain-id: /m],
    [["run", "--no-such-flag"], EXIT.USAGE, /unknown option '--no-such-flag'/],
    [["run", "--prover", "rapidsnark"], EXIT.USAGE, /^error: --prover-path: required with --prover rapidsnark/m],
    [["serve", "--queue-limit", "0"], EXIT.USAGE, /^error: --queue-limit: /m],
    [["serve", "--workers", "0"], EXIT.USAGE, /^error: --workers: 0 needs --redis-url/m],
    [["serve", "--redis-url", "http://x"], EXIT.USAGE, /^error: --redis-url: /m],
    [["serve", "--instance", "nope"], EXIT.USAGE, /^error: --instance: unknown circuit instance "nope"/m],
    [["serve", "--instance", "test", "--genesis", "/nonexistent/genesis.json"], EXIT.INPUT, /^error: --genesis: genesis: cannot read/m],
    [
      [
        "serve",
        "--instance",
        "test",
        "--data-dir",
        join(tmpdir(), "cluster-serve-no-l1"),
        "--rpc-url",
        "http://127.0.0.1:1",
        "--private-key",
        `0x${"1".repeat(64)}`,
      ],
      EXIT.L1,
      /^error: --rpc-url: no L1 answers at http:\/\/127.0.0.1:1/m,
    ],
    [["prover", "--workers", "1"], EXIT.USAGE, /required option '--redis-url <url>' not specified/],
    [["sync", "--rpc-url", "http://127.0.0.1:1"], EXIT.USAGE, /required option '--contract <address>' not specified/],
    [["confirm", "--rpc-url", "http://127.0.0.1:1", "--registry", `0x${"1".repeat(40)}`], EXIT.USAGE, /required option '--batch <index>' not specified/],
    [["confirm", "--rpc-url", "http://127.0.0.1:1", "--registry", `0x${"1".repeat(40)}`, "--batch", "-1"], EXIT.USAGE, /^error: --batch: /m],
    [["sync", "--rpc-url", "http://127.0.0.1:1", "--contract", "0x12"], EXIT.USAGE, /^error: --contract: must be 0x and 40 hex digits/m],
    [["sync", "--rpc-url", "http://127.0.0.1:1", "--contract", `0x${"1".repeat(40)}`, "--from-block", "-3"], EXIT.USAGE, /^error: --from-block: /m],
    [
      [
        "exit",
        "--rpc-url",
        "http://127.0.0.1:1",
        "--contract",
        `0x${"1".repeat(40)}`,
        "--chain",
        "0",
        "--index",
        "1",
        "--recipient",
        `0x${"2".repeat(40)}`,
        "--private-key",
        `0x${"1".repeat(64)}`,
      ],
      EXIT.USAGE,
      /^error: --account-key: give exactly one of --account-key and --keys/m,
    ],
  ])("%j exits %i", async (args, code, message) => {
    const r = await cli(...(args as string[]));
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
  });

  it("a config file's bad field is named with the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cluster-cfg-"));
    const config = join(dir, "run.json");
    writeFileSync(config, JSON.stringify({ workers: 2, settleBatches: 0 }));
    const r = await cli("run", "--config", config);
    expect(r.stderr).toContain(`error: ${config}: settleBatches: `);
    expect(r.code).toBe(EXIT.USAGE);
    writeFileSync(config, JSON.stringify({ wrokers: 2 }));
    expect((await cli("run", "--config", config)).stderr).toMatch(/wrokers: unknown option/);
  });
});
