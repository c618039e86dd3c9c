#!/usr/bin/env node
/**
 * `npm run bench`: proof throughput, latency, constraints and gas of the pipeline on this machine,
 * measured on the same batches. Quick mode by default (under 10 minutes on 2 cores from a clean clone);
 * `npm run bench -- --full` for the instance sweep. Writes bench/results/<mode>.json and .svg and prints
 * tables. The project's native prover (native/, where it built) is measured beside raw snarkjs and the
 * snarkjs pool on the same batches: raw in one process (1 thread and a thread per core, with its phase
 * timings) and in the pool (2 workers x 1 thread, 1 worker x 2 threads). `--prover snarkjs` leaves it
 * out; `--prover rapidsnark --prover-path PATH` adds a rapidsnark-compatible binary.
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { cpus } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { addProverBackendFlags, proverBackend, proverBackendFields, proverPathRule } from "../config/prover-options.js";
import type { ProverBackend } from "../prover/prover-pool.js";
import { REPO_ROOT, loadInstance } from "../circuits/manifest.js";
import { compileInstance } from "../circuits/compile.js";
import { r1csInfo } from "../circuits/r1cs-info.js";
import { runWithProgress } from "../phases/progress.js";
import type { Phase, PhaseProgress } from "../phases/phase.js";
import { releaseSnarkjsCurve } from "../prover/release-curve.js";
import { loadNativeAddon } from "../prover/native-prover.js";
import { prepareInstance } from "../setup/prepare-instance.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { benchPlan, type PoolSetting } from "./bench-plan.js";
import { sweepChartSvg } from "./bench-chart.js";
import { benchTables } from "./bench-tables.js";
import {
  benchWorkload,
  measureAssetGas,
  measurePipeline,
  measureSettlementGas,
  openBenchL1,
  rawNativeProve,
  rawSnarkjsProve,
  type BenchL1,
  type PipelineMeasurement,
} from "./measurements.js";
import { measureGovernorGas } from "./governor-gas.js";
import { measureGovernanceGas } from "./governance-gas.js";
import type { BenchResults, InstanceResult } from "./bench-results.js";

const runFile = promisify(execFile);

const program = addProverBackendFlags(
  new Command("bench")
    .description("Benchmark proof throughput, latency, constraints and gas; writes bench/results/<mode>.{json,svg}")
    .option("--full", "full mode: the instance sweep N in 2, 4, 8 and B in 2, 4 (about 40 minutes on 2 cores)")
    .option("--out <dir>", "results folder", join(REPO_ROOT, "bench/results")),
  "Groth16 provers beside the snarkjs pool: native (the default where the addon built), snarkjs (snarkjs only), rapidsnark (also a binary)",
).parse();
const opts = program.opts<{ full?: boolean; prover?: string; proverPath?: string; nativeThreads?: string; out: string }>();
/** The extra backend to measure (the shared prover option group's backend), or undefined. */
let extraBackend: ProverBackend | undefined;
const backendOptions = z
  .object(proverBackendFields)
  .refine(...proverPathRule)
  .safeParse({ prover: opts.prover, proverPath: opts.proverPath, nativeThreads: opts.nativeThreads });
if (!backendOptions.success) {
  const issue = backendOptions.error.issues[0];
  program.error(`error: --${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`);
} else extraBackend = backendOptions.data.prover === "rapidsnark" ? proverBackend(backendOptions.data) : undefined;
/** Whether the native prover is measured: unless `--prover snarkjs`; `--prover native` where it did not build is an error. */
const nativeLoad = loadNativeAddon();
const measureNative = nativeLoad.ok && opts.prover !== "snarkjs";
if (!nativeLoad.ok && opts.prover === "native") program.error(`error: --prover: native is unavailable: ${nativeLoad.reason}`);
if (!nativeLoad.ok && opts.prover === undefined) console.warn(`${nativeLoad.reason}; the bench measures snarkjs only`);
const cores = cpus().length;

const plan = benchPlan(opts.full ? "full" : "quick");
/** A cluster of 3 and the same cluster with a fourth member: joint governance's ADD_MEMBER (tiny: D = 4, B = 2). */
const MEMBER_ADDITION = ["member-add-n3", "member-add-n4"] as const;
const instances = [...new Set([plan.detail, ...plan.sweep, ...MEMBER_ADDITION])];
const prepared = new Map<string, PreparedInstance>();
const results = new Map<string, InstanceResult>();
let l1: BenchL1 | undefined;
let extrapolation: BenchResults["extrapolation"];
let assets: BenchResults["assets"] | undefined;
let governors: BenchResults["governors"] | undefined;
let fastConfirmation: BenchResults["fastConfirmation"] | undefined;
let governance: BenchResults["governance"] | undefined;
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Writes what is measured so far to <out>/<mode>.partial.json, so a failed or interrupted run keeps it. */
function writePartial(): void {
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, `${plan.mode}.partial.json`), `${JSON.stringify({ plan, results: Object.fromEntries(results) }, null, 2)}\n`);
}

async function measureInstance(name: string, settings: PoolSetting[], withGasAtOne: boolean, status: (l: string | PhaseProgress) => void): Promise<void> {
  const p = prepared.get(name)!;
  status("executing the workload");
  const executed = await benchWorkload(p, plan.batches, `bench:${name}`);
  l1 ??= await openBenchL1();
  status(`baseline: raw snarkjs, ${plan.batches} batches one after another`);
  const raw = await rawSnarkjsProve(p, executed);
  const rawTotalMs = raw.reduce((a, r) => a + r.witnessMs + r.proveMs, 0);
  const native: NonNullable<InstanceResult["native"]> = [];
  if (measureNative) {
    const runs = [...new Set([1, cores])].map((threads) => ({ threads, precompute: false }));
    if (name === plan.detail) runs.push({ threads: 1, precompute: true });
    for (const { threads, precompute } of runs) {
      status(`native prover: ${plan.batches} batches one after another, ${threads} thread(s) per proof${precompute ? ", fixed-base tables" : ""}`);
      const { times, ...run } = await rawNativeProve(p, executed, threads, precompute);
      const mean = (f: (t: (typeof times)[number]) => number) => times.reduce((a, t) => a + f(t), 0) / times.length;
      const perBatchMs = times.map((t) => t.witnessMs + t.proveMs);
      native.push({
        ...run,
        perBatchMs,
        proofsPerMinute: (60_000 * times.length) / perBatchMs.reduce((a, b) => a + b, 0),
        mean: {
          witnessMs: mean((t) => t.witnessMs),
          proveMs: mean((t) => t.proveMs),
          abcMs: mean((t) => t.abcMs),
          nttMs: mean((t) => t.nttMs),
          msmG1Ms: mean((t) => t.msmG1Ms),
          msmG2Ms: mean((t) => t.msmG2Ms),
        },
        windows: { g1: times[0].windowG1, g2: times[0].windowG2, h: times[0].windowH },
      });
    }
  }
  const pipelines: PipelineMeasurement[] = [];
  for (const s of settings) {
    const label = `pipeline: ${s.workers} worker(s), snarkjs threads ${s.singleThread ? "off" : "on"}`;
    pipelines.push(
      await measurePipeline(p, executed, l1, s, plan.settleBatches, undefined, (x) =>
        status({ label: `${label}: batches proven (${x.settled} settled)`, done: x.proven, total: x.total }),
      ),
    );
  }
  if (extraBackend?.kind === "rapidsnark" && name === plan.detail) {
    pipelines.push(
      await measurePipeline(p, executed, l1, plan.defaultSetting, plan.settleBatches, extraBackend, (x) =>
        status({ label: `pipeline: rapidsnark (${opts.proverPath}): batches proven (${x.settled} settled)`, done: x.proven, total: x.total }),
      ),
    );
  }
  if (measureNative) {
    // one proof per core (workers x 1 thread) and one proof at a time with a thread per core
    const nativeSettings =
      name === plan.detail
        ? [
            { workers: cores, threads: 1 },
            { workers: 1, threads: cores },
          ]
        : [{ workers: cores, threads: 1 }];
    for (const ns of nativeSettings) {
      pipelines.push(
        await measurePipeline(
          p,
          executed,
          l1,
          { workers: ns.workers, singleThread: ns.threads === 1 },
          plan.settleBatches,
          { kind: "native", threads: ns.threads },
          (x) =>
            status({
              label: `pipeline: native, ${ns.workers} worker(s) x ${ns.threads} thread(s): batches proven (${x.settled} settled)`,
              done: x.proven,
              total: x.total,
            }),
        ),
      );
    }
  }
  const proofs = pipelines[0].proofs.map((x) => x.proof);
  status("gas on anvil");
  const gasAtK = await measureSettlementGas(p, executed, proofs, l1, plan.settleBatches);
  const gasAtOne = withGasAtOne ? await measureSettlementGas(p, executed, proofs, l1, 1) : undefined;
  results.set(name, {
    instance: {
      name,
      members: p.inst.members,
      depth: p.inst.depth,
      slots: p.inst.slots,
      deltaTicks: p.inst.deltaTicks,
      constraints: p.r1cs.constraints,
      publicInputs: p.r1cs.publicInputs,
    },
    batches: executed.batches.length,
    operations: executed.accepted,
    crossChainMessages: executed.messages,
    native: measureNative ? native : undefined,
    baseline: {
      perBatchMs: raw.map((r) => r.witnessMs + r.proveMs),
      totalMs: rawTotalMs,
      witnessMsMean: raw.reduce((a, r) => a + r.witnessMs, 0) / raw.length,
      proveMsMean: raw.reduce((a, r) => a + r.proveMs, 0) / raw.length,
      proofsPerMinute: (60_000 * raw.length) / rawTotalMs,
    },
    pipelines: pipelines.map(({ proofs: pr, ...m }) => ({
      ...m,
      witnessMsMean: pr.reduce((a, x) => a + x.witnessMs, 0) / pr.length,
      proveMsMean: pr.reduce((a, x) => a + x.proveMs, 0) / pr.length,
      speedupVsBaseline: m.proofsPerMinute / ((60_000 * raw.length) / rawTotalMs),
      overheadVsRaw: m.workers === 1 && m.singleThread && m.backend === "snarkjs" ? m.provingWallMs / rawTotalMs - 1 : undefined,
    })),
    gas: {
      atOnePerTransaction: gasAtOne && {
        gasPerTransaction: gasAtOne.gasPerTransaction,
        gasPerBatch: gasAtOne.gasPerBatch,
        gasPerOperation: gasAtOne.gasPerBatch / p.inst.slots,
      },
      atKPerTransaction: {
        k: plan.settleBatches,
        gasPerTransaction: gasAtK.gasPerTransaction,
        gasPerBatch: gasAtK.gasPerBatch,
        gasPerOperation: gasAtK.gasPerBatch / p.inst.slots,
      },
    },
  });
  writePartial();
  status(`${seconds(rawTotalMs / raw.length)} s per batch raw snarkjs; ${Math.round(gasAtK.gasPerBatch).toLocaleString("en-US")} gas per batch`);
}

const phases: Phase<object>[] = [
  ...instances.map(
    (name): Phase<object> => ({
      title: `Set up ${name} (cached after the first run)`,
      run: async (_c, status) => {
        // In a child process (`cluster-settle setup`): the set-up's memory and curve threads stay out of
        // the process that measures; here the set-up is then read from its cache.
        status("cluster-settle setup");
        await runFile(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), "setup", "--instance", name, "--json"], { maxBuffer: 16 << 20 });
        prepared.set(name, await prepareInstance(name));
        status(`${prepared.get(name)!.r1cs.constraints.toLocaleString("en-US")} constraints`);
      },
    }),
  ),
  {
    title: "Constraints per message at D = 16 (compile only) for the 2^20 extrapolation",
    run: async (_c, status) => {
      const [one, two] = await Promise.all(
        ["msg-d16-b1", "msg-d16-b2"].map(async (n) => (await r1csInfo((await compileInstance(loadInstance(n))).r1cs)).constraints),
      );
      const perMessage = two - one;
      const fixed = one - perMessage;
      const maxSlots = Math.floor((2 ** 20 - fixed) / perMessage);
      extrapolation = {
        members: 4,
        depth: 16,
        constraintsPerMessage: perMessage,
        fixedConstraints: fixed,
        ceremonyPower: 20,
        maxSlots,
        gasPerBatch: 0,
        gasPerMessage: 0,
        extrapolated: true,
      };
      status(`${perMessage.toLocaleString("en-US")} per message; a 2^20 ceremony holds B = ${maxSlots}`);
    },
  },
  {
    title: `Detail: ${plan.detail}: baseline, ${plan.poolSettings.length} pool settings, gas at 1 and ${plan.settleBatches} batches per transaction`,
    run: async (_c, status) => measureInstance(plan.detail, plan.poolSettings, true, status),
  },
  {
    title: `Assets at ${plan.detail}: gas of deposits, a withdrawal, an exodus exit, a claim and the published data`,
    run: async (_c, status) => {
      const p = prepared.get(plan.detail)!;
      l1 ??= await openBenchL1();
      assets = await measureAssetGas(p, await benchWorkload(p, 1, `bench-assets:${plan.detail}`), l1);
      status(
        `deposit ${assets.depositEth.toLocaleString("en-US")} gas, withdrawal ${assets.withdrawal.toLocaleString("en-US")} gas, exit ${assets.exodusExit.toLocaleString("en-US")} gas`,
      );
    },
  },
  {
    title: `Governors at ${plan.detail}: gas of a bond, a confirmation per signature, slashes and a challenge`,
    run: async (_c, status) => {
      const p = prepared.get(plan.detail)!;
      l1 ??= await openBenchL1();
      governors = await measureGovernorGas(p, await benchWorkload(p, 1, `bench-governors:${plan.detail}`), l1);
      status(`confirm ${governors.perSignature.toLocaleString("en-US")} gas per signature, slash ${governors.slashContradicted.toLocaleString("en-US")} gas`);
    },
  },
  {
    title: `Time to fast confirmation at ${plan.detail}: the pipeline with three dev governors in process`,
    run: async (_c, status) => {
      const p = prepared.get(plan.detail)!;
      l1 ??= await openBenchL1();
      const backend: ProverBackend = measureNative ? { kind: "native", threads: 1 } : { kind: "snarkjs" };
      const workload = await benchWorkload(p, plan.batches, `bench-fast-confirmation:${plan.detail}`);
      const run = await measurePipeline(
        p,
        workload,
        l1,
        plan.defaultSetting,
        plan.settleBatches,
        backend,
        (x) => status({ label: "batches proven and settled, governors signing", done: x.proven, total: x.total }),
        3,
      );
      fastConfirmation = { instance: plan.detail, backend: run.backend, ...run.fastConfirmation! };
      status(
        `fast confirmation median ${seconds(fastConfirmation.toFastConfirmationMs.median)} s, settlement median ${seconds(fastConfirmation.toSettlementMs.median)} s after a batch's close`,
      );
    },
  },
  {
    title: "Joint governance: gas of a proposal, its approvals, adding a member (N = 3 -> 4) and the other actions",
    run: async (_c, status) => {
      const [from, to] = MEMBER_ADDITION.map((name) => prepared.get(name)!);
      l1 ??= await openBenchL1();
      governance = await measureGovernanceGas(from, to, await benchWorkload(from, 1, "bench-governance"), l1);
      status(
        `ADD_MEMBER executes in ${governance.executeAddMember.toLocaleString("en-US")} gas, REMOVE_MEMBER in ${governance.executeRemoveMember.toLocaleString("en-US")} gas`,
      );
    },
  },
  ...plan.sweep
    .filter((n) => n !== plan.detail)
    .map(
      (name): Phase<object> => ({
        title: `Sweep: ${name}: baseline and the default pool setting`,
        run: async (_c, status) => measureInstance(name, [plan.defaultSetting], false, status),
      }),
    ),
];

try {
  await runWithProgress(phases, {});
  const detail = results.get(plan.detail)!;
  const gasN4 = [...results.values()].find((r) => r.instance.members === 4)?.gas.atKPerTransaction.gasPerBatch ?? detail.gas.atKPerTransaction.gasPerBatch;
  extrapolation = { ...extrapolation!, gasPerBatch: gasN4, gasPerMessage: gasN4 / extrapolation!.maxSlots };
  const out: BenchResults = {
    mode: plan.mode,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", node: process.version },
    plan,
    detail,
    assets: assets!,
    governors: governors!,
    fastConfirmation: fastConfirmation!,
    governance: governance!,
    sweep: plan.sweep.map((n) => results.get(n)!),
    extrapolation: extrapolation!,
  };
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, `${plan.mode}.json`), `${JSON.stringify(out, null, 2)}\n`);
  rmSync(join(opts.out, `${plan.mode}.partial.json`), { force: true });
  const svg = await sweepChartSvg(
    out.sweep.map((r) => {
      const best = r.pipelines.find(
        (m) => m.backend === "snarkjs" && m.workers === plan.defaultSetting.workers && m.singleThread === plan.defaultSetting.singleThread,
      )!;
      return {
        instance: r.instance.name,
        members: r.instance.members,
        slots: r.instance.slots,
        depth: r.instance.depth,
        operationsPerSecond: best.operationsPerSecond,
        latencyMedianS: best.latencyMs.median / 1000,
        latencyP95S: best.latencyMs.p95 / 1000,
      };
    }),
    `cluster-settle bench (${plan.mode}), ${out.machine.cpus} cores, ${out.date.slice(0, 10)}`,
  );
  writeFileSync(join(opts.out, `${plan.mode}.svg`), svg);
  process.stdout.write(`${benchTables(out)}\nwrote ${join(opts.out, `${plan.mode}.json`)} and ${plan.mode}.svg\n`);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await l1?.close();
  await releaseSnarkjsCurve();
}
