import Table from "cli-table3";
import type { BenchResults } from "./bench-results.js";

const n = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const s = (ms: number) => `${n(ms / 1000, 2)} s`;
const style = { head: [], border: [] };

/**
 * Estimated Fq multiplications of one proof's MSMs (Pippenger, signed windows, batched affine buckets):
 * per point and window ~6.6 (an affine addition with its share of the batch inversion, and some
 * conflicting Jacobian ones), per bucket ~27 (a mixed and a full Jacobian addition in the running sum);
 * G2 counts 3 per Fq2 multiplication. G1: A, B1, C (nVars each, about) and H (domain size); G2: B (nVars,
 * points at infinity included, so an upper bound).
 */
export function msmMulEstimate(nVars: number, domainSize: number, windowG1: number, windowG2: number): number {
  const perMsm = (points: number, c: number) => (Math.floor(254 / c) + 1) * (points * 6.6 + 2 ** (c - 1) * 27);
  return 3 * perMsm(nVars, windowG1) + perMsm(domainSize, windowG1) + 3 * perMsm(nVars, windowG2);
}

/** One line: the MSMs' CPU floor on this machine, estimated multiplications x measured ns per multiplication. */
function nativeFloor(x: NonNullable<BenchResults["detail"]["native"]>[number]): string {
  const muls = msmMulEstimate(x.nVars, x.domainSize, x.windows.g1, x.windows.g2);
  const floorMs = (muls * x.fieldMulNs.throughputNs) / 1e6;
  return (
    `CPU floor of the MSMs (estimate): ${n(muls / 1e6, 1)} M Fq multiplications x ${n(x.fieldMulNs.throughputNs, 1)} ns (latency ${n(x.fieldMulNs.latencyNs, 1)} ns) = ` +
    `${s(floorMs)} per proof per core, ${n(60_000 / floorMs, 1)} proofs/min per core (measured MSMs: ${s(x.mean.msmG1Ms + x.mean.msmG2Ms)})`
  );
}

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
  const rawPpm = d.baseline.proofsPerMinute;
  for (const x of d.native ?? []) {
    detail.push([
      `raw native, 1 process, ${x.threads} thread(s) per proof${x.precompute ? ", fixed-base tables" : ""}`,
      s(x.perBatchMs.reduce((a, b) => a + b, 0)),
      n(x.proofsPerMinute, 2),
      "",
      n(x.proofsPerMinute / rawPpm, 2),
      "",
      `${s(x.mean.witnessMs)} / ${s(x.mean.proveMs)}`,
      "",
      "",
      `${n(x.peakRssBytes / 2 ** 20)} MiB`,
    ]);
  }
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
  const phases = new Table({
    head: ["native prover", "per proof", "witness (wasm)", "a,b,c sums", "NTT / H", "MSM G1 (A, B1, C, H)", "MSM G2 (B)", "windows G1/G2/H", "zkey in memory"],
    style,
  });
  for (const x of d.native ?? []) {
    const m = x.mean;
    phases.push([
      `${x.threads} thread(s)${x.precompute ? ", tables" : ""}`,
      s(m.witnessMs + m.proveMs),
      s(m.witnessMs),
      s(m.abcMs),
      s(m.nttMs),
      s(m.msmG1Ms),
      s(m.msmG2Ms),
      `${x.windows.g1}/${x.windows.g2}/${x.windows.h} bits`,
      `${n(x.zkeyBytes / 2 ** 20)} MiB (${x.precompute ? "parsed and tables built" : "parsed"} in ${s(x.parseMs)})`,
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
    [`withdrawal (settled WITHDRAW over a TRANSFER, per slot; ${i.slots} of each in one batch, each to its own L1 address)`, n(a.withdrawal)],
    [`settle of a batch of ${i.slots} WITHDRAWs / of ${i.slots} TRANSFERs`, `${n(a.settleWithdrawBatch)} / ${n(a.settleTransferBatch)}`],
  );
  const gv = r.governors;
  const governors = new Table({ head: ["governor action (GovernorRegistry, anvil)", "gas"], style });
  governors.push(
    ["bond (join the set)", n(gv.bond)],
    ["confirm with 1 signature", n(gv.confirmOneSignature)],
    [`confirm with ${gv.signatures} signatures`, n(gv.confirmManySignatures)],
    ["per signature check (ecrecover, stake, order)", n(gv.perSignature)],
    ["slash a claim the settled proof contradicts", n(gv.slashContradicted)],
    ["slash an equivocation (two signed claims)", n(gv.slashEquivocation)],
    ["challenge a fast confirmation", n(gv.challenge)],
    ["resolve a challenge (upheld, 1 signer slashed)", n(gv.resolveChallenge)],
  );
  const gn = r.governance;
  const governance = new Table({ head: [`joint governance action (ClusterGovernance, anvil; ${gn.governors} governors, 2/3 = ${gn.quorum})`, "gas"], style });
  governance.push(
    ["propose ADD_MEMBER (and the proposer's approval)", n(gn.proposeAddMember)],
    ["approve (short of 2/3)", n(gn.approve)],
    ["approve reaching 2/3 (queues the timelock)", n(gn.approveToQuorum)],
    [`execute ADD_MEMBER (N = ${gn.members.from} -> ${gn.members.to}: verifier arity, Poseidon of the roots on L1)`, n(gn.executeAddMember)],
    ["execute SET_INSTANCE (a new verifier of the same N)", n(gn.executeSetInstance)],
    ["execute SET_DEADLINES", n(gn.executeSetDeadlines)],
  );
  const fc = r.fastConfirmation;
  return [
    `Detail: ${i.name} (N=${i.members}, D=${i.depth}, B=${i.slots}; ${n(i.constraints)} constraints, ${i.publicInputs} public inputs), ${d.batches} batches of ${i.slots} operations (${d.crossChainMessages} cross-chain)`,
    detail.toString(),
    ...(d.native?.length ? ["Where the native prover's time goes (means over the batches)", phases.toString(), nativeFloor(d.native[0])] : []),
    `gas per settled batch: ${n(g.atOnePerTransaction?.gasPerBatch ?? 0)} at 1 batch per transaction, ${n(g.atKPerTransaction.gasPerBatch)} at ${g.atKPerTransaction.k}; per operation ${n(g.atKPerTransaction.gasPerOperation)}`,
    "",
    `Assets at ${i.name}: every slot costs the same constraints whatever it holds (TRANSFER, SEND, WITHDRAW, MINT, deposit): ${n(i.constraints / i.slots)} per slot with the batch's share`,
    assets.toString(),
    "",
    `Governors: fast confirmation and slashing. Time from a batch's close (${fc.instance}, ${fc.backend}, ${fc.governors} dev governors in process): ` +
      `to fast confirmation median ${s(fc.toFastConfirmationMs.median)}, p95 ${s(fc.toFastConfirmationMs.p95)} (${fc.fastConfirmed} of ${fc.batches} batches); ` +
      `to L1 settlement median ${s(fc.toSettlementMs.median)}, p95 ${s(fc.toSettlementMs.p95)}`,
    governors.toString(),
    "",
    governance.toString(),
    "",
    `Sweep (${r.plan.defaultSetting.workers} workers, single-threaded snarkjs: the default setting)`,
    sweep.toString(),
    "",
    `Extrapolated (not measured): N=${e.members}, D=${e.depth}: ${n(e.constraintsPerMessage)} constraints per message (SEND + delivery) + ${n(e.fixedConstraints)} per batch; ` +
      `a 2^${e.ceremonyPower} ceremony holds B = ${e.maxSlots}; at ${n(e.gasPerBatch)} gas per batch that is ${n(e.gasPerMessage)} gas per message.`,
  ].join("\n");
}
