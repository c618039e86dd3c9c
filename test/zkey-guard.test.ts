import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import { buildBn128, ChaCha, type Bn128, type WasmValue } from "ffjavascript";
import { loadInstance, type CircuitInstance } from "../src/circuits/manifest.js";
import type { CompiledCircuit } from "../src/circuits/compile.js";
import { runPhases } from "../src/phases/phase.js";
import { beaconZkey } from "../src/setup/ceremony.js";
import { groth16Paths } from "../src/setup/export-keys.js";
import { setupGroth16 } from "../src/setup/groth16-setup.js";
import { phase2InitZkey, phase2Inputs } from "../src/setup/phase2-init.js";
import { compilePhase, type SetupContext } from "../src/setup/setup-phases.js";
import { readZkeyPhase2 } from "../src/setup/zkey-file.js";
import { checkZkeyPhase2, ZkeyError } from "../src/setup/zkey-guard.js";
import { installZkey } from "../src/setup/zkey-install.js";
import { terminateCurve } from "./helpers/test-instance.js";

// Instance "test" (N = 2, D = 4, B = 2, Δ = 2; ptau/pot15.ptau). Every zkey here lives in a temporary
// folder: the instance's own build folder, which other test files use, is never written.
const PUBLIC_BEACON = createHash("sha256").update("a value everybody knows").digest("hex");
let inst: CircuitInstance;
let circuit: CompiledCircuit;
let dir: string;
let init: string; // snarkjs zkey new: no contribution, δ = γ
let beaconOnly: string; // init + a beacon from a public value
let curve: Bn128;

/** A copy of the compiled circuit whose build folder is a fresh temporary one (set-up outputs go there). */
function scratchCircuit(): CompiledCircuit {
  return { ...circuit, dir: mkdtempSync(join(dir, "circuit-")) };
}

beforeAll(async () => {
  inst = loadInstance("test");
  circuit = (await runPhases([compilePhase<SetupContext>(inst)], {} as SetupContext)).circuit!;
  dir = mkdtempSync(join(tmpdir(), "zkey-guard-"));
  init = await phase2InitZkey(phase2Inputs(inst, circuit));
  beaconOnly = join(dir, "beacon-only.zkey");
  await beaconZkey(init, beaconOnly, "public beacon", PUBLIC_BEACON);
  curve = await buildBn128();
}, 600_000);

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await terminateCurve();
});

/**
 * The key of a snarkjs beacon, recomputed from its public value as snarkjs derives it
 * (src/misc.js `rngFromBeaconParams`: 2^exp iterations of SHA-256, the digest as 8 big-endian u32
 * words seeding ChaCha; src/zkey_beacon.js: the key is the first `Fr.fromRng` of that stream).
 */
function beaconKey(beaconHex: string, iterationsExp: number): WasmValue {
  let h: Buffer = Buffer.from(beaconHex, "hex");
  for (let i = 0; i < 2 ** iterationsExp; i++) h = createHash("sha256").update(h).digest();
  return curve.Fr.fromRng(new ChaCha(Array.from({ length: 8 }, (_, i) => h.readUInt32BE(4 * i))));
}

const big = (o: unknown): unknown => (Array.isArray(o) ? o.map(big) : BigInt(o as string));
const str = (o: unknown): unknown => (Array.isArray(o) ? o.map(str) : String(o));

/**
 * A Groth16 proof for arbitrary public signals from δ's discrete log `d` alone, no witness:
 * A = α, B = β, C = −d⁻¹·(IC₀ + Σ xᵢ·ICᵢ). Then e(A, B) = e(α, β)·e(vk_x, γ)·e(C, δ), because γ is the
 * generator of G2 and δ = d·G2, so e(vk_x, γ)·e(C, δ) = e(vk_x − d·d⁻¹·vk_x, G2) = 1.
 */
function forge(vkey: Record<string, unknown>, signals: bigint[], d: WasmValue): snarkjs.Groth16Proof {
  const { G1, G2, Fr } = curve;
  const ic = (vkey.IC as string[][]).map((p) => G1.fromObject(big(p)));
  let vkx = ic[0];
  signals.forEach((x, i) => {
    vkx = G1.add(vkx, G1.timesFr(ic[i + 1], Fr.e(x)));
  });
  const c = G1.timesFr(vkx, Fr.neg(Fr.inv(d)));
  return {
    pi_a: str(G1.toObject(G1.toAffine(G1.fromObject(big(vkey.vk_alpha_1))))) as string[],
    pi_b: str(G2.toObject(G2.toAffine(G2.fromObject(big(vkey.vk_beta_2))))) as string[][],
    pi_c: str(G1.toObject(G1.toAffine(c))) as string[],
    protocol: "groth16",
    curve: "bn128",
  };
}

describe("zkey guard: a phase 2 without a secret contribution is refused", () => {
  it("a beacon-only zkey gives δ to everyone: a proof forged for arbitrary public signals verifies", async () => {
    const vkey = await snarkjs.zKey.exportVerificationKey(beaconOnly);
    const [beacon] = (await readZkeyPhase2(beaconOnly)).contributions;
    expect(beacon).toMatchObject({ type: "beacon", beaconHash: PUBLIC_BEACON, iterationsExp: 10 });
    const d = beaconKey(beacon.beaconHash!, beacon.iterationsExp!);
    expect(curve.G2.eq(curve.G2.timesFr(curve.G2.g, d), curve.G2.fromObject(big(vkey.vk_delta_2))), "δ = d·G2, recomputed from public data").toBe(true);
    // public signals no batch ever had: batch 2^40, made-up roots
    const signals = Array.from({ length: Number(vkey.nPublic) }, (_, i) => (i === 0 ? 2n ** 104n : 1000n + BigInt(i)));
    const forged = forge(vkey, signals, d);
    expect(await snarkjs.groth16.verify(vkey, signals.map(String), forged), "the forged proof is accepted").toBe(true);
    const other = signals.map((x) => x + 1n);
    expect(await snarkjs.groth16.verify(vkey, other.map(String), forge(vkey, other, d)), "for any signals").toBe(true);
  }, 120_000);

  it("the guard refuses that zkey before anything is installed or deployed; --insecure-dev-zkey accepts it, marked insecure", async () => {
    await expect(checkZkeyPhase2(beaconOnly)).rejects.toBeInstanceOf(ZkeyError);
    await expect(checkZkeyPhase2(beaconOnly)).rejects.toThrow(/^zkey: .*only beacon contributions \(1\)/);
    const target = scratchCircuit();
    const refused = await installZkey(inst, target, beaconOnly).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ZkeyError);
    expect((refused as ZkeyError).kind).toBe("insecure");
    expect((refused as Error).message).toMatch(/^zkey: .*beacon-only\.zkey: phase 2 holds only beacon contributions/);
    expect(readdirSync(target.dir), "nothing written").toEqual([]);
    const allowed = await checkZkeyPhase2(beaconOnly, { allowInsecureDevZkey: true });
    expect(allowed).toMatchObject({ secure: false, contributions: [{ index: 1, type: "beacon", name: "public beacon" }] });
    expect(allowed.weakness).toMatch(/anyone can recompute δ/);
  });

  it("a zkey with no contribution at all (δ = γ) is refused", async () => {
    const p = await readZkeyPhase2(init);
    expect(p.contributions).toEqual([]);
    expect(p.deltaEqualsGamma).toBe(true);
    await expect(checkZkeyPhase2(init)).rejects.toThrow(/^zkey: .*phase 2 has no contribution \(δ = γ\)/);
    expect((await checkZkeyPhase2(init, { allowInsecureDevZkey: true })).secure).toBe(false);
  });

  it("rejects a file that is not a zkey, naming it", async () => {
    const notZkey = join(dir, "not.zkey");
    writeFileSync(notZkey, "r1cs....");
    await expect(checkZkeyPhase2(notZkey)).rejects.toThrow(/^zkey: .*not\.zkey: not a snarkjs zkey file \(starts with "r1cs"/);
    const truncated = join(dir, "truncated.zkey");
    writeFileSync(truncated, Buffer.from("7a6b657901000000", "hex"));
    await expect(readZkeyPhase2(truncated)).rejects.toThrow(/^zkey: .*truncated/);
  });
});

describe("development set-up: a secret contribution, then a beacon; cached; one process at a time", () => {
  it("redoes an old beacon-only set-up; two concurrent set-ups make one zkey, the second finds the cache; the forgery fails on it", async () => {
    const target = scratchCircuit();
    const paths = groth16Paths(target.dir);
    copyFileSync(beaconOnly, paths.zkey); // what the old set-up left: a beacon-only zkey and its stamp
    writeFileSync(join(target.dir, "setup.sha256"), "0".repeat(64));
    const [a, b] = await Promise.all([setupGroth16(inst, target), setupGroth16(inst, target)]);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    expect(a.vkey).toEqual(b.vkey);
    expect(existsSync(join(target.dir, "setup.sha256")), "the old stamp is gone").toBe(false);
    const check = await checkZkeyPhase2(paths.zkey);
    expect(check.secure).toBe(true);
    expect(check.contributions.map((c) => c.type)).toEqual(["contribution", "beacon"]);
    // its beacon is public too, but after a secret contribution its key alone no longer forges
    const beacon = (await readZkeyPhase2(paths.zkey)).contributions[1];
    const signals = Array.from({ length: Number(a.vkey.nPublic) }, (_, i) => 7n + BigInt(i));
    expect(await snarkjs.groth16.verify(a.vkey, signals.map(String), forge(a.vkey, signals, beaconKey(beacon.beaconHash!, beacon.iterationsExp!)))).toBe(false);
    expect(
      readdirSync(target.dir).filter((f) => f.includes(".tmp")),
      "no temporary file left",
    ).toEqual([]);
    expect((await setupGroth16(inst, target)).cached).toBe(true);
  }, 300_000);
});
