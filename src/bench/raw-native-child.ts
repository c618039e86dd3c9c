/**
 * Child process of the bench: proves the batches of a task file one after another with the native
 * prover in this one process (circom's witness calculator, compiled once as in the pool's workers, then the addon, `threads` threads inside each proof;
 * the zkey parsed once before the clock), and prints per-proof times (ms, the addon's phase timings
 * included), the parse time, ns per field multiplication, and the peak resident memory (bytes, getrusage's maxRSS) as JSON on stdout.
 * Usage: node dist/src/bench/raw-native-child.js <task.json>  (task: { wasm, zkey, inputs[], threads, precompute })
 */
import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { loadNativeAddon, nativeZkey, proveNative } from "../prover/native-prover.js";

const task = JSON.parse(readFileSync(process.argv[2], "utf8")) as {
  wasm: string;
  zkey: string;
  inputs: Record<string, unknown>[];
  threads: number;
  precompute: boolean;
};
const load = loadNativeAddon();
if (!load.ok) throw new Error(load.reason);
const fieldMul = load.addon.fieldMulNs(4_000_000);
const calculator = await WitnessCalculatorBuilder(readFileSync(task.wasm));
const p0 = performance.now();
const zkey = nativeZkey(task.zkey, { precompute: task.precompute, threads: task.threads });
const parseMs = performance.now() - p0;
const times = [];
for (const input of task.inputs) {
  const t0 = performance.now();
  const wtns = await calculator.calculateWTNSBin(input, false);
  const t1 = performance.now();
  const r = proveNative(zkey, wtns, task.threads);
  times.push({ witnessMs: t1 - t0, proveMs: performance.now() - t1, ...r.timings });
}
// maxRSS: the kernel's high-water mark of this process (KiB), which a timer cannot see during a synchronous proof
process.stdout.write(
  JSON.stringify({
    parseMs,
    fieldMulNs: fieldMul,
    nVars: zkey.nVars,
    domainSize: zkey.domainSize,
    zkeyBytes: zkey.memoryBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    times,
  }),
);
