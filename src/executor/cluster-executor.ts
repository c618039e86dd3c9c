import { ClusterState, OperationRejected, type SlotWitness } from "../state/cluster-state.js";
import type { BatchHeader } from "../circuits/batch-input.js";
import type { Message, SignedOperation } from "../protocol/operation.js";

/** A closed batch: its public header and its slots (before NOOP padding). */
export interface ExecutedBatch {
  header: BatchHeader;
  slots: SlotWitness[];
  /** Messages sent (and received) in this batch. */
  messages: Message[];
  /** Submission positions of the user operations executed in this batch, in slot order. */
  positions: number[];
}

/** An operation the executor refused, with the field at fault; it changed nothing. */
export interface RejectedOperation {
  /** Position of the operation in submission order (0-based). */
  position: number;
  field: string;
  reason: string;
}

/**
 * Node-cluster executor: runs the N member chains in lockstep ticks and cuts the slot sequence into
 * batches of at most `slots` operations that close drained (every message sent in a batch is
 * received in it). Policy per tick: first RECEIVE every message sent at an earlier tick (so every
 * receive happens at sendTick + 1 ≤ sendTick + Δ), then take user operations in submission order while
 * they fit, a SEND reserving the slot of its RECEIVE. A batch closes at the end of a tick when no
 * message is in flight and it is full, blocked, or there is nothing left to execute.
 * Ticks start at 1 (the settlement contract starts at lastSettledTick = 0).
 */
export class ClusterExecutor {
  private readonly mempool: { op: SignedOperation; position: number }[] = [];
  private readonly inFlight: Message[] = [];
  private readonly nextSeq = new Map<string, bigint>();
  private submitted = 0;
  private tick = 1;
  private batchIndex = 0n;
  readonly rejected: RejectedOperation[] = [];

  /**
   * @param state cluster state at genesis (or after the last executed batch).
   * @param slots B, operation slots per batch (>= 2, so a SEND and its RECEIVE fit).
   * @param deltaTicks Δ, delivery bound (>= 1).
   * @throws RangeError naming `slots` or `deltaTicks` when out of range.
   */
  constructor(private readonly state: ClusterState, private readonly slots: number, readonly deltaTicks: number) {
    if (!Number.isInteger(slots) || slots < 2) throw new RangeError(`slots: must be an integer >= 2, got ${slots}`);
    if (!Number.isInteger(deltaTicks) || deltaTicks < 1) throw new RangeError(`deltaTicks: must be an integer >= 1, got ${deltaTicks}`);
  }

  /** Queues a signed operation; it is validated when it executes. Returns its position. */
  submit(op: SignedOperation): number {
    const position = this.submitted++;
    this.mempool.push({ op, position });
    return position;
  }

  /** True while operations wait or messages are in flight. */
  get pending(): boolean {
    return this.mempool.length > 0 || this.inFlight.length > 0;
  }

  /**
   * Executes ticks until one batch closes.
   * @returns the batch, or undefined when there is nothing to execute.
   */
  nextBatch(): ExecutedBatch | undefined {
    if (!this.pending) return undefined;
    const oldRoots = this.state.roots();
    const firstTick = this.tick;
    const slots: SlotWitness[] = [];
    const messages: Message[] = [];
    const positions: number[] = [];
    for (;;) {
      const tick = this.tick++;
      for (const m of this.inFlight.splice(0)) slots.push(this.state.applyReceive(m, tick));
      let blocked = false;
      while (this.mempool.length > 0) {
        const { op, position } = this.mempool[0];
        const need = op.type === "SEND" ? 2 : 1;
        // in-flight messages hold the slots of their RECEIVEs in this batch
        if (slots.length + this.inFlight.length + need > this.slots) { blocked = true; break; }
        this.mempool.shift();
        try {
          const seq = op.type === "SEND" ? this.peekSeq(op.chainId, op.dstChain) : 0n;
          const { slot, message } = this.state.applySigned(op, tick, seq);
          slots.push(slot);
          positions.push(position);
          if (message) {
            this.nextSeq.set(`${message.srcChain}->${message.dstChain}`, seq + 1n);
            this.inFlight.push(message);
            messages.push(message);
          }
        } catch (e) {
          if (!(e instanceof OperationRejected)) throw e;
          this.rejected.push({ position, field: e.field, reason: e.reason });
        }
      }
      const full = slots.length >= this.slots;
      if (this.inFlight.length === 0 && (full || blocked || this.mempool.length === 0)) {
        const header: BatchHeader = { batchIndex: this.batchIndex++, firstTick, lastTick: tick, oldRoots, newRoots: this.state.roots() };
        return { header, slots, messages, positions };
      }
    }
  }

  private peekSeq(src: number, dst: number): bigint {
    return this.nextSeq.get(`${src}->${dst}`) ?? 0n;
  }
}
