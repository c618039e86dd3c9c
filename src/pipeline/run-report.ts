import type { ClusterNode } from "../core/cluster-node.js";
import type { Groth16Keys } from "../setup/groth16-setup.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import type { Phase2Check } from "../setup/zkey-guard.js";
import type { Genesis } from "../protocol/genesis.js";
import { decodeOperation, isMalformed, operationId } from "../protocol/operation-codec.js";
import { quantile } from "../stats/quantile.js";
import type { RunStore } from "../store/run-store.js";
import { PUBDATA_WORDS, decodeBatchPubdata } from "../protocol/pubdata.js";

/** A workload line that did not execute: its 1-based line number, the field at fault and why. */
export interface RejectedLine {
  line: number;
  field: string;
  reason: string;
}

/** What the run did on L1 with its assets (kept in its progress, so `--resume` reports it whole). */
export interface RunAssets {
  /** Gas of each deposit transaction the run sent. */
  depositGas: string[];
  /** Claims the run's L1 user made after the settlement: amount (wei) and gas of each. */
  claims: { tokenId: string; amount: string; gasUsed: string }[];
}

/** Summary of one run (written as report.json, printed as a table). Times in milliseconds. */
export interface RunReport {
  instance: { name: string; members: number; depth: number; slots: number; deltaTicks: number; constraints: number };
  /** The zkey's phase 2 as the guard read it; `secure: false` only when run with --insecure-dev-zkey. */
  phase2: Pick<Phase2Check, "secure" | "contributions"> & { source: Groth16Keys["source"] };
  workload: { lines: number; accepted: number; rejected: number; transfers: number; messages: number };
  batches: number;
  /** wallMs: from the first batch closed to the last proof stored. */
  proving: {
    workers: number;
    singleThread: boolean;
    /** The Groth16 prover in words (backendLabel). */
    backend: string;
    witnessMsMedian: number;
    proveMsMedian: number;
    perBatchMsMedian: number;
    perBatchMsMax: number;
    wallMs: number;
  };
  settlement: {
    transactions: number;
    batchesPerTransaction: number;
    gasTotal: string;
    gasPerBatch: number;
    gasPerTransaction: string[];
    contract: string;
    rpcUrl: string;
    ownDevnet: boolean;
  };
  /** Assets on L1 (token 1, ETH; amounts in wei): deposits, withdrawals, claims, each member's escrow, and the cost of each. */
  assets: {
    deposits: { count: number; credited: number; refunded: number; amount: string; gasPerDeposit: number };
    withdrawals: { count: number; amount: string };
    claims: { count: number; amount: string; gasPerClaim: number };
    /** escrowOf(chainId, ETH) after the run, index = chainId. */
    escrow: string[];
    /**
     * The genesis' cluster-native token, when it has one: its MINTs (count, units made) and escrowOf(chainId,
     * token) after the run (index = chainId; the owner chain's is not kept: it issues the token).
     */
    native?: { tokenId: string; ownerChain: number; mints: number; minted: string; escrow: string[] };
    /** Published data: bytes per settled batch (B slots of 5 words), and per entry of it (operations and deposits). */
    pubdataBytesPerBatch: number;
    pubdataBytesPerOperation: number;
  };
  /** From an operation's acceptance to the receipt of its batch's settlement. */
  latencyMs: { median: number; p95: number };
  /**
   * Fast confirmation by the governors: how many batches governors holding 2/3 of the stake signed,
   * how many governors signed, and from a batch's close to that moment, beside from its close to the
   * receipt of its settlement (ms).
   */
  governance: {
    registry: string;
    governors: number;
    fastConfirmed: number;
    toFastConfirmationMs: { median: number; p95: number };
    toSettlementMs: { median: number; p95: number };
  };
  roots: { match: boolean; executor: string[]; onChain: string[] };
  rejected: RejectedLine[];
  store: string;
}

const hex = (r: bigint) => `0x${r.toString(16).padStart(64, "0")}`;

/**
 * Builds the report of a run from the node's store (batches, proofs, settle transactions) and the
 * roots read from the contract.
 * @param onChainRoots `currentRoots()` read from the contract after the last settlement.
 * @param l1 what the run did on L1, and each member's escrow of ETH (and of the native token, if any) read after it.
 */
export function buildRunReport(
  prepared: PreparedInstance,
  node: ClusterNode,
  rejected: RejectedLine[],
  lines: number,
  onChainRoots: bigint[],
  o: { workers: number; singleThread: boolean; settleBatches: number; backend: string },
  out: string,
  l1: RunAssets & { escrow: bigint[]; native?: { tokenId: bigint; ownerChain: number; escrow: bigint[] } },
): RunReport {
  const { inst } = prepared;
  const store = node.store;
  const batchCount = store.batchCount();
  const proofs = Array.from({ length: batchCount }, (_, i) => store.proof(i)).filter((p) => p !== undefined);
  const mined = store.submissions().filter((s) => s.status === "mined");
  const gasTotal = mined.reduce((a, s) => a + BigInt(s.gasUsed ?? 0), 0n);
  const minedAt = new Map<number, number>();
  for (const s of mined) for (let b = s.firstBatch; b <= s.lastBatch; b++) if (s.minedAt !== null) minedAt.set(b, s.minedAt);
  const operations = store.allOperations();
  const latencies = operations
    .map((op) => (op.batchIndex === null ? undefined : minedAt.get(op.batchIndex)) ?? Number.NaN)
    .map((t, i) => t - operations[i].acceptedAt)
    .filter((x) => !Number.isNaN(x));
  const bodies = operations.map((op) => JSON.parse(op.body) as { type: string; amount: string; index?: string });
  const ofType = (t: string) => bodies.filter((b) => b.type === t);
  const messages = ofType("SEND").length;
  const deposits = ofType("DEPOSIT");
  const withdrawals = ofType("WITHDRAW");
  const sum = (xs: { amount: string }[]) => xs.reduce((a, x) => a + BigInt(x.amount), 0n).toString();
  const refunded = countRefunds(node);
  const mean = (xs: string[]) => (xs.length ? xs.reduce((a, g) => a + Number(g), 0) / xs.length : 0);
  const pubdataBytesPerBatch = inst.slots * PUBDATA_WORDS * 32;
  const perBatch = proofs.map((p) => p.witnessMs + p.proveMs);
  const firstClosed = store.batch(0)?.closedAt;
  const closedAt = (i: number) => store.batch(i)!.closedAt;
  const batchIndexes = Array.from({ length: batchCount }, (_, i) => i);
  const toFast = batchIndexes.flatMap((i) => {
    const f = store.fastConfirmation(i);
    return f ? [f.confirmedAt - closedAt(i)] : [];
  });
  const toSettlement = batchIndexes.flatMap((i) => (minedAt.has(i) ? [minedAt.get(i)! - closedAt(i)] : []));
  const signers = new Set(
    batchIndexes.flatMap((i) =>
      store
        .claimSignatures(i)
        .filter((s) => s.matches)
        .map((s) => s.signer),
    ),
  );
  const executor = node.status().roots as string[];
  const st = node.status();
  return {
    instance: {
      name: inst.name,
      members: inst.members,
      depth: inst.depth,
      slots: inst.slots,
      deltaTicks: inst.deltaTicks,
      constraints: prepared.r1cs.constraints,
    },
    phase2: { secure: prepared.keys.phase2.secure, source: prepared.keys.source, contributions: prepared.keys.phase2.contributions },
    workload: { lines, accepted: operations.length - deposits.length, rejected: rejected.length, transfers: ofType("TRANSFER").length, messages },
    batches: batchCount,
    proving: {
      workers: o.workers,
      singleThread: o.singleThread,
      backend: o.backend,
      witnessMsMedian: quantile(
        proofs.map((p) => p.witnessMs),
        0.5,
      ),
      proveMsMedian: quantile(
        proofs.map((p) => p.proveMs),
        0.5,
      ),
      perBatchMsMedian: quantile(perBatch, 0.5),
      perBatchMsMax: quantile(perBatch, 1),
      wallMs: firstClosed === undefined || proofs.length === 0 ? 0 : Math.max(...proofs.map((p) => p.provedAt)) - firstClosed,
    },
    settlement: {
      transactions: mined.length,
      batchesPerTransaction: o.settleBatches,
      gasTotal: gasTotal.toString(),
      gasPerBatch: batchCount ? Number(gasTotal) / batchCount : 0,
      gasPerTransaction: mined.map((s) => s.gasUsed ?? "0"),
      contract: String(st.settlement),
      rpcUrl: String(st.rpcUrl),
      ownDevnet: node.ownDevnet,
    },
    assets: {
      deposits: { count: deposits.length, credited: deposits.length - refunded, refunded, amount: sum(deposits), gasPerDeposit: mean(l1.depositGas) },
      withdrawals: { count: withdrawals.length, amount: sum(withdrawals) },
      claims: { count: l1.claims.length, amount: sum(l1.claims), gasPerClaim: mean(l1.claims.map((c) => c.gasUsed)) },
      escrow: l1.escrow.map(String),
      native: l1.native && {
        tokenId: l1.native.tokenId.toString(),
        ownerChain: l1.native.ownerChain,
        mints: ofType("MINT").length,
        minted: sum(ofType("MINT")),
        escrow: l1.native.escrow.map(String),
      },
      pubdataBytesPerBatch,
      pubdataBytesPerOperation: operations.length ? (pubdataBytesPerBatch * batchCount) / operations.length : 0,
    },
    latencyMs: { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    governance: {
      registry: String(st.registry),
      governors: signers.size,
      fastConfirmed: toFast.length,
      toFastConfirmationMs: { median: quantile(toFast, 0.5), p95: quantile(toFast, 0.95) },
      toSettlementMs: { median: quantile(toSettlement, 0.5), p95: quantile(toSettlement, 0.95) },
    },
    roots: {
      match: onChainRoots.length === executor.length && onChainRoots.every((r, i) => r === BigInt(executor[i])),
      executor: executor.map((r) => hex(BigInt(r))),
      onChain: onChainRoots.map(hex),
    },
    rejected,
    store: out,
  };
}

/** Deposits the batches refunded (their pubdata's refund flag), over every closed batch. */
function countRefunds(node: ClusterNode): number {
  let n = 0;
  for (let i = 0; i < node.store.batchCount(); i++) for (const slot of decodeBatchPubdata(node.store.pubdata(i)!)) if (slot.isDeposit && slot.refund) n++;
  return n;
}

/**
 * Writes the run folder's readable export from the node's store (RunStore lists the files): each
 * file whole and atomically, so running it again (after `--resume`) gives the same files.
 * @param lines the workload's non-blank lines with their 1-based line numbers (an accepted operation's line is found by its id).
 */
export function exportRunFolder(out: RunStore, node: ClusterNode, genesis: Genesis, lines: { text: string; line: number }[], report: RunReport): void {
  const store = node.store;
  const lineOf = new Map<string, number>();
  for (const { text, line } of lines) {
    const op = decodeOperation(text, line);
    if (!isMalformed(op) && !lineOf.has(operationId(op))) lineOf.set(operationId(op), line);
  }
  out.writeJson("genesis.json", genesis);
  out.writeJsonl(
    "accepted.jsonl",
    store.allOperations().map((op) => ({ line: lineOf.get(op.id) ?? null, seq: op.seq, batchIndex: op.batchIndex, operation: JSON.parse(op.body) })),
  );
  out.writeJsonl("rejected.jsonl", report.rejected);
  for (let i = 0; i < store.batchCount(); i++) {
    const b = store.batch(i)!;
    const input = JSON.parse(b.input) as Record<string, string[]>;
    const messages = input.creditOn.flatMap((on, k) =>
      on === "1" && input.isDeposit[k] !== "1"
        ? [
            {
              srcChain: Number(input.inSrcChain[k]),
              dstChain: Number(input.inDstChain[k]),
              seq: input.inSeq[k],
              sendTick: Number(input.inSendTick[k]),
              recipient: input.inRecipient[k],
              tokenId: input.inTokenId[k],
              amount: input.inAmount[k],
              dataHash: input.inDataHash[k],
            },
          ]
        : [],
    );
    out.writeJson(`batches/${String(i).padStart(6, "0")}.json`, {
      header: store.header(i),
      messages,
      lines: store.operationsOfBatch(i).map((op) => lineOf.get(op.id) ?? null),
      input,
    });
    const p = store.proof(i);
    if (p)
      out.writeJson(`proofs/${String(i).padStart(6, "0")}.json`, {
        instance: report.instance.name,
        batchIndex: i,
        proof: p.proof,
        publicSignals: p.publicSignals,
      });
  }
  out.writeJsonl(
    "settlements.jsonl",
    store.submissions().map((s) => ({
      txHash: s.txHash,
      status: s.status,
      nonce: s.nonce,
      blockNumber: s.blockNumber,
      batches: Array.from({ length: s.lastBatch - s.firstBatch + 1 }, (_, k) => s.firstBatch + k),
      gasUsed: s.gasUsed,
      error: s.error,
    })),
  );
  out.writeJson("report.json", report);
}
