import type { ClusterState } from "../state/cluster-state.js";
import { slotOf, type SlotWitness } from "../circuits/witness-layout.js";
import { batchPubdata, makeHeader, type BatchHeader } from "../circuits/batch-input.js";
import type { L1Deposit, Message, SignedOperation } from "../protocol/operation.js";

/** A batch as the executor closed it: its public header, its slots (before NOOP padding), messages and pubdata. */
export interface ClosedBatch {
  header: BatchHeader;
  slots: SlotWitness[];
  /** Messages sent and delivered in this batch, in slot order (a TRANSFER's goes to its own chain). */
  messages: Message[];
  /** Published data: B * PUBDATA_WORDS words (src/protocol/pubdata.ts), what the settle transaction carries. */
  pubdata: bigint[];
  /** L1 deposits consumed (credited or refunded), in queue order. */
  deposits: L1Deposit[];
}

/**
 * Builds one batch (one tick) of the node-cluster executor: each added operation takes one slot,
 * its debit lane executes the signed TRANSFER or SEND on the source chain and its credit lane
 * delivers the message on the destination chain in the same tick (every member runs in the same
 * node-cluster, so a message is visible at once; the earliest delivery the circuit's Δ bound allows).
 * A WITHDRAW takes a slot's debit lane and sends no message; an L1 deposit takes the credit lane of
 * the last slot when it is free (after a WITHDRAW) or a slot of its own. Used by OpenCluster.
 */
export class BatchBuilder {
  private readonly slotList: SlotWitness[] = [];
  private readonly messageList: Message[] = [];
  private readonly depositList: L1Deposit[] = [];
  private readonly oldRoots: bigint[];

  /**
   * @param state cluster state after the previous batch; mutated by `add`.
   * @param capacity B, slots of the circuit instance (>= 1).
   * @param batchIndex index of this batch (0-based, as the settlement contract counts).
   * @param tick the cluster tick of this batch (>= 1).
   * @param nextSeq next message sequence number per "src->dst" pair; advanced by `add`, shared across batches.
   * @param poseidon hash from `getPoseidon()` (the header's commitments).
   * @throws RangeError naming `capacity` or `tick` when out of range.
   */
  constructor(
    private readonly state: ClusterState,
    readonly capacity: number,
    readonly batchIndex: bigint,
    readonly tick: number,
    private readonly nextSeq: Map<string, bigint>,
    private readonly poseidon: (x: bigint[]) => bigint,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: must be an integer >= 1, got ${capacity}`);
    if (!Number.isInteger(tick) || tick < 1) throw new RangeError(`tick: must be an integer >= 1, got ${tick}`);
    this.oldRoots = state.roots();
  }

  /** Slots taken. */
  get size(): number {
    return this.slotList.length;
  }

  /** True when all B slots are taken. */
  get full(): boolean {
    return this.slotList.length >= this.capacity;
  }

  /**
   * Executes one signed operation into the next slot.
   * @param signatureChecked see ClusterState.applySigned (true only when replaying stored operations).
   * @returns the message it sent (none for a WITHDRAW).
   * @throws OperationRejected naming the field when the operation is invalid (the state is unchanged);
   *   RangeError when the batch is full.
   */
  add(op: SignedOperation, signatureChecked = false): Message | undefined {
    if (this.full) throw new RangeError(`batch ${this.batchIndex}: all ${this.capacity} slots are taken`);
    if (op.type === "WITHDRAW") {
      const debit = this.state.applyWithdraw(op, signatureChecked);
      this.slotList.push(slotOf(this.tick, this.state.depth, debit));
      return undefined;
    }
    const pair = `${op.chainId}->${op.dstChain}`;
    const { debit, message } = this.state.applySigned(op, this.tick, this.nextSeq.get(pair) ?? 0n, signatureChecked);
    const credit = this.state.applyCredit(message); // checked by applySigned: cannot be refused
    this.nextSeq.set(pair, message.seq + 1n);
    this.slotList.push(slotOf(this.tick, this.state.depth, debit, credit));
    this.messageList.push(message);
    return message;
  }

  /**
   * Consumes the next L1 deposit into the credit lane of the last slot when it is free (a WITHDRAW's),
   * else into a slot of its own: a credit of its leaf, or a refund when no leaf can take it
   * (ClusterState.applyDeposit). The caller keeps queue order (OpenCluster).
   * @throws OperationRejected naming the field when the deposit is not for a member chain or a leaf
   *   of the tree (the contract refuses those); RangeError when the batch is full.
   */
  addDeposit(deposit: L1Deposit): void {
    const last = this.slotList[this.slotList.length - 1];
    if (last && last.creditOn === 0n) {
      Object.assign(last, this.state.applyDeposit(deposit));
    } else {
      if (this.full) throw new RangeError(`batch ${this.batchIndex}: all ${this.capacity} slots are taken`);
      this.slotList.push(slotOf(this.tick, this.state.depth, undefined, this.state.applyDeposit(deposit)));
    }
    this.depositList.push(deposit);
  }

  /** The batch with its header (roots before and after, their Poseidon commitments, the pubdata commitment) and its pubdata. */
  close(): ClosedBatch {
    const slots = [...this.slotList];
    const header = makeHeader(
      this.poseidon,
      {
        domain: this.state.domain,
        batchIndex: this.batchIndex,
        firstTick: this.tick,
        lastTick: this.tick,
        oldRoots: this.oldRoots,
        newRoots: this.state.roots(),
      },
      slots,
      this.capacity,
      this.state.depth,
    );
    return {
      header,
      slots,
      messages: [...this.messageList],
      pubdata: batchPubdata(slots, this.capacity, this.tick, this.state.depth),
      deposits: [...this.depositList],
    };
  }
}
