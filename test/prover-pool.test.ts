import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/circuits/manifest.js";
import type { Groth16Keys } from "../src/setup/groth16-setup.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { batchCircuitInput, makeHeader, publicSignals } from "../src/circuits/batch-input.js";
import { ProverPool } from "../src/prover/prover-pool.js";
import { debitOnly, deliverOnly, execute, makeCluster, sendOp, transferOp } from "./helpers/cluster-fixture.js";

// Instance "test" (N = 2, D = 4, B = 2, Δ = 2). The pool loads dist/workers (npm test builds first).
let inst: Awaited<ReturnType<typeof preparedTestInstance>>["inst"];
let keys: Groth16Keys;
let wasm: string;
let pool: ProverPool;

beforeAll(async () => {
  const prepared = await preparedTestInstance();
  inst = prepared.inst;
  wasm = prepared.circuit.wasm;
  keys = prepared.keys;
  pool = new ProverPool(keys.vkey, { workers: 2 });
}, 600_000);

afterAll(async () => {
  await pool?.close();
  await terminateCurve();
});

describe("ProverPool", () => {
  it("proves two batches in parallel; each proof is verified and carries its own header", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const g = fx.state.roots();
    const send = debitOnly(fx, sendOp(0, 1, 0n, 0n, 9n, 0n), 1);
    const recv = deliverOnly(fx, send.message, 2);
    const h0 = makeHeader(
      fx.poseidon,
      { domain: fx.domain, batchIndex: 0n, firstTick: 1, lastTick: 2, oldRoots: g, newRoots: fx.state.roots() },
      [send.slot, recv],
      inst.slots,
      inst.depth,
    );
    const r1 = fx.state.roots();
    const t = execute(fx, transferOp(1, 0n, 1n, 3n, 0n), 3);
    const h1 = makeHeader(
      fx.poseidon,
      { domain: fx.domain, batchIndex: 1n, firstTick: 3, lastTick: 3, oldRoots: r1, newRoots: fx.state.roots() },
      [t.slot],
      inst.slots,
      inst.depth,
    );
    const [p0, p1] = await Promise.all([
      pool.prove(batchCircuitInput(h0, [send.slot, recv], inst.slots, inst.depth), wasm, keys.zkey),
      pool.prove(batchCircuitInput(h1, [t.slot], inst.slots, inst.depth), wasm, keys.zkey),
    ]);
    expect(p0.publicSignals).toEqual(publicSignals(h0).map(String));
    expect(p1.publicSignals).toEqual(publicSignals(h1).map(String));
  }, 300_000);

  it("rejects a batch whose witness breaks a constraint (overdraft claimed as valid)", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const g = fx.state.roots();
    const t = execute(fx, transferOp(0, 0n, 1n, 3n, 0n), 1);
    t.slot.amount = 5000n;
    const h = makeHeader(
      fx.poseidon,
      { domain: fx.domain, batchIndex: 0n, firstTick: 1, lastTick: 1, oldRoots: g, newRoots: fx.state.roots() },
      [t.slot],
      inst.slots,
      inst.depth,
    );
    await expect(pool.prove(batchCircuitInput(h, [t.slot], inst.slots, inst.depth), wasm, keys.zkey)).rejects.toThrow(/Assert Failed/);
  }, 300_000);
});

/** Batch 0: one TRANSFER on chain 0 at tick 1. */
async function transferBatch() {
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
  return { header, input: batchCircuitInput(header, [t.slot], inst.slots, inst.depth) };
}

describe("ProverPool with a native prover backend (rapidsnark argument convention)", () => {
  // snarkjs' own CLI takes the arguments rapidsnark takes (`groth16 prove <zkey> <wtns> <proof.json>
  // <public.json>`), so a two-line wrapper stands in for the native binary: the files, arguments and
  // parsing of the backend are exercised for real, and the pool still verifies every proof.
  const dir = mkdtempSync(join(tmpdir(), "native-prover-"));
  const wrapper = join(dir, "prover");
  writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, "node_modules/snarkjs/cli.js")}" groth16 prove "$@"\n`);
  chmodSync(wrapper, 0o755);

  it("proves through the binary and the proof verifies", async () => {
    const native = new ProverPool(keys.vkey, { workers: 1, backend: { kind: "rapidsnark", path: wrapper } });
    try {
      const { input, header } = await transferBatch();
      const r = await native.prove(input, wasm, keys.zkey);
      expect(r.publicSignals).toEqual(publicSignals(header).map(String));
    } finally {
      await native.close();
    }
  }, 300_000);

  it("names --prover-path when the binary is missing", async () => {
    const missing = new ProverPool(keys.vkey, { workers: 1, backend: { kind: "rapidsnark", path: join(dir, "no-such-prover") } });
    try {
      await expect(missing.prove((await transferBatch()).input, wasm, keys.zkey)).rejects.toThrow(/^prover-path: .*no such file/);
    } finally {
      await missing.close();
    }
  }, 300_000);
});
