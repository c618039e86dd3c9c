import type { ClusterState } from "../state/cluster-state.js";
import { slotOf, type SlotWitness } from "../circuits/witness-layout.js";
import type { BatchHeader } from "../circuits/batch-input.js";
import type { Message, SignedOperation } from "../protocol/operation.js";

/** A batch as the executor closed it: its public header, its slots (before NOOP padding) and messages. */
export interface ClosedBatch {
  header: BatchHeader;
  slots: SlotWitness[];
  /** Messages sent and delivered in this batch, in slot order (a TRANSFER's goes to its own chain). */
  messages: Message[];
}

/**
 * Builds one batch (one tick) of the node-cluster executor: each added operation takes one slot,
 * its debit lane executes the signed TRANSFER or SEND on the source chain and its credit lane
 * delivers the message on the destination chain in the same tick (every member runs in the same
 * node-cluster, so a message is visible at once; the earliest delivery the circuit's Δ bound allows).
 * Used by the batch executor (ClusterExecutor) and the service's sequencer (src/service/sequencer.ts).
 */
export class BatchBuilder {
  private readonly slotList: SlotWitness[] = [];
  private readonly messageList: Message[] = [];
  private readonly oldRoots: bigint[];

  /**
   * @param state cluster state after the previous batch; mutated by `add`.
   * @param capacity B, slots of the circuit instance (>= 1).
   * @param batchIndex index of this batch (0-based, as the settlement contract counts).
   * @param tick the cluster tick of this batch (>= 1).
   * @param nextSeq next message sequence number per "src->dst" pair; advanced by `add`, shared across batches.
   * @throws RangeError naming `capacity` or `tick` when out of range.
   */
  constructor(
    private readonly state: ClusterState,
    readonly capacity: number,
    readonly batchIndex: bigint,
    readonly tick: number,
    private readonly nextSeq: Map<string, bigint>,
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
   * @returns the message it sent.
   * @throws OperationRejected naming the field when the operation is invalid (the state is unchanged);
   *   RangeError when the batch is full.
   */
  add(op: SignedOperation, signatureChecked = false): Message {
    if (this.full) throw new RangeError(`batch ${this.batchIndex}: all ${this.capacity} slots are taken`);
    const pair = `${op.chainId}->${op.dstChain}`;
    const { debit, message } = this.state.applySigned(op, this.tick, this.nextSeq.get(pair) ?? 0n, signatureChecked);
    const credit = this.state.applyCredit(message); // checked by applySigned: cannot be refused
    this.nextSeq.set(pair, message.seq + 1n);
    this.slotList.push(slotOf(this.tick, this.state.depth, debit, credit));
    this.messageList.push(message);
    return message;
  }

  /** The batch with its header (roots before and after, and their Poseidon commitments). */
  close(): ClosedBatch {
    const newRoots = this.state.roots();
    const header: BatchHeader = {
      domain: this.state.domain,
      batchIndex: this.batchIndex,
      firstTick: this.tick,
      lastTick: this.tick,
      oldRoots: this.oldRoots,
      newRoots,
      oldRootsCommitment: this.state.rootsCommitment(this.oldRoots),
      newRootsCommitment: this.state.rootsCommitment(newRoots),
    };
    return { header, slots: [...this.slotList], messages: [...this.messageList] };
  }
}
