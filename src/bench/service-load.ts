#!/usr/bin/env node
/**
 * `npm run bench:service`: load on the prover service's HTTP API, over loopback, against a real
 * `cluster-settle serve` process (own anvil, 1 prover worker so the API keeps a core).
 *
 * 1. admission: every operation of a signed workload, one per request, from `--lanes` concurrent
 *    clients (one lane per group of senders, so each sender's nonces arrive in order), with a queue
 *    bound larger than the workload: accepted operations per second and request latency. Each
 *    accepted operation is EdDSA-verified, executed (Merkle updates) and committed to SQLite
 *    (WAL, synchronous=FULL) before the answer.
 * 2. back-pressure: the same load for `--seconds` against `--queue-limit`: requests per second
 *    answered (202 or 429), how many got 429, and the largest unsettled count seen (must stay <= bound).
 * 3. soak (`--soak-minutes`): one client keeps the queue full while the service proves and settles;
 *    the service's resident memory (its own /metrics, process_resident_memory_bytes) is sampled
 *    against the number of proofs made, to see whether a long-running service grows.
 *
 * Writes bench/results/service-load.json and prints a summary. The client runs on the same 2 cores.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Command } from "commander";
import { REPO_ROOT, loadInstance } from "../circuits/manifest.js";
import { devWorkload } from "../workload/dev-workload.js";
import { genesisOf, writeJson } from "../protocol/genesis.js";

const program = new Command("bench:service")
  .description("Load on the prover service's HTTP API; writes bench/results/service-load.json")
  .option("--instance <name>", "circuit instance", "default")
  .option("--operations <n>", "signed operations in the workload", "1500")
  .option("--lanes <n>", "concurrent clients", "8")
  .option("--queue-limit <n>", "queue bound of the back-pressure phase", "256")
  .option("--seconds <s>", "duration of the back-pressure phase", "20")
  .option("--soak-minutes <m>", "then keep one client busy for this long and sample the service's memory (0: skip)", "0")
  .option("--out <dir>", "results folder", join(REPO_ROOT, "bench/results"))
  .parse();
const o = program.opts<{ instance: string; operations: string; lanes: string; queueLimit: string; seconds: string; soakMinutes: string; out: string }>();
const inst = loadInstance(o.instance);
const lanes = Number(o.lanes);

interface Served {
  status: number;
  ms: number;
}

/** `cluster-settle serve` as a child; resolves with its URL once ready. */
async function startService(dataDir: string, genesisFile: string, queueLimit: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "dist/src/cli/main.js"),
      "serve",
      "--json",
      "--instance",
      o.instance,
      "--data-dir",
      dataDir,
      "--genesis",
      genesisFile,
      "--port",
      "0",
      "--workers",
      "1",
      "--queue-limit",
      String(queueLimit),
      "--log-level",
      "warn",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { url, child };
}

async function post(url: string, op: unknown): Promise<Served> {
  const t = performance.now();
  const res = await fetch(`${url}/v1/operations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ operations: [op] }),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}

/** Splits operations into lanes by sender (chainId, from): each sender's operations stay in order in one lane. */
function byLane(ops: Record<string, unknown>[]): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = Array.from({ length: lanes }, () => []);
  const laneOf = new Map<string, number>();
  for (const op of ops) {
    const key = `${op.chainId}/${op.from}`;
    if (!laneOf.has(key)) laneOf.set(key, laneOf.size % lanes);
    out[laneOf.get(key)!].push(op);
  }
  return out;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const counts = (served: Served[]) => {
  const acc: Record<string, number> = {};
  for (const s of served) acc[s.status] = (acc[s.status] ?? 0) + 1;
  return acc;
};

process.stderr.write(`signing ${o.operations} operations for instance ${o.instance}...\n`);
const { keys, workload } = await devWorkload(inst, { operations: Number(o.operations), crossChainShare: 0.4, faults: false, seed: "service-load" });
const ops = workload.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const work = mkdtempSync(join(tmpdir(), "service-load-"));
const genesisFile = join(work, "genesis.json");
writeJson(genesisFile, genesisOf(keys));

// 1. Admission.
process.stderr.write(`phase 1: ${ops.length} operations, ${lanes} lanes, no back-pressure\n`);
let service = await startService(join(work, "admission"), genesisFile, 1_000_000);
const admitted: Served[] = [];
let started = performance.now();
await Promise.all(
  byLane(ops).map(async (lane) => {
    for (const op of lane) admitted.push(await post(service.url, op));
  }),
);
const admissionMs = performance.now() - started;
service.child.kill("SIGTERM");
const admission = {
  requests: admitted.length,
  statuses: counts(admitted),
  wallSeconds: round(admissionMs / 1000, 2),
  acceptedPerSecond: round((counts(admitted)["202"] ?? 0) / (admissionMs / 1000)),
  latencyMs: {
    p50: round(
      quantile(
        admitted.map((s) => s.ms),
        0.5,
      ),
    ),
    p99: round(
      quantile(
        admitted.map((s) => s.ms),
        0.99,
      ),
    ),
  },
};
process.stderr.write(`  ${JSON.stringify(admission)}\n`);

// 2. Back-pressure.
const queueLimit = Number(o.queueLimit);
process.stderr.write(`phase 2: ${o.seconds} s against a queue bound of ${queueLimit}\n`);
service = await startService(join(work, "backpressure"), genesisFile, queueLimit);
const pressured: Served[] = [];
let maxUnsettled = 0;
const deadline = performance.now() + Number(o.seconds) * 1000;
const poll = setInterval(async () => {
  const st = (await (await fetch(`${service.url}/v1/status`)).json()) as { unsettledOperations: number };
  maxUnsettled = Math.max(maxUnsettled, st.unsettledOperations);
}, 100);
started = performance.now();
await Promise.all(
  byLane(ops).map(async (lane) => {
    let i = 0;
    while (performance.now() < deadline && i < lane.length) {
      const s = await post(service.url, lane[i]);
      pressured.push(s);
      if (s.status !== 429) i++; // a refused operation is offered again, as a client honouring 429 would
    }
  }),
);
const pressureMs = performance.now() - started;
clearInterval(poll);
const finalStatus = (await (await fetch(`${service.url}/v1/status`)).json()) as { unsettledOperations: number; batches: Record<string, number> };
maxUnsettled = Math.max(maxUnsettled, finalStatus.unsettledOperations);
service.child.kill("SIGTERM");
const backPressure = {
  queueLimit,
  seconds: round(pressureMs / 1000, 2),
  requests: pressured.length,
  statuses: counts(pressured),
  requestsPerSecond: round(pressured.length / (pressureMs / 1000)),
  latencyMs: {
    p50: round(
      quantile(
        pressured.map((s) => s.ms),
        0.5,
      ),
    ),
    p99: round(
      quantile(
        pressured.map((s) => s.ms),
        0.99,
      ),
    ),
  },
  maxUnsettledSeen: maxUnsettled,
  boundHeld: maxUnsettled <= queueLimit,
  batchesAtEnd: finalStatus.batches,
};
process.stderr.write(`  ${JSON.stringify(backPressure)}\n`);

// 3. Soak.
const soakMinutes = Number(o.soakMinutes);
let soak: { minutes: number; samples: { atSeconds: number; proofs: number; rssMiB: number }[] } | undefined;
if (soakMinutes > 0) {
  process.stderr.write(`phase 3: soak for ${soakMinutes} min\n`);
  service = await startService(join(work, "soak"), genesisFile, queueLimit);
  const samples: { atSeconds: number; proofs: number; rssMiB: number }[] = [];
  const soakStart = performance.now();
  const soakEnd = soakStart + soakMinutes * 60_000;
  const sample = async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
    samples.push({
      atSeconds: round((performance.now() - soakStart) / 1000),
      proofs: value(/^cluster_proofs_total\{status="proved"\} (\d+)/m),
      rssMiB: round(value(/^process_resident_memory_bytes (\d+)/m) / 2 ** 20),
    });
  };
  const sampler = setInterval(() => void sample(), 15_000);
  let i = 0;
  while (performance.now() < soakEnd && i < ops.length) {
    const s = await post(service.url, ops[i]);
    if (s.status === 429) await new Promise((r) => setTimeout(r, 200));
    else i++;
  }
  clearInterval(sampler);
  await sample();
  service.child.kill("SIGTERM");
  soak = { minutes: soakMinutes, samples };
  process.stderr.write(`  ${JSON.stringify(samples.at(-1))} (first ${JSON.stringify(samples[0])})\n`);
}

const results = {
  command: ["npm run bench:service", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  instance: { name: inst.name, members: inst.members, depth: inst.depth, slots: inst.slots },
  lanes,
  admission,
  backPressure,
  soak,
};
mkdirSync(o.out, { recursive: true });
writeFileSync(join(o.out, "service-load.json"), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `admission: ${admission.acceptedPerSecond} accepted operations/s (p50 ${admission.latencyMs.p50} ms, p99 ${admission.latencyMs.p99} ms, ${lanes} lanes)\n` +
    `back-pressure: ${backPressure.requestsPerSecond} requests/s answered for ${backPressure.seconds} s, ${backPressure.statuses["429"] ?? 0} x 429, ` +
    `largest unsettled count ${maxUnsettled} of bound ${queueLimit}${backPressure.boundHeld ? "" : " (BOUND EXCEEDED)"}\n` +
    `wrote ${join(o.out, "service-load.json")}\n`,
);
if (!backPressure.boundHeld) process.exitCode = 5;
