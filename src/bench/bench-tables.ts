import Table from "cli-table3";
import type { BenchResults } from "./bench-results.js";

const n = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const s = (ms: number) => `${n(ms / 1000, 2)} s`;
const style = { head: [], border: [] };

/** The bench results as terminal tables (cli-table3): detail instance, sweep, gas, extrapolation. */
export function benchTables(r: BenchResults): string {
  const d = r.detail;
  const i = d.instance;
  const detail = new Table({
    head: [
      "pool setting",
      "proving wall",
      "proofs/min",
      "ops/s",
      "x baseline",
      "overhead",
      "witness / prove",
      "latency p50 / p95",
      "worker heap+ext",
      "process peak RSS",
    ],
    style,
  });
  detail.push([
    "raw snarkjs, 1 process, single-threaded (baseline)",
    s(d.baseline.totalMs),
    n(d.baseline.proofsPerMinute, 2),
    "",
    "1.00",
    "",
    `${s(d.baseline.witnessMsMean)} / ${s(d.baseline.proveMsMean)}`,
    "",
    "",
    "",
  ]);
  for (const p of d.pipelines) {
    detail.push([
      `${p.backend}: ${p.workers} worker(s), threads ${p.singleThread ? "off" : "on"}`,
      s(p.provingWallMs),
      n(p.proofsPerMinute, 2),
      n(p.operationsPerSecond, 2),
      n(p.speedupVsBaseline, 2),
      p.overheadVsRaw === undefined ? "" : `${n(100 * p.overheadVsRaw, 1)}%`,
      `${s(p.witnessMsMean)} / ${s(p.proveMsMean)}`,
      `${s(p.latencyMs.median)} / ${s(p.latencyMs.p95)}`,
      `${n(p.peakWorkerMemoryMiB)} MiB`,
      `${n(p.processPeakRssMiB)} MiB`,
    ]);
  }
  const sweep = new Table({
    head: [
      "instance",
      "N",
      "D",
      "B",
      "constraints",
      "per op",
      "raw s/batch",
      "ops/s (pool)",
      "x baseline",
      "latency p50 / p95",
      `gas/batch (k=${d.gas.atKPerTransaction.k})`,
      "gas/op",
    ],
    style,
  });
  for (const x of r.sweep) {
    const best = x.pipelines.find(
      (p) => p.backend === "snarkjs" && p.workers === r.plan.defaultSetting.workers && p.singleThread === r.plan.defaultSetting.singleThread,
    )!;
    sweep.push([
      x.instance.name,
      x.instance.members,
      x.instance.depth,
      x.instance.slots,
      n(x.instance.constraints),
      n(x.instance.constraints / x.instance.slots),
      n(x.baseline.totalMs / x.batches / 1000, 2),
      n(best.operationsPerSecond, 2),
      n(best.speedupVsBaseline, 2),
      `${s(best.latencyMs.median)} / ${s(best.latencyMs.p95)}`,
      n(x.gas.atKPerTransaction.gasPerBatch),
      n(x.gas.atKPerTransaction.gasPerOperation),
    ]);
  }
  const g = d.gas;
  const e = r.extrapolation;
  const a = r.assets;
  const assets = new Table({ head: ["asset path (L1, anvil)", "gas"], style });
  assets.push(
    ["deposit ETH (depositEth)", n(a.depositEth)],
    ["deposit ERC-20 (depositErc20, after approve)", n(a.depositErc20)],
    [`exodus exit (D=${i.depth}: leaf, Merkle path, EdDSA-Poseidon on L1)`, n(a.exodusExit)],
    ["claim ETH (claim)", n(a.claimEth)],
    [`published data per slot (${a.pubdataBytesPerBatch / i.slots} bytes: Poseidon(6) + calldata)`, n(a.pubdataGasPerSlot)],
    ["published data per byte", n(a.pubdataGasPerByte)],
  );
  return [
    `Detail: ${i.name} (N=${i.members}, D=${i.depth}, B=${i.slots}; ${n(i.constraints)} constraints, ${i.publicInputs} public inputs), ${d.batches} batches of ${i.slots} operations (${d.crossChainMessages} cross-chain)`,
    detail.toString(),
    `gas per settled batch: ${n(g.atOnePerTransaction?.gasPerBatch ?? 0)} at 1 batch per transaction, ${n(g.atKPerTransaction.gasPerBatch)} at ${g.atKPerTransaction.k}; per operation ${n(g.atKPerTransaction.gasPerOperation)}`,
    "",
    `Assets at ${i.name}: every slot costs the same constraints whatever it holds (TRANSFER, SEND, WITHDRAW, deposit): ${n(i.constraints / i.slots)} per slot with the batch's share`,
    assets.toString(),
    "",
    `Sweep (${r.plan.defaultSetting.workers} workers, single-threaded snarkjs: the default setting)`,
    sweep.toString(),
    "",
    `Extrapolated (not measured): N=${e.members}, D=${e.depth}: ${n(e.constraintsPerMessage)} constraints per message (SEND + delivery) + ${n(e.fixedConstraints)} per batch; ` +
      `a 2^${e.ceremonyPower} ceremony holds B = ${e.maxSlots}; at ${n(e.gasPerBatch)} gas per batch that is ${n(e.gasPerMessage)} gas per message.`,
  ].join("\n");
}
