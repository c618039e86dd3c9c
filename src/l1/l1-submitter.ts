import { isError, keccak256, Transaction, type EventLog, type Provider, type TransactionReceipt, type Wallet } from "ethers";
import type { Logger } from "pino";
import { settleGasLimit, settlementBatch, type SettlementBatch } from "./settlement-calldata.js";
import { packedHeader } from "../circuits/batch-input.js";
import { withRpcRetry, type RpcRetryOptions } from "./rpc-retry.js";
import { describeRevert } from "./revert.js";
import type { ClusterSettlementClient } from "./settlement-client.js";
import type { NodeMetrics } from "../core/metrics.js";
import type { ClusterStore, StoredSubmission } from "../store/cluster-store.js";
import { FieldError } from "../config/field-error.js";

/** Reverts that mean "the L1 is ahead of this store": reconcile with the contract and go on. */
const BEHIND_ERRORS = new Set(["BatchAlreadySettled", "UnexpectedBatchIndex", "OldRootsMismatch", "TickGap"]);

/** Options of the L1 submitter. */
export interface SubmitterOptions {
  /** Batches per settle transaction, at most. */
  settleBatches: number;
  /**
   * Wait until a group of settleBatches proofs is ready before sending it, unless it holds the store's
   * last closed batch (`run`, whose batches are all closed before they are proved: fewer, fuller
   * transactions). Default false: send what is proved, in order, at once (`serve`: latency first).
   */
  fillGroups?: boolean;
  /** Backoff of RPC retries; retries should be Infinity in the service. */
  retry: Omit<RpcRetryOptions, "onRetry" | "signal">;
  /** Broadcast a sent transaction again when its receipt has not come after this long (ms). */
  rebroadcastMs: number;
  /** Polling interval for receipts and new proofs (ms). */
  pollMs: number;
  /** First L1 block to search for BatchSettled events (the contract's deployment block; default 0). */
  fromBlock?: number;
  /**
   * Confirmation depth in L1 blocks: a batch on L1 is "included" at the head and "settled" once the
   * contract holds it at `head - confirmations` (0: settled at inclusion; see defaultConfirmationDepth).
   */
  confirmations: number;
}

/** The contract's settlement state at one L1 block. */
interface L1Point {
  block: number;
  /** `nextBatchIndex`: batches [0, next) are on L1 at this block. */
  next: number;
  /** `rootsCommitment` after batch next - 1 (the genesis commitment when next = 0). */
  commitment: bigint;
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
 * Finality and reorgs: a mined settlement makes its batches "included"; at every new L1 head
 * (`followL1`) the contract is compared with the store by content (nextBatchIndex and roots
 * commitment at the head, and at `head - confirmations`): batches the contract holds at that depth
 * become "settled"; batches it no longer holds at the head (a reorg) go back to "proved" and are sent
 * again in a new transaction; a batch the L1 holds with other content halts the submitter.
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
  /** Hash of the L1 head at the last comparison with the contract (followL1). */
  private lastHead: string | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly store: ClusterStore,
    private readonly settlement: ClusterSettlementClient,
    private readonly wallet: Wallet,
    private readonly log: Logger,
    private readonly metrics: NodeMetrics | undefined,
    private readonly o: SubmitterOptions,
  ) {
    this.retry = {
      ...o.retry,
      signal: this.abort.signal,
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
   * Brings the store in line with the contract (`followL1`, forced), then resolves every signed or
   * sent transaction (receipt found, or the same raw transaction broadcast again and awaited).
   * Called at start, and after a revert that shows the L1 is ahead of this store.
   * @throws Error naming `store` when the contract has settled more batches than the store closed
   *   (the store belongs to another deployment).
   */
  async reconcile(): Promise<void> {
    await this.followL1(true);
    if (this.halted) return;
    for (const s of this.store.pendingSubmissions()) {
      this.metrics?.settlementResumed.inc({ status: s.status });
      this.log.info(
        { txHash: s.txHash, nonce: s.nonce, status: s.status },
        "resuming a stored settlement transaction: its receipt, or the same transaction broadcast again",
      );
      await this.resolve(s);
    }
  }

  /**
   * Compares the contract with the store by content when the L1 head changed since the last call
   * (or always, with `force`), and moves batches to what the L1 holds; every transition is a log
   * line and a metric:
   * - the contract holds fewer batches at the head than the store has on L1 (a reorg took their
   *   settlement away): they go back to "proved" and are sent again (cluster_l1_reorged_batches_total{to="proved"});
   * - it holds more (settled by this service while it was down, or by another account): each one
   *   counts only when its `BatchSettled` event carries this store's packed header and new roots
   *   commitment (the proof binds both to the roots), and becomes "included"; any other content is a
   *   conflicting history: the submitter halts naming the batch (cluster_l1_conflicts_total);
   * - its roots commitment at the head must be this store's after its last batch on L1, else the
   *   batches from the first one whose event differs are taken back and the submitter halts;
   * - batches it holds at `head - confirmations` become "settled" (cluster_batches_settled_total);
   *   settled ones it no longer holds there become "included" again (a reorg deeper than the depth).
   * @throws Error naming `store` when the contract has settled more batches than the store closed.
   */
  async followL1(force = false): Promise<void> {
    if (this.halted) return;
    const head = await withRpcRetry("eth_getBlockByNumber", () => this.provider.getBlock("latest"), this.retry);
    if (!head?.hash) throw new Error("the L1 returned no latest block");
    if (!force && head.hash === this.lastHead) return;
    const tip = await this.stateAt(head.number);
    const closed = this.store.batchCount();
    if (tip.next > closed)
      throw new FieldError(`store`, `the contract has settled ${tip.next} batches, this store closed only ${closed}: it belongs to another deployment`);

    const onL1 = this.store.firstBatchNotOnL1();
    if (tip.next < onL1) {
      const gone = this.store.markReorgedFrom(tip.next);
      this.metrics?.l1Reorged.inc({ to: "proved" }, gone.length);
      this.log.warn(
        { batches: gone, nextBatchIndex: tip.next, head: head.number },
        "settlements left the L1 (reorg): their batches go back to proved and are sent again",
      );
    }
    let found = 0;
    for (let index = onL1; index < tip.next; index++) {
      const onChain = await this.settledRecord(index);
      if (!this.sameContent(index, onChain)) return this.conflict(index, onChain);
      this.store.markIncludedUpTo(index + 1, onChain!.txHash);
      found++;
    }
    if (found > 0) {
      this.metrics?.batchesIncluded.inc(found);
      this.log.info({ batches: found, nextBatchIndex: tip.next, head: head.number }, "batches found on L1 with the same content as stored: included");
    }
    if ((await this.agreesWithStore(tip)) === false) {
      // The contract's history below the head is not this store's: take back every batch from the first whose event differs.
      let first = tip.next - 1;
      while (first > 0 && !this.sameContent(first - 1, await this.settledRecord(first - 1))) first--;
      const record = first >= 0 ? await this.settledRecord(first) : undefined;
      const taken = this.store.markReorgedFrom(Math.max(first, 0));
      if (taken.length) this.metrics?.l1Reorged.inc({ to: "proved" }, taken.length);
      return this.conflict(Math.max(first, 0), record);
    }

    const depthBlock = Math.max(head.number - this.o.confirmations, this.o.fromBlock ?? 0);
    const final = this.o.confirmations === 0 ? tip : await this.stateAt(depthBlock);
    if ((await this.agreesWithStore(final)) !== false) {
      // else mid-reorg between the two reads: the next head decides
      const finalNext = Math.min(final.next, tip.next);
      const unsettled = this.store.markUnsettledFrom(finalNext);
      if (unsettled > 0) {
        this.metrics?.l1Reorged.inc({ to: "included" }, unsettled);
        this.log.warn(
          { batches: unsettled, finalBatchIndex: finalNext, depth: this.o.confirmations },
          "settled batches are no longer final (a reorg deeper than the confirmation depth): included again",
        );
      }
      const settled = this.store.markSettledUpTo(finalNext);
      if (settled > 0) {
        this.metrics?.batchesSettled.inc(settled);
        this.log.info(
          { batches: settled, settledUpTo: finalNext, head: head.number, depth: this.o.confirmations },
          "batches settled on L1 (final at the confirmation depth)",
        );
      }
    }
    this.lastHead = head.hash;
  }

  /**
   * The contract's nextBatchIndex and rootsCommitment at L1 block `block` (RPC retried). At a block
   * before the contract existed (no code there: empty return data), nothing is settled: next 0 and
   * the store's genesis commitment.
   */
  private async stateAt(block: number): Promise<L1Point> {
    const beforeDeployment = { block, next: 0, commitment: this.commitmentAfter(0) ?? 0n };
    if (block < (this.o.fromBlock ?? 0)) return beforeDeployment;
    try {
      const [next, commitment] = await Promise.all([
        withRpcRetry("nextBatchIndex", () => this.settlement.nextBatchIndex({ blockTag: block }), this.retry),
        withRpcRetry("rootsCommitment", () => this.settlement.rootsCommitment({ blockTag: block }), this.retry),
      ]);
      return { block, next: Number(next), commitment };
    } catch (e) {
      if (isError(e, "BAD_DATA") && e.value === "0x") return beforeDeployment;
      throw e;
    }
  }

  /**
   * This store's roots commitment at the boundary before batch `next`: the old one of batch next (a
   * member joint governance added at that boundary is in it), else the new one of batch next - 1
   * (undefined: no batch closed, nothing to compare).
   */
  private commitmentAfter(next: number): bigint | undefined {
    return this.store.header(next)?.oldRootsCommitment ?? (next > 0 ? this.store.header(next - 1)?.newRootsCommitment : undefined);
  }

  /**
   * Whether the contract's roots commitment at `point` is this store's after batches [0, next). When
   * it is not, and a member joined at that boundary on L1 before this store closed a batch of N + 1
   * members, it agrees when L1's first N roots are the store's (the contract computed the commitment
   * of all N + 1 roots itself, from the genesis root of the member governance added).
   * @returns undefined when the store has nothing to compare (no batch closed).
   */
  private async agreesWithStore(point: L1Point): Promise<boolean | undefined> {
    const expected = this.commitmentAfter(point.next);
    if (expected === undefined) return undefined;
    if (point.commitment === expected) return true;
    if (point.next === 0 || this.store.header(point.next)) return false;
    const before = this.store.header(point.next - 1)!.newRoots;
    const roots = await withRpcRetry("currentRoots", () => this.settlement.currentRoots({ blockTag: point.block }), this.retry);
    return roots.length > before.length && before.every((r, i) => r === roots[i]);
  }

  /** Whether L1's record of batch `index` carries this store's packed header and new roots commitment. */
  private sameContent(index: number, onChain: { header: bigint; newRootsCommitment: bigint } | undefined): boolean {
    const header = this.store.header(index);
    return !!onChain && !!header && onChain.header === packedHeader(header) && onChain.newRootsCommitment === header.newRootsCommitment;
  }

  /** Halts on a conflicting history at batch `index` (L1's record, if any, named beside the store's). */
  private conflict(index: number, onChain: { header: bigint; newRootsCommitment: bigint; txHash: string } | undefined): void {
    const header = this.store.header(index);
    const theirs = onChain ? `header ${onChain.header}, roots commitment ${onChain.newRootsCommitment} (tx ${onChain.txHash})` : "no BatchSettled event found";
    const ours = header ? `header ${packedHeader(header)}, roots commitment ${header.newRootsCommitment}` : "no such batch";
    this.metrics?.l1Conflicts.inc();
    this.halt(`conflicting history: L1 settled batch ${index} with ${theirs}; this store has ${ours}`);
  }

  /** What L1 recorded for batch `index`: its BatchSettled event (header, new roots commitment, transaction), or undefined. */
  private async settledRecord(index: number): Promise<{ header: bigint; newRootsCommitment: bigint; txHash: string } | undefined> {
    const events = await withRpcRetry(
      "eth_getLogs",
      () => this.settlement.queryFilter(this.settlement.filters.BatchSettled(index), this.o.fromBlock ?? 0),
      this.retry,
    );
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
   * Sends one settle transaction for the proved batches that come next after those on L1 (up to
   * settleBatches) and waits for its receipt.
   * @returns the number of batches this call put on L1, included (0 when none was ready or the L1 was ahead).
   */
  async settleNext(): Promise<number> {
    const first = this.store.firstBatchNotOnL1();
    const group: number[] = [];
    const args: SettlementBatch[] = [];
    for (let i = first; group.length < this.o.settleBatches; i++) {
      const proof = this.store.proof(i);
      if (!proof) break;
      group.push(i);
      args.push(settlementBatch(this.store.header(i)!, this.store.pubdata(i)!, proof.proof));
    }
    if (group.length === 0) return 0;
    if (this.o.fillGroups && group.length < this.o.settleBatches && group.at(-1)! < this.store.batchCount() - 1) return 0; // more proofs will come
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
      type: 2,
      chainId: network.chainId,
      nonce,
      to: await this.settlement.getAddress(),
      data: this.settlement.interface.encodeFunctionData("settle", [args]),
      gasLimit: settleGasLimit(gas),
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const txHash = keccak256(rawTx);
    // After a reorg the very same transaction can be signed again (same nonce, data and fees): it is that submission, sent again.
    const again = this.store.submission(txHash);
    if (again) this.store.updateSubmission(again.id, { status: "signed" });
    const id =
      again?.id ?? this.store.insertSubmission({ firstBatch: group[0], lastBatch: group[group.length - 1], from, nonce, txHash, rawTx, createdAt: Date.now() });
    this.log.info({ txHash, nonce, batches: group }, "settlement signed and stored");
    await this.resolve(this.store.submission(id)!);
    return this.store.firstBatchNotOnL1() - first;
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
        await this.followL1();
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
      function done() {
        clearTimeout(timer);
        resolve();
      }
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
      this.metrics?.settlementRebroadcasts.inc();
      this.log.warn({ txHash: s.txHash }, "no receipt yet; broadcasting the same transaction again");
    }
  }

  private async onReceipt(s: StoredSubmission, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) {
      this.store.updateSubmission(s.id, { status: "mined", gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber, minedAt: Date.now() });
      const included = this.store.markIncludedUpTo(s.lastBatch + 1, s.txHash);
      this.metrics?.settlementTransactions.inc({ outcome: "mined" });
      this.metrics?.batchesIncluded.inc(included);
      this.metrics?.settlementGas.inc(Number(receipt.gasUsed));
      this.log.info(
        { txHash: s.txHash, block: receipt.blockNumber, gasUsed: Number(receipt.gasUsed), firstBatch: s.firstBatch, lastBatch: s.lastBatch },
        "batches included on L1",
      );
      await this.followL1(true); // settled now when the depth is 0, else at a later head
      return;
    }
    // Mined but reverted: replay the call to decode the custom error, then line up with the contract.
    let reason = "reverted";
    try {
      await this.provider.call({
        to: await this.settlement.getAddress(),
        data: Transaction.from(s.rawTx).data,
        from: s.from,
        blockTag: receipt.blockNumber - 1,
      });
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
