import { isError, keccak256, Transaction, type Contract, type EventLog, type Provider, type TransactionReceipt, type Wallet } from "ethers";
import type { Logger } from "pino";
import { settleGasLimit, settlementBatch, type SettlementBatch } from "../l1/settlement-calldata.js";
import { packedHeader } from "../circuits/batch-input.js";
import { withRpcRetry, type RpcRetryOptions } from "../l1/rpc-retry.js";
import type { ServiceMetrics } from "./metrics.js";
import type { ServiceStore, StoredSubmission } from "./service-store.js";

/** Reverts that mean "the L1 is ahead of this store": reconcile with the contract and go on. */
const BEHIND_ERRORS = new Set(["BatchAlreadySettled", "UnexpectedBatchIndex", "OldRootsMismatch", "TickGap"]);

/** Options of the L1 submitter. */
export interface SubmitterOptions {
  /** Batches per settle transaction, at most (it sends what is proved, in order, without waiting to fill a group). */
  settleBatches: number;
  /** Backoff of RPC retries; retries should be Infinity in the service. */
  retry: Omit<RpcRetryOptions, "onRetry" | "signal">;
  /** Broadcast a sent transaction again when its receipt has not come after this long (ms). */
  rebroadcastMs: number;
  /** Polling interval for receipts and new proofs (ms). */
  pollMs: number;
  /** First L1 block to search for BatchSettled events (the contract's deployment block; default 0). */
  fromBlock?: number;
}

/** A revert with its custom error decoded from the contract's ABI, e.g. `BatchAlreadySettled(3)`. */
export function describeRevert(e: unknown, settlement: Contract): string | undefined {
  const revert = (e as { revert?: { name: string; args: unknown[] } }).revert;
  if (revert) return `${revert.name}(${[...revert.args].map(String).join(", ")})`;
  const data = (e as { data?: string }).data;
  if (typeof data === "string" && data.length >= 10) {
    const parsed = settlement.interface.parseError(data);
    if (parsed) return `${parsed.name}(${[...parsed.args].map(String).join(", ")})`;
    return `unknown error data ${data}`;
  }
  return undefined;
}

/**
 * Settles proved batches on L1, in batch order, one transaction in flight at a time.
 *
 * Crash safety and nonces: each settle transaction is signed locally with an explicit nonce, and
 * the signed raw transaction is committed to the store *before* it is broadcast. After a restart,
 * `reconcile` reads the contract's `nextBatchIndex` and the BatchSettled event of every batch below
 * it (settled by any sequencer: it counts only when it is this store's batch), then
 * looks up the receipt of every signed-or-sent transaction and broadcasts the very same raw
 * transaction again when there is none: the nonce is either used by that transaction or never
 * consumed, and no batch is settled twice (the contract refuses it anyway: BatchAlreadySettled).
 * A new transaction takes the account's pending nonce once nothing of ours is in flight.
 *
 * Failures: RPC errors are retried with exponential backoff (withRpcRetry); a revert is reported
 * with its decoded custom error (ClusterSettlement's errors); a revert that shows the L1 is ahead
 * (BatchAlreadySettled, UnexpectedBatchIndex, OldRootsMismatch, TickGap) triggers a reconcile; any
 * other revert, and a conflicting history, halts the submitter (`halted` says why; the
 * cluster_submitter_halted gauge is 1) because later batches cannot settle before it.
 */
export class L1Submitter {
  /** Why the submitter stopped (a revert it cannot get past), or undefined while it works. */
  halted: string | undefined;
  private readonly retry: RpcRetryOptions;
  private wake: (() => void) | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly store: ServiceStore, private readonly settlement: Contract, private readonly wallet: Wallet,
              private readonly log: Logger, private readonly metrics: ServiceMetrics | undefined, private readonly o: SubmitterOptions) {
    this.retry = {
      ...o.retry, signal: this.abort.signal,
      onRetry: (what, error, attempt) => {
        this.metrics?.l1Errors.inc({ kind: "rpc", error: (error as { code?: string }).code ?? error.name });
        this.log.warn({ call: what, attempt, err: error.message }, "L1 RPC failed; retrying with backoff");
      },
    };
  }

  private get provider(): Provider {
    return this.wallet.provider!;
  }

  /**
   * Brings the store in line with the contract, by content: a stored batch below the contract's
   * `nextBatchIndex` counts as settled only when L1 settled the same batch, i.e. its `BatchSettled`
   * event at that index carries this store's packed header and new roots commitment (the proof binds
   * both to the roots); its transaction is recorded. Anything else is a conflicting history (another
   * sequencer settled other batches): the submitter halts with the reason, and nothing is marked
   * settled that was not. Then every signed or sent transaction is resolved (receipt found, or the
   * same raw transaction broadcast again and awaited).
   * @throws Error naming `store` when the contract has settled more batches than the store closed
   *   (the store belongs to another deployment).
   */
  async reconcile(): Promise<void> {
    const next = Number(await withRpcRetry("nextBatchIndex", () => this.settlement.nextBatchIndex() as Promise<bigint>, this.retry));
    const closed = this.store.batchCount();
    if (next > closed) throw new Error(`store: the contract has settled ${next} batches, this store closed only ${closed}: it belongs to another deployment`);
    let marked = 0;
    for (let index = this.store.firstUnsettledBatch(); index < next; index++) {
      const onChain = await this.settledRecord(index);
      const header = this.store.header(index)!;
      const ours = { header: packedHeader(header), newRootsCommitment: header.newRootsCommitment };
      if (!onChain || onChain.header !== ours.header || onChain.newRootsCommitment !== ours.newRootsCommitment) {
        const theirs = onChain ? `header ${onChain.header}, roots commitment ${onChain.newRootsCommitment} (tx ${onChain.txHash})` : "no BatchSettled event found";
        this.halt(`conflicting history: L1 settled batch ${index} with ${theirs}; this store has header ${ours.header}, roots commitment ${ours.newRootsCommitment}`);
        this.metrics?.l1Conflicts.inc();
        return;
      }
      marked += this.store.markSettledUpTo(index + 1, onChain.txHash);
    }
    if (marked > 0) this.log.info({ batches: marked, nextBatchIndex: next }, "batches found settled on L1 (same content as stored)");
    for (const s of this.store.pendingSubmissions()) await this.resolve(s);
  }

  /** What L1 recorded for batch `index`: its BatchSettled event (header, new roots commitment, transaction), or undefined. */
  private async settledRecord(index: number): Promise<{ header: bigint; newRootsCommitment: bigint; txHash: string } | undefined> {
    const events = await withRpcRetry("eth_getLogs", () => this.settlement.queryFilter(this.settlement.filters.BatchSettled(index), this.o.fromBlock ?? 0), this.retry);
    const event = events.at(-1) as EventLog | undefined;
    if (!event?.args) return undefined;
    return { header: event.args.header as bigint, newRootsCommitment: event.args.newRootsCommitment as bigint, txHash: event.transactionHash };
  }

  private halt(reason: string): void {
    this.halted = reason;
    this.metrics?.submitterHalted.set(1);
    this.log.error({ reason }, "L1 submitter halted");
  }

  /**
   * Sends one settle transaction for the proved batches that come next (up to settleBatches) and
   * waits for its receipt.
   * @returns the number of batches this call settled (0 when none was ready or the L1 was ahead).
   */
  async settleNext(): Promise<number> {
    const first = this.store.firstUnsettledBatch();
    const group: number[] = [];
    const args: SettlementBatch[] = [];
    for (let i = first; group.length < this.o.settleBatches; i++) {
      const proof = this.store.proof(i);
      if (!proof) break;
      group.push(i);
      args.push(settlementBatch(this.store.header(i)!, proof.proof));
    }
    if (group.length === 0) return 0;
    const from = await this.wallet.getAddress();
    let gas: bigint;
    try {
      gas = await withRpcRetry("eth_estimateGas", () => this.settlement.settle.estimateGas(args, { from }), this.retry);
    } catch (e) {
      if (!isError(e, "CALL_EXCEPTION")) throw e;
      await this.onRevert(e, group);
      return 0;
    }
    const [nonce, fees, network] = await Promise.all([
      withRpcRetry("eth_getTransactionCount", () => this.provider.getTransactionCount(from, "pending"), this.retry),
      withRpcRetry("eth_feeHistory", () => this.provider.getFeeData(), this.retry),
      withRpcRetry("eth_chainId", () => this.provider.getNetwork(), this.retry),
    ]);
    const rawTx = await this.wallet.signTransaction({
      type: 2, chainId: network.chainId, nonce, to: await this.settlement.getAddress(),
      data: this.settlement.interface.encodeFunctionData("settle", [args]),
      gasLimit: settleGasLimit(gas), maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const txHash = keccak256(rawTx);
    const id = this.store.insertSubmission({ firstBatch: group[0], lastBatch: group[group.length - 1], from, nonce, txHash, rawTx, createdAt: Date.now() });
    this.log.info({ txHash, nonce, batches: group }, "settlement signed and stored");
    await this.resolve(this.store.submission(id)!);
    return this.store.firstUnsettledBatch() - first;
  }

  /** Starts the loop: settles whenever proofs are ready (call `kick` when one is stored). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Wakes the loop (a proof was stored). */
  kick(): void {
    this.wake?.();
  }

  /** Stops the loop after the current step (a transaction in flight stays in the store, resolved at the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.kick();
    await this.loop?.catch(() => {});
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let settled = 0;
      try {
        if (!this.halted) settled = await this.settleNext();
      } catch (e) {
        if (this.stopping) break;
        this.log.error({ err: (e as Error).message }, "settlement step failed; retrying");
        this.metrics?.l1Errors.inc({ kind: "other", error: (e as { code?: string }).code ?? (e as Error).name });
        await this.sleep(this.o.retry.maxTimeoutMs);
        continue;
      }
      if (settled === 0) await this.sleep(this.o.pollMs * 20);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); resolve(); }
      this.wake = done;
    });
  }

  /** Broadcasts a stored transaction (again) unless it was mined, and waits for its receipt. */
  private async resolve(s: StoredSubmission): Promise<void> {
    for (;;) {
      const receipt = await withRpcRetry("eth_getTransactionReceipt", () => this.provider.getTransactionReceipt(s.txHash), this.retry);
      if (receipt) return this.onReceipt(s, receipt);
      try {
        await withRpcRetry("eth_sendRawTransaction", () => this.provider.broadcastTransaction(s.rawTx), this.retry);
      } catch (e) {
        const message = (e as Error).message;
        if (isError(e, "NONCE_EXPIRED") || /nonce too low/i.test(message)) {
          const again = await withRpcRetry("eth_getTransactionReceipt", () => this.provider.getTransactionReceipt(s.txHash), this.retry);
          if (again) return this.onReceipt(s, again);
          this.store.updateSubmission(s.id, { status: "dropped", error: `nonce ${s.nonce} used by another transaction` });
          this.metrics?.settlementTransactions.inc({ outcome: "dropped" });
          this.log.warn({ txHash: s.txHash, nonce: s.nonce }, "settlement dropped: its nonce was used by another transaction; its batches will be sent again");
          return;
        }
        if (!/already known|known transaction|already imported/i.test(message)) throw e;
      }
      if (s.status === "signed") this.store.updateSubmission(s.id, { status: "sent" });
      this.log.info({ txHash: s.txHash, nonce: s.nonce, firstBatch: s.firstBatch, lastBatch: s.lastBatch }, "settlement sent; waiting for its receipt");
      const deadline = Date.now() + this.o.rebroadcastMs;
      while (Date.now() < deadline && !this.stopping) {
        const r = await withRpcRetry("eth_getTransactionReceipt", () => this.provider.getTransactionReceipt(s.txHash), this.retry);
        if (r) return this.onReceipt(s, r);
        await new Promise((resolve) => setTimeout(resolve, this.o.pollMs));
      }
      if (this.stopping) return;
      this.log.warn({ txHash: s.txHash }, "no receipt yet; broadcasting the same transaction again");
    }
  }

  private async onReceipt(s: StoredSubmission, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) {
      this.store.updateSubmission(s.id, { status: "mined", gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber });
      const settled = this.store.markSettledUpTo(s.lastBatch + 1, s.txHash);
      this.metrics?.settlementTransactions.inc({ outcome: "mined" });
      this.metrics?.batchesSettled.inc(settled);
      this.metrics?.settlementGas.inc(Number(receipt.gasUsed));
      this.log.info({ txHash: s.txHash, block: receipt.blockNumber, gasUsed: Number(receipt.gasUsed), firstBatch: s.firstBatch, lastBatch: s.lastBatch }, "batches settled on L1");
      return;
    }
    // Mined but reverted: replay the call to decode the custom error, then line up with the contract.
    let reason = "reverted";
    try {
      await this.provider.call({ to: await this.settlement.getAddress(), data: Transaction.from(s.rawTx).data, from: s.from, blockTag: receipt.blockNumber - 1 });
    } catch (e) {
      reason = describeRevert(e, this.settlement) ?? (e as Error).message;
    }
    this.store.updateSubmission(s.id, { status: "reverted", error: reason, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber });
    this.metrics?.settlementTransactions.inc({ outcome: "reverted" });
    this.metrics?.l1Errors.inc({ kind: "revert", error: reason.replace(/\(.*$/, "") });
    this.log.warn({ txHash: s.txHash, error: reason }, "settlement reverted on L1");
    await this.reconcile();
  }


  private async onRevert(e: unknown, group: number[]): Promise<void> {
    const reason = describeRevert(e, this.settlement) ?? (e as Error).message;
    const name = reason.replace(/\(.*$/, "");
    this.metrics?.l1Errors.inc({ kind: "revert", error: name });
    if (BEHIND_ERRORS.has(name)) {
      this.log.warn({ batches: group, error: reason }, "L1 refused the settlement: it is ahead of this store; reconciling with the contract");
      await this.reconcile();
      return;
    }
    this.halt(`settle of batches ${group[0]}..${group[group.length - 1]} reverts with ${reason}`);
  }
}
