import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { ContractFactory, type Contract, NonceManager, Wallet } from "ethers";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, loadInstance } from "../src/circuits/manifest.js";
import { compileInstance } from "../src/circuits/compile.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil } from "../src/l1/anvil.js";
import { compileContracts } from "../src/l1/compile-contracts.js";
import { batchCircuitInput, makeHeader, publicSignals } from "../src/circuits/batch-input.js";
import { loadNativeAddon, type NativeZkey, parseNativeZkey, proveNative } from "../src/prover/native-prover.js";
import { ProverPool, verifyGroth16 } from "../src/prover/prover-pool.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { execute, makeCluster, sendThenDeliverBatch, transferOp } from "./helpers/cluster-fixture.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";

// The project's native Groth16 prover (native/, a Node-API addon built at install). Where it did not
// build these tests are skipped, except the fallback test; CLUSTER_REQUIRE_NATIVE=1 makes a missing
// addon a failure (CI with a compiler).
const load = loadNativeAddon();
if (!load.ok && process.env.CLUSTER_REQUIRE_NATIVE) throw new Error(load.reason);
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const runFile = promisify(execFile);

let prepared: PreparedInstance;
let zkeyBytes: Buffer;
let zkey: NativeZkey;
let wtns: Uint8Array;
let expectedSignals: string[];

/** Witness bytes (circom's wasm, via snarkjs) of one TRANSFER batch of the test instance. */
async function transferWitness(): Promise<{ wtns: Uint8Array; signals: string[] }> {
  const inst = prepared.inst;
  const fx = await makeCluster(inst.members, inst.depth);
  const g = fx.state.roots();
  const t = execute(fx, transferOp(0, 0n, 1n, 3n, 0n), 1);
  const header = makeHeader(
    fx.poseidon,
    { domain: fx.domain, batchIndex: 0n, firstTick: 1, lastTick: 1, oldRoots: g, newRoots: fx.state.roots() },
    [t.slot],
    inst.slots,
    inst.depth,
  );
  const out = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  await snarkjs.wtns.calculate(batchCircuitInput(header, [t.slot], inst.slots, inst.depth), prepared.circuit.wasm, out);
  return { wtns: out.data!, signals: publicSignals(header).map(String) };
}

/** Little-endian 32 bytes of a bigint. */
function le32(x: bigint): Buffer {
  const b = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) b[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return b;
}

/** Byte range [start, end) of zkey section `id` (iden3 binary container: magic, version, count, then {u32 id, u64 size, bytes}). */
function zkeySection(bytes: Buffer, id: number): [number, number] {
  let pos = 12;
  for (let i = 0; i < bytes.readUInt32LE(8); i++) {
    const sid = bytes.readUInt32LE(pos);
    const size = Number(bytes.readBigUInt64LE(pos + 4));
    if (sid === id) return [pos + 12, pos + 12 + size];
    pos += 12 + size;
  }
  throw new Error(`no section ${id}`);
}

describe.skipIf(!load.ok)(`native prover${load.ok ? "" : ` (skipped: ${!load.ok && load.reason})`}`, () => {
  beforeAll(async () => {
    prepared = await preparedTestInstance();
    zkeyBytes = readFileSync(prepared.keys.zkey);
    zkey = parseNativeZkey(zkeyBytes);
    ({ wtns, signals: expectedSignals } = await transferWitness());
  }, 600_000);

  afterAll(async () => {
    await terminateCurve();
  });

  it("proves what snarkjs proves: both verify, the public signals are identical, the proof has snarkjs' shape", async () => {
    const native = proveNative(zkey, wtns, 2);
    const reference = await snarkjs.groth16.prove(prepared.keys.zkey, { type: "mem", data: wtns } as never);
    expect(native.publicSignals).toEqual(reference.publicSignals);
    expect(native.publicSignals).toEqual(expectedSignals);
    expect(await verifyGroth16(prepared.keys.vkey, native.publicSignals, native.proof)).toBe(true);
    expect(await verifyGroth16(prepared.keys.vkey, reference.publicSignals, reference.proof)).toBe(true);
    expect(native.proof.protocol).toBe("groth16");
    expect(native.proof.curve).toBe("bn128");
    expect(native.proof.pi_a[2]).toBe("1");
    expect(native.proof.pi_b[2]).toEqual(["1", "0"]);
    expect(native.proof.pi_c).toHaveLength(3);
    // blinded: two proofs of one witness differ, both verify
    const again = proveNative(zkey, wtns, 1);
    expect(again.proof.pi_a).not.toEqual(native.proof.pi_a);
    expect(await verifyGroth16(prepared.keys.vkey, again.publicSignals, again.proof)).toBe(true);
    expect(native.timings.msmG1Ms).toBeGreaterThan(0);
    expect(native.timings.totalMs).toBeGreaterThanOrEqual(native.timings.msmG1Ms + native.timings.msmG2Ms);
  }, 120_000);

  it("the exported Solidity verifier accepts a native proof (on anvil), and refuses it for other public signals", async () => {
    const { verifier } = compileContracts(prepared.keys.verifierSol, prepared.circuit.dir);
    const devnet = await startAnvil();
    try {
      const signer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, devnetProvider(devnet.rpcUrl)));
      const contract = (await (await new ContractFactory(verifier.abi as never, verifier.bytecode, signer).deploy()).waitForDeployment()) as Contract;
      const r = proveNative(zkey, wtns, 1);
      // the verifier's encoding: G2 coordinates as (c1, c0), as snarkjs' exportSolidityCallData writes them
      const p = r.proof;
      const args: (string[] | string[][])[] = [
        [p.pi_a[0], p.pi_a[1]],
        [
          [p.pi_b[0][1], p.pi_b[0][0]],
          [p.pi_b[1][1], p.pi_b[1][0]],
        ],
        [p.pi_c[0], p.pi_c[1]],
        [...r.publicSignals],
      ];
      expect(await contract.verifyProof(...args)).toBe(true);
      (args[3] as string[])[0] = (BigInt(r.publicSignals[0]) + 1n).toString();
      expect(await contract.verifyProof(...args)).toBe(false);
    } finally {
      await devnet.stop();
    }
  }, 300_000);

  it("proves in the pool's workers (backend native): verified by the pool, phase timings returned", async () => {
    const inst = prepared.inst;
    const fx = await makeCluster(inst.members, inst.depth);
    const g = fx.state.roots();
    const t = execute(fx, transferOp(0, 0n, 1n, 3n, 0n), 1);
    const header = makeHeader(
      fx.poseidon,
      { domain: fx.domain, batchIndex: 0n, firstTick: 1, lastTick: 1, oldRoots: g, newRoots: fx.state.roots() },
      [t.slot],
      inst.slots,
      inst.depth,
    );
    const pool = new ProverPool(prepared.keys.vkey, { workers: 1, backend: { kind: "native", threads: 2 } });
    try {
      const r = await pool.prove(batchCircuitInput(header, [t.slot], inst.slots, inst.depth), prepared.circuit.wasm, prepared.keys.zkey);
      expect(r.publicSignals).toEqual(publicSignals(header).map(String));
      expect(r.native?.msmG1Ms).toBeGreaterThan(0);
      expect(r.native?.nttMs).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it("with fixed-base tables (precompute) the proof verifies too, and the tables are counted in memoryBytes", async () => {
    const tables = parseNativeZkey(zkeyBytes, { precompute: true, threads: 2 });
    expect(tables.precomputed).toBe(true);
    expect(tables.memoryBytes).toBeGreaterThan(5 * zkey.memoryBytes); // 16 windows of the bases (the coefficients are not multiplied)
    const r = proveNative(tables, wtns, 2);
    expect(r.publicSignals).toEqual(expectedSignals);
    expect(await verifyGroth16(prepared.keys.vkey, r.publicSignals, r.proof)).toBe(true);
  }, 300_000);

  it("a witness that breaks a constraint gives a proof that does not verify", async () => {
    const broken = Buffer.from(wtns);
    const [start] = wtnsValues(broken);
    const index = zkey.nPublic + 5; // a private signal
    broken[start + 32 * index] ^= 1;
    const r = proveNative(zkey, broken, 1);
    expect(r.publicSignals).toEqual(expectedSignals);
    expect(await verifyGroth16(prepared.keys.vkey, r.publicSignals, r.proof)).toBe(false);
  }, 120_000);

  it("field multiplication agrees with ffjavascript at 0, 1, r-1 and random values", () => {
    const F = { mul: (a: bigint, b: bigint) => (a * b) % R }; // ffjavascript's F1Field.mul on bigints is this
    const values = [0n, 1n, 2n, R - 1n, R - 2n, 0x1234567890abcdef1234567890abcdefn, R / 3n];
    for (const a of values) {
      for (const b of values) {
        const got = Buffer.from(load.ok ? load.addon.frMul(le32(a), le32(b)) : []);
        expect(got.equals(le32(F.mul(a, b))), `${a} * ${b}`).toBe(true);
      }
    }
  });

  it("MSM over the zkey's A and B2 bases (points at infinity included) agrees with ffjavascript, scalars 0, 1, r-1, small and large sizes", async () => {
    if (!load.ok) return;
    const curve = (await buildBn128(true)) as unknown as ReferenceCurve;
    try {
      const [a0, a1] = zkeySection(zkeyBytes, 5);
      const n = (a1 - a0) / 64; // every A point: windows wide enough for the batched-affine buckets
      const [b0] = zkeySection(zkeyBytes, 7);
      const basesA = zkeyBytes.subarray(a0, a0 + 64 * n);
      const basesB = zkeyBytes.subarray(b0, b0 + 128 * n);
      const infinities = (bases: Buffer, size: number) =>
        Array.from({ length: n }, (_, i) => bases.subarray(i * size, (i + 1) * size).every((x) => x === 0)).filter(Boolean).length;
      expect(infinities(basesA, 64) + infinities(basesB, 128)).toBeGreaterThan(0);
      const special = [0n, 1n, R - 1n, 2n];
      const scalars = Buffer.concat(
        Array.from({ length: n }, (_, i) => le32(i < special.length ? special[i] : (BigInt(i) * 0x9e3779b97f4a7c15f39cc0605cedc834n + 7n) % R)),
      );
      const toObject = (p: Uint8Array) => curve.G1.toObject(curve.G1.toAffine(p)).map(String);
      expect(load.addon.msmG1(basesA, scalars, 2)).toEqual(toObject(await curve.G1.multiExpAffine(basesA, scalars)));
      expect(load.addon.msmG1(basesA, scalars, 1)).toEqual(toObject(await curve.G1.multiExpAffine(basesA, scalars)));
      // a small MSM (narrow windows: Jacobian buckets)
      const few = 300;
      expect(load.addon.msmG1(basesA.subarray(0, 64 * few), scalars.subarray(0, 32 * few))).toEqual(
        toObject(await curve.G1.multiExpAffine(basesA.subarray(0, 64 * few), scalars.subarray(0, 32 * few))),
      );
      expect(load.addon.msmG2(basesB.subarray(0, 128 * few), scalars.subarray(0, 32 * few))).toEqual(
        (curve.G2.toObject(curve.G2.toAffine(await curve.G2.multiExpAffine(basesB.subarray(0, 128 * few), scalars.subarray(0, 32 * few)))) as unknown[][]).map(
          (c) => c.map(String),
        ),
      );
      const g2 = (curve.G2.toObject(curve.G2.toAffine(await curve.G2.multiExpAffine(basesB, scalars))) as unknown[][]).map((c) => c.map(String));
      expect(load.addon.msmG2(basesB, scalars, 2)).toEqual(g2);
      // single terms: 1 * P = P, 0 * P = infinity, (r-1) * P = -P
      const p1 = basesA.subarray(64 * 10, 64 * 11);
      const expectP = toObject(curve.G1.fromRprLEM(p1, 0));
      expect(load.addon.msmG1(p1, le32(1n))).toEqual(expectP);
      expect(load.addon.msmG1(p1, le32(0n))).toEqual(["0", "1", "0"]);
      const minus = load.addon.msmG1(p1, le32(R - 1n));
      expect(minus[0]).toBe(expectP[0]);
      expect(BigInt(minus[1]) + BigInt(expectP[1])).toBe(curve.q);
    } finally {
      await curve.terminate();
    }
  }, 120_000);

  it("refuses, before any work, a witness of the wrong length, of another circuit, or of another field", async () => {
    // a well-formed witness one value short (header count and section size rewritten)
    const short = Buffer.from(wtns.subarray(0, wtns.length - 32));
    const [v0] = wtnsValues(wtns);
    short.writeUInt32LE(short.readUInt32LE(12 + 12 + 36) - 1, 12 + 12 + 36);
    short.writeBigUInt64LE(BigInt(wtns.length - 32 - v0), v0 - 8);
    expect(() => proveNative(zkey, short)).toThrow(/wtns section 1 \(header\): has \d+ values, the zkey's circuit has \d+/);
    expect(() => proveNative(zkey, wtns.subarray(0, wtns.length - 32))).toThrow(/wtns section header 1: .*truncated file/);
    // a witness of another circuit (the circuit-test instance, N = 2, D = 4, B = 4: compiled here, no set-up needed)
    const otherInst = loadInstance("circuit-test");
    const other = await compileInstance(otherInst);
    const { input } = await sendThenDeliverBatch(otherInst);
    const otherWtns = { type: "mem" } as { type: "mem"; data?: Uint8Array };
    await snarkjs.wtns.calculate(input as never, other.wasm, otherWtns);
    expect(() => proveNative(zkey, otherWtns.data!)).toThrow(
      /wtns section 1 \(header\): has \d+ values, the zkey's circuit has \d+ \(witness of another circuit\?\)/,
    );
    const otherField = Buffer.from(wtns);
    otherField[12 + 12 + 4] ^= 0x02; // the header's prime, first byte
    expect(() => proveNative(zkey, otherField)).toThrow(/wtns section 1 \(header\): field prime is not BN254's scalar field r/);
    const bigValue = Buffer.from(wtns);
    const [start] = wtnsValues(bigValue);
    le32(R).copy(bigValue, start + 32 * 3);
    expect(() => proveNative(zkey, bigValue)).toThrow(/value 3 is not below r/);
    expect(() => proveNative(zkey, Buffer.from("not a witness"))).toThrow(/wtns/);
  }, 120_000);

  it("refuses truncated or garbled zkey bytes with the section and the reason", () => {
    expect(() => parseNativeZkey(zkeyBytes.subarray(0, zkeyBytes.length - 100))).toThrow(/zkey.*truncated/);
    expect(() => parseNativeZkey(zkeyBytes.subarray(0, 8))).toThrow(/zkey: truncated/);
    const garbled = Buffer.from(zkeyBytes);
    const [a0] = zkeySection(garbled, 5);
    let k = 0;
    while (garbled.subarray(a0 + 64 * k, a0 + 64 * (k + 1)).every((x) => x === 0)) k++; // a finite point
    garbled[a0 + 64 * k + 3] ^= 0x40;
    expect(() => parseNativeZkey(garbled)).toThrow(/zkey section 5 \(A\): G1 point is not on the curve/);
    const magic = Buffer.from(zkeyBytes);
    magic.write("wtns", 0);
    expect(() => parseNativeZkey(magic)).toThrow(/not a zkey file/);
  });

  it("keeps its memory flat over 200 proofs (RSS: mean of the last 50 within 32 MiB of the first 50)", () => {
    const rss: number[] = [];
    for (let i = 0; i < 200; i++) {
      proveNative(zkey, wtns, 2);
      rss.push(process.memoryUsage.rss());
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const growth = (mean(rss.slice(-50)) - mean(rss.slice(0, 50))) / 2 ** 20;
    expect(growth).toBeLessThan(32);
  }, 600_000);
});

/** The parts of ffjavascript's wasm curve the MSM test uses. */
interface ReferenceGroup {
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Uint8Array>;
  toAffine(p: Uint8Array): Uint8Array;
  toObject(p: Uint8Array): unknown[];
  fromRprLEM(b: Uint8Array, offset: number): Uint8Array;
}
interface ReferenceCurve {
  G1: ReferenceGroup;
  G2: ReferenceGroup;
  q: bigint;
  terminate(): Promise<void>;
}

/** Byte offset range of a .wtns' values (section 2). */
function wtnsValues(bytes: Uint8Array): [number, number] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return zkeySection(b, 2);
}

describe("native prover fallback", () => {
  it("an addon that fails to load falls back to snarkjs, saying so once with the reason; --prover native is then an error", async () => {
    const script = `
      import { proverBackend } from "./dist/src/config/prover-options.js";
      const lines = [];
      const a = proverBackend({}, (l) => lines.push(l));
      const b = proverBackend({}, (l) => lines.push(l));
      let err = "";
      try { proverBackend({ prover: "native" }); } catch (e) { err = e.field + ": " + e.reason; }
      console.log(JSON.stringify({ a: a.kind, b: b.kind, lines, err }));`;
    const { stdout } = await runFile(process.execPath, ["--input-type=module", "-e", script], {
      cwd: REPO_ROOT,
      env: { ...process.env, CLUSTER_NATIVE_ADDON: "/nonexistent/bn254_prover.node" },
    });
    const r = JSON.parse(stdout) as { a: string; b: string; lines: string[]; err: string };
    expect(r.a).toBe("snarkjs");
    expect(r.b).toBe("snarkjs");
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/native prover \/nonexistent\/bn254_prover.node: not built .*; proving with snarkjs/);
    expect(r.err).toMatch(/^prover: native is unavailable: native prover \/nonexistent/);
  }, 60_000);

  it.skipIf(!load.ok)(
    "where the addon loads, the default backend is native",
    () => {
      const script = `import { proverBackend } from "./dist/src/config/prover-options.js"; console.log(JSON.stringify(proverBackend({})));`;
      return runFile(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO_ROOT }).then(({ stdout }) => {
        expect(JSON.parse(stdout)).toEqual({ kind: "native", threads: 1 });
      });
    },
    60_000,
  );
});
