/**
 * Child process of the bench baseline: proves the batches of a task file one after another with raw
 * snarkjs in this one process, single-threaded (`wtns.calculate`, then `groth16.prove` from the zkey
 * file), and prints the times as JSON on stdout. One single-threaded BN254 curve serves every proof
 * (snarkjs would build and keep one per `singleThread` proof, which slows a long run down), so the
 * baseline is not handicapped against the pool, whose workers do the same.
 * Usage: node dist/src/bench/raw-prove-child.js <task.json>  (task: { wasm, zkey, inputs[] })
 */
import { readFileSync } from "node:fs";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";

const task = JSON.parse(readFileSync(process.argv[2], "utf8")) as { wasm: string; zkey: string; inputs: Record<string, unknown>[] };
const curve = await buildBn128(true);
(globalThis as { curve_bn128?: unknown }).curve_bn128 = curve;
const times: { witnessMs: number; proveMs: number }[] = [];
for (const input of task.inputs) {
  const t0 = performance.now();
  const wtns = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  await snarkjs.wtns.calculate(input, task.wasm, wtns);
  const t1 = performance.now();
  await snarkjs.groth16.prove(task.zkey, wtns, undefined, { singleThread: false });
  times.push({ witnessMs: t1 - t0, proveMs: performance.now() - t1 });
}
process.stdout.write(JSON.stringify(times));
await curve.terminate();
