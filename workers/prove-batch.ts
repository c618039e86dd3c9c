/**
 * Piscina worker: computes the witness (circom's WASM witness calculator, circom_runtime, built once per
 * worker and circuit: what snarkjs `wtns.calculate` does, minus compiling the 6 MB wasm again each time)
 * and the Groth16 proof of one batch, in this worker's thread, with the configured prover backend:
 * snarkjs `groth16.prove` (the zkey is read once per worker and kept in memory), the project's native
 * addon (src/prover/native-prover.ts: the zkey parsed once per worker into Montgomery-form points,
 * witness bytes in memory), or a rapidsnark-compatible binary (`prover <zkey> <wtns> <proof.json> <public.json>`). Loaded as compiled
 * JavaScript (dist/workers/prove-batch.js).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { nativeZkey, proveNative as proveWithAddon } from "../src/prover/native-prover.js";
import type { ProveResult, ProveTask } from "../src/prover/prove-task.js";

const run = promisify(execFile);

/** zkeys of this worker, read once: path -> bytes (snarkjs reads a `{type: "mem"}` file without copying it). */
const zkeys = new Map<string, Uint8Array>();

/**
 * One single-threaded BN254 curve per worker, reused by every proof. snarkjs builds a new curve for
 * each `singleThread` proof (~0.1 s and ~15 MiB of WASM memory each); asked for a threaded curve it
 * reuses `globalThis.curve_bn128` (ffjavascript buildBn128), so this worker installs its own
 * single-threaded one there and proves with `singleThread: false`.
 */
let singleThreadCurve: Promise<unknown> | undefined;
async function useSingleThreadCurve(): Promise<void> {
  singleThreadCurve ??= buildBn128(true).then((curve) => {
    (globalThis as { curve_bn128?: unknown }).curve_bn128 = curve;
    return curve;
  });
  await singleThreadCurve;
}

/**
 * Witness calculators of this worker: wasm path -> calculator, compiled once. snarkjs `wtns.calculate`
 * reads and compiles the wasm on every call (~0.7 s of a ~1 s witness for the default instance on 2
 * busy cores, 0.27 s with the calculator kept); the .wtns bytes are the same.
 */
const calculators = new Map<string, Promise<WitnessCalculator>>();
function witnessCalculator(wasm: string): Promise<WitnessCalculator> {
  let wc = calculators.get(wasm);
  if (!wc) {
    wc = WitnessCalculatorBuilder(readFileSync(wasm));
    calculators.set(wasm, wc);
  }
  return wc;
}

export default async function proveBatch(task: ProveTask): Promise<ProveResult> {
  const started = performance.now();
  const wtns = { type: "mem", data: await (await witnessCalculator(task.wasm)).calculateWTNSBin(task.input, false) } as { type: "mem"; data?: Uint8Array };
  const witnessDone = performance.now();
  if (task.backend.kind === "native") {
    const b = task.backend;
    const r = proveWithAddon(nativeZkey(task.zkey, { precompute: b.precompute, threads: b.threads }), wtns.data!, b.threads);
    const mem = process.memoryUsage();
    return {
      proof: r.proof,
      publicSignals: r.publicSignals,
      witnessMs: witnessDone - started,
      proveMs: performance.now() - witnessDone,
      native: r.timings,
      workerMemoryBytes: mem.heapTotal + mem.external,
    };
  }
  if (task.backend.kind === "snarkjs" && task.singleThread) await useSingleThreadCurve();
  const { proof, publicSignals } =
    task.backend.kind === "rapidsnark"
      ? await proveNative(task.backend.path, task.zkey, wtns.data!)
      : await snarkjs.groth16.prove(zkeyInMemory(task.zkey), wtns, undefined, { singleThread: false });
  const done = performance.now();
  const mem = process.memoryUsage();
  return { proof, publicSignals, witnessMs: witnessDone - started, proveMs: done - witnessDone, workerMemoryBytes: mem.heapTotal + mem.external };
}

function zkeyInMemory(path: string): { type: "mem"; data: Uint8Array } {
  let data = zkeys.get(path);
  if (!data) {
    data = new Uint8Array(readFileSync(path));
    zkeys.set(path, data);
  }
  return { type: "mem", data };
}

/** Runs a rapidsnark-compatible prover binary on the witness; files in a private temporary folder. */
async function proveNative(binary: string, zkey: string, witness: Uint8Array): Promise<{ proof: snarkjs.Groth16Proof; publicSignals: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "cluster-prove-"));
  try {
    const files = { wtns: join(dir, "witness.wtns"), proof: join(dir, "proof.json"), public: join(dir, "public.json") };
    writeFileSync(files.wtns, witness);
    try {
      await run(binary, [zkey, files.wtns, files.proof, files.public], { maxBuffer: 16 << 20 });
    } catch (e) {
      const err = e as { code?: string; stderr?: string; message: string };
      throw new Error(`prover-path: ${binary} failed: ${err.code === "ENOENT" ? "no such file" : err.stderr || err.message}`);
    }
    return { proof: JSON.parse(readFileSync(files.proof, "utf8")), publicSignals: JSON.parse(readFileSync(files.public, "utf8")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
