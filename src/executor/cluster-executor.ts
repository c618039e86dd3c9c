import { ClusterState, OperationRejected } from "../state/cluster-state.js";
import type { SignedOperation } from "../protocol/operation.js";
import { BatchBuilder, type ClosedBatch } from "./batch-builder.js";

/** A closed batch of a workload: header, slots, messages, and which submitted operations it executed. */
export interface ExecutedBatch extends ClosedBatch {
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
 * Node-cluster executor: runs the N member chains in lockstep ticks and cuts the operations into
 * batches of at most B slots. One slot per user operation: its debit lane executes the signed
 * TRANSFER or SEND on the source chain, its credit lane delivers the message on the destination
 * chain in the same tick (every member executes in the same node-cluster, so a message is visible
 * at once; the circuit accepts any delivery within Δ ticks, and this is the earliest). Every batch
 * therefore closes drained. One tick per batch: the tick is the cluster block in which the batch's
 * operations execute. Ticks start at 1 (the settlement contract starts at lastSettledTick = 0).
 */
export class ClusterExecutor {
  private readonly mempool: { op: SignedOperation; position: number }[] = [];
  private readonly nextSeq = new Map<string, bigint>();
  private submitted = 0;
  private tick = 1;
  private batchIndex = 0n;
  readonly rejected: RejectedOperation[] = [];

  /**
   * @param state cluster state at genesis (or after the last executed batch).
   * @param slots B, operation slots per batch (>= 1).
   * @param deltaTicks Δ of the circuit instance, delivery bound (>= 1).
   * @throws RangeError naming `slots` or `deltaTicks` when out of range.
   */
  constructor(private readonly state: ClusterState, private readonly slots: number, readonly deltaTicks: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots: must be an integer >= 1, got ${slots}`);
    if (!Number.isInteger(deltaTicks) || deltaTicks < 1) throw new RangeError(`deltaTicks: must be an integer >= 1, got ${deltaTicks}`);
  }

  /** Queues a signed operation; it is validated when it executes. Returns its position. */
  submit(op: SignedOperation): number {
    const position = this.submitted++;
    this.mempool.push({ op, position });
    return position;
  }

  /** True while operations wait. */
  get pending(): boolean {
    return this.mempool.length > 0;
  }

  /**
   * Executes the next tick: operations in submission order until B slots are full; rejected ones
   * are recorded in `rejected` and take no slot.
   * @returns the batch, or undefined when no operation is left to execute.
   */
  nextBatch(): ExecutedBatch | undefined {
    const builder = new BatchBuilder(this.state, this.slots, this.batchIndex, this.tick, this.nextSeq);
    const positions: number[] = [];
    while (this.mempool.length > 0 && !builder.full) {
      const { op, position } = this.mempool.shift()!;
      try {
        builder.add(op);
        positions.push(position);
      } catch (e) {
        if (!(e instanceof OperationRejected)) throw e;
        this.rejected.push({ position, field: e.field, reason: e.reason });
      }
    }
    if (builder.size === 0) return undefined;
    this.tick++;
    this.batchIndex++;
    return { ...builder.close(), positions };
  }
}
