import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "./helpers/cli-process.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import { JsonRpcProvider } from "ethers";
import { loadInstance, type CircuitInstance } from "../src/circuits/manifest.js";
import type { CompiledCircuit } from "../src/circuits/compile.js";
import { publicSignals } from "../src/circuits/batch-input.js";
import { EXIT } from "../src/cli/cli-error.js";
import { startAnvil, type Devnet } from "../src/l1/anvil.js";
import { runPhases } from "../src/phases/phase.js";
import { groth16Paths } from "../src/setup/export-keys.js";
import { setupGroth16 } from "../src/setup/groth16-setup.js";
import { compilePhase, type SetupContext } from "../src/setup/setup-phases.js";
import { readSetupStamp } from "../src/setup/setup-stamp.js";
import { checkZkeyPhase2, ZkeyError } from "../src/setup/zkey-guard.js";
import { installZkey } from "../src/setup/zkey-install.js";
import { sendThenDeliverBatch } from "./helpers/cluster-fixture.js";
import { terminateCurve } from "./helpers/test-instance.js";

// The phase-2 ceremony of instance "test" (N = 2, D = 4, B = 2, Δ = 2; ptau/pot15.ptau) through the built
// CLI (`npm test` builds first), finalized with the hash of a block of a real anvil. Every zkey lives in a
// temporary folder: the instance's own build folder, which other test files use, is never written.

/** Runs the CLI with --json and expects exit 0; returns the parsed stdout. */
async function cliJson<T>(...args: string[]): Promise<T> {
  const r = await cli(...args, "--json");
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface Step {
  zkey: string;
  index: number;
  name: string;
  hash: string;
}
interface Verified {
  valid: boolean;
  contributions: { index: number; type: string; name: string; hash: string; beaconHash?: string }[];
  secure: boolean;
  reasons?: string[];
}

let inst: CircuitInstance;
let circuit: CompiledCircuit;
let devnet: Devnet;
let rpc: JsonRpcProvider;
let dir: string;
let steps: Step[];
let beacon: Step & { block: number; blockHash: string };
let final: string;

beforeAll(async () => {
  inst = loadInstance("test");
  circuit = (await runPhases([compilePhase<SetupContext>(inst)], {} as SetupContext)).circuit!;
  devnet = await startAnvil();
  rpc = new JsonRpcProvider(devnet.rpcUrl);
  dir = mkdtempSync(join(tmpdir(), "ceremony-"));
  const z = (n: number) => join(dir, `ceremony_${String(n).padStart(4, "0")}.zkey`);
  await cliJson("ceremony", "init", "--instance", "test", "--out", z(0));
  steps = [
    await cliJson<Step>("ceremony", "contribute", "--in", z(0), "--out", z(1), "--name", "alice"),
    await cliJson<Step>("ceremony", "contribute", "--in", z(1), "--out", z(2), "--name", "bob"),
  ];
  // the beacon block is announced while still in the future: finalize waits for it (and 2 confirmations)
  const announced = (await rpc.getBlockNumber()) + 3;
  const finalize = cliJson<typeof beacon>(
    "ceremony",
    "finalize",
    "--in",
    z(2),
    "--out",
    z(3),
    "--rpc-url",
    devnet.rpcUrl,
    "--block",
    String(announced),
    "--poll-ms",
    "100",
  );
  await new Promise((r) => setTimeout(r, 1500));
  expect(existsSync(z(3)), "finalize waits for the block").toBe(false);
  for (let i = 0; i < 5; i++) await rpc.send("evm_mine", []);
  beacon = await finalize;
  expect(beacon.block).toBe(announced);
  final = z(3);
}, 600_000);

afterAll(async () => {
  rpc?.destroy();
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await terminateCurve();
});

describe("phase-2 ceremony through the CLI: init, two contributions, a beacon from an L1 block hash, verify", () => {
  it("ceremony verify accepts the final zkey and lists the three contributions with the hashes each party printed", async () => {
    const v = await cliJson<Verified>("ceremony", "verify", "--instance", "test", "--zkey", final);
    expect(v.valid).toBe(true);
    expect(v.secure).toBe(true);
    expect(v.contributions.map((c) => [c.index, c.type, c.name])).toEqual([
      [1, "contribution", "alice"],
      [2, "contribution", "bob"],
      [3, "beacon", beacon.name],
    ]);
    expect(v.contributions.map((c) => c.hash)).toEqual([...steps.map((s) => s.hash), beacon.hash]);
    const block = await rpc.getBlock(beacon.block);
    expect(beacon.blockHash).toBe(block!.hash);
    expect(v.contributions[2].beaconHash, "the beacon is the block hash").toBe(block!.hash!.slice(2));
  });

  it("a zkey with a flipped byte fails verify (exit 5), and setup --zkey refuses to install it (exit 5)", async () => {
    const tampered = join(dir, "tampered.zkey");
    copyFileSync(final, tampered);
    const bytes = readFileSync(tampered);
    bytes[bytes.length >> 1] ^= 0x01; // inside the proving key's point sections
    writeFileSync(tampered, bytes);
    const v = await cli("ceremony", "verify", "--instance", "test", "--zkey", tampered, "--json");
    expect(v.code).toBe(EXIT.CHECK_FAILED);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: false });
    expect(v.stderr).toMatch(/^error: zkey: .*tampered\.zkey does not verify/m);
    const before = readSetupStamp(circuit.dir);
    const s = await cli("setup", "--instance", "test", "--zkey", tampered);
    expect(s.code).toBe(EXIT.CHECK_FAILED);
    expect(s.stderr).toMatch(/^error: zkey: .*tampered\.zkey does not verify against instance "test"/m);
    expect(readSetupStamp(circuit.dir)?.source, "the instance's set-up is not replaced").toBe(before?.source);
  });

  it("refuses to overwrite a step, and a beacon block that does not come in time (exit 4)", async () => {
    const again = await cli("ceremony", "contribute", "--in", final, "--out", final);
    expect(again.code).toBe(EXIT.USAGE);
    expect(again.stderr).toMatch(/^error: --out: .* exists; a ceremony keeps every step/m);
    const late = await cli(
      "ceremony",
      "finalize",
      "--in",
      final,
      "--out",
      join(dir, "late.zkey"),
      "--rpc-url",
      devnet.rpcUrl,
      "--block",
      "1000000",
      "--timeout",
      "1",
      "--poll-ms",
      "100",
    );
    expect(late.code).toBe(EXIT.L1);
    expect(late.stderr).toMatch(/^error: --block: block 1000000 with 2 confirmations not reached within 1 s/m);
  });

  it("the ceremony zkey passes the guard, installs (verified first), is kept by a later set-up, and proves a real batch", async () => {
    expect((await checkZkeyPhase2(final)).secure).toBe(true);
    const target: CompiledCircuit = { ...circuit, dir: mkdtempSync(join(dir, "circuit-")) };
    const installed = await installZkey(inst, target, final);
    expect(installed).toMatchObject({ source: "installed", cached: false });
    expect(readFileSync(groth16Paths(target.dir).zkey).equals(readFileSync(final))).toBe(true);
    expect(readSetupStamp(target.dir)).toMatchObject({ source: "installed", installedFrom: final });
    const kept = await setupGroth16(inst, target);
    expect(kept).toMatchObject({ source: "installed", cached: true });
    const otherPtau = await setupGroth16(inst, target, "ptau/pot16.ptau").catch((e: unknown) => e);
    expect(otherPtau).toBeInstanceOf(ZkeyError);
    expect((otherPtau as Error).message).toMatch(/^zkey: the ceremony zkey installed for instance "test" .* was verified against another ptau/);

    const { header, input } = await sendThenDeliverBatch(inst);
    const { proof, publicSignals: signals } = await snarkjs.groth16.fullProve(input, circuit.wasm, installed.zkey);
    expect(signals).toEqual(publicSignals(header).map(String));
    expect(await snarkjs.groth16.verify(installed.vkey, signals, proof)).toBe(true);
    const tampered = [...signals];
    tampered[0] = (BigInt(tampered[0]) + 1n).toString();
    expect(await snarkjs.groth16.verify(installed.vkey, tampered, proof)).toBe(false);
  }, 120_000);
});
