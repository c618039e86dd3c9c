import Table from "cli-table3";
import type { RunReport } from "../pipeline/run-report.js";
import { INSECURE_ZKEY_LABEL, INSECURE_ZKEY_TEXT } from "../setup/zkey-guard.js";

const n = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ms = (x: number) => `${Math.round(x)} ms`;

/**
 * The run summary as a terminal table (cli-table3): batches, operations, messages, L1 deposits,
 * withdrawals, claims, escrow per member, published data, constraints, proof time per batch, gas per
 * settlement, rejected lines, and the roots line; first, in capitals, a
 * warning row when the zkey has no secret phase-2 contribution (accepted with --insecure-dev-zkey).
 */
export function formatRunSummary(r: RunReport): string {
  const t = new Table({ head: ["", "value"], style: { head: [], border: [] } });
  const i = r.instance;
  const gasPerTx = r.settlement.gasPerTransaction.map((g) => n(Number(g)));
  if (!r.phase2.secure) t.push([INSECURE_ZKEY_LABEL, INSECURE_ZKEY_TEXT]);
  t.push(
    ["instance", `${i.name}: N=${i.members} members, D=${i.depth}, B=${i.slots} slots, Δ=${i.deltaTicks} ticks`],
    ["constraints", `${n(i.constraints)} per batch proof`],
    [
      "operations",
      `${n(r.workload.accepted)} executed of ${n(r.workload.lines)} lines (${n(r.workload.transfers)} TRANSFER, ${n(r.workload.messages)} SEND, ${n(r.assets.withdrawals.count)} WITHDRAW, ${n(r.assets.native?.mints ?? 0)} MINT), ${n(r.workload.rejected)} rejected`,
    ],
    [
      "L1 deposits",
      `${n(r.assets.deposits.count)} (${r.assets.deposits.amount} wei): ${n(r.assets.deposits.credited)} credited, ${n(r.assets.deposits.refunded)} refunded; gas per deposit ${n(r.assets.deposits.gasPerDeposit)}`,
    ],
    [
      "withdrawals",
      `${n(r.assets.withdrawals.count)} settled (${r.assets.withdrawals.amount} wei owed on L1); gas per withdrawal ${n(r.settlement.gasPerBatch / i.slots)} (a slot's share of its settlement)`,
    ],
    ["claims", `${n(r.assets.claims.count)} on L1 (${r.assets.claims.amount} wei); gas per claim ${n(r.assets.claims.gasPerClaim)}`],
    ["escrow per member", r.assets.escrow.map((e, c) => `chain ${c}: ${e} wei`).join(", ")],
    ...(r.assets.native ? [nativeRow(r.assets.native)] : []),
    [
      "published data",
      `${n(r.assets.pubdataBytesPerBatch)} bytes per batch, ${r.assets.pubdataBytesPerOperation.toFixed(1)} per operation or deposit (calldata, bound by pubdataCommitment)`,
    ],
    ["cross-chain messages", `${n(r.workload.messages)} sent and delivered (each in the slot of its SEND)`],
    ["batches", n(r.batches)],
    [
      "proof time per batch",
      `median ${s(r.proving.perBatchMsMedian)} (witness ${s(r.proving.witnessMsMedian)} + Groth16 ${s(r.proving.proveMsMedian)}), max ${s(r.proving.perBatchMsMax)}`,
    ],
    ["proving wall time", `${s(r.proving.wallMs)} with ${r.proving.workers} workers, ${r.proving.backend}`],
    ["settlements", `${r.settlement.transactions} transactions of up to ${r.settlement.batchesPerTransaction} batches`],
    ["gas per settlement", gasPerTx.length ? gasPerTx.join(", ") : "-"],
    ["gas per batch", `${n(r.settlement.gasPerBatch)} (average)`],
    ["latency to L1", `median ${s(r.latencyMs.median)}, p95 ${s(r.latencyMs.p95)} (operation arrival to settlement receipt)`],
    [
      "fast confirmation",
      r.governance.fastConfirmed > 0
        ? `${n(r.governance.fastConfirmed)} of ${n(r.batches)} batches signed by governors holding 2/3 of the stake or more (${r.governance.governors} signed); batch close to fast confirmation median ${ms(r.governance.toFastConfirmationMs.median)}, p95 ${ms(r.governance.toFastConfirmationMs.p95)}, to L1 settlement median ${s(r.governance.toSettlementMs.median)}, p95 ${s(r.governance.toSettlementMs.p95)}`
        : "none (no governors: they run on the job's own devnet, --governors)",
    ],
  );
  const lines = [t.toString()];
  if (r.rejected.length > 0) {
    lines.push("", "Rejected lines (nothing else was lost):");
    for (const x of r.rejected) lines.push(`  line ${x.line}: ${x.field}: ${x.reason}`);
  }
  lines.push(
    "",
    r.roots.match
      ? `roots: every member's on-chain root equals the executor's (${r.roots.onChain.length} of ${r.roots.onChain.length} members)`
      : `roots: MISMATCH: on-chain ${r.roots.onChain.join(", ")} vs executor ${r.roots.executor.join(", ")}`,
  );
  lines.push(`report: ${r.store}/report.json`);
  return lines.join("\n");
}

/** The summary row of a run's cluster-native token: what was minted, and the escrow each other member holds of it. */
function nativeRow(t: NonNullable<RunReport["assets"]["native"]>): [string, string] {
  const held = t.escrow.flatMap((e, c) => (c === t.ownerChain ? [] : [`chain ${c}: ${e}`])).join(", ");
  return ["native token", `token ${t.tokenId} of chain ${t.ownerChain}: ${t.mints} MINT (${t.minted} made); escrow off its owner: ${held}`];
}
