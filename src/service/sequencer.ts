import { EddsaSigner } from "../crypto/eddsa.js";
import { getPoseidon } from "../crypto/poseidon.js";
import { batchCircuitInput } from "../circuits/batch-input.js";
import type { CircuitInstance } from "../circuits/manifest.js";
import { BatchBuilder, type ClosedBatch } from "../executor/batch-builder.js";
import type { SignedOperation } from "../protocol/operation.js";
import { ClusterState } from "../state/cluster-state.js";
import { applyGenesis, genesisDomain, type Genesis } from "../workload/genesis.js";
import { canonicalOperation, decodeOperation, isMalformed, operationId } from "../workload/operation-codec.js";
import type { ServiceStore } from "./service-store.js";

/** When the sequencer closes the open batch (one tick). */
export interface BatchPolicy {
  /** Close a tick this many milliseconds after its first operation, even if slots are free (NOOP-padded). */
  tickDeadlineMs: number;
}

/** Result of admitting one operation. */
export interface Admission {
  id: string;
  seq: number;
  /** True when the same operation (same id) had been accepted before; nothing was executed again. */
  duplicate: boolean;
}

/**
 * The service's node-cluster executor: executes each accepted operation at once into the open
 * batch (one tick, B slots; see BatchBuilder), so an operation is validated against every
 * operation accepted before it, and closes the batch when its B slots are full or its tick
 * deadline passes. Every accepted operation is committed to the store before `admit` returns, and
 * every closed batch (header, circuit input, its operations) in one transaction.
 *
 * Recovery: the state is never stored; it is rebuilt from the genesis by replaying the stored
 * operations in acceptance order — closed batches first (each replayed batch must give its stored
 * header back), then the open ones. Execution is deterministic (tick = batchIndex + 1, message
 * sequence numbers per pair), so no accepted operation is lost or executed twice.
 */
export class Sequencer {
  private open: BatchBuilder;
  private openSeqs: number[] = [];
  private openedAt: number | undefined;
  private readonly nextSeq = new Map<string, bigint>();
  private nextBatchIndex: number;

  private constructor(private readonly inst: CircuitInstance, private readonly state: ClusterState, private readonly store: ServiceStore,
                      private readonly policy: BatchPolicy, private readonly onClosed: (index: number, input: Record<string, unknown>) => void,
                      /** Member roots at genesis (index = chainId). */
                      readonly genesisRoots: bigint[]) {
    this.nextBatchIndex = 0;
    this.open = this.newBatch();
  }

  /**
   * Rebuilds the executor from the genesis and the store (see the class comment) and closes a
   * batch that was full when the process stopped.
   * @param onClosed called with each batch closed from now on (not with batches recovered closed).
   * @throws Error naming `store` when a replayed batch does not give its stored header (the store
   *   was changed or belongs to another genesis), or `genesis.<field>` when the genesis is invalid.
   */
  static async recover(inst: CircuitInstance, genesis: Genesis, store: ServiceStore, policy: BatchPolicy,
                       onClosed: (index: number, input: Record<string, unknown>) => void): Promise<Sequencer> {
    const state = new ClusterState(inst.members, inst.depth, await getPoseidon(), await EddsaSigner.create(), genesisDomain(genesis));
    applyGenesis(state, genesis);
    const seq = new Sequencer(inst, state, store, policy, onClosed, state.roots());
    // One batch at a time (a store may hold many batches, each with its full circuit input).
    for (let index = 0, count = store.batchCount(); index < count; index++) {
      // Stored operations had their signatures checked when accepted; the stored header check below
      // catches a store that was changed since.
      for (const op of store.operationsOfBatch(index)) seq.open.add(decodeStored(op.body, op.seq), true);
      const replayed = seq.open.close();
      const storedHeader = store.header(index)!;
      if (replayed.header.newRootsCommitment !== storedHeader.newRootsCommitment) {
        throw new Error(`store: replaying batch ${index} gives roots commitment ${replayed.header.newRootsCommitment}, stored ${storedHeader.newRootsCommitment}`);
      }
      seq.nextBatchIndex = index + 1;
      seq.open = seq.newBatch();
    }
    for (const op of store.openOperations()) {
      seq.open.add(decodeStored(op.body, op.seq), true);
      seq.openSeqs.push(op.seq);
      seq.openedAt ??= Date.now();
      if (seq.open.full) seq.closeOpenBatch();
    }
    return seq;
  }

  /** Member roots after every accepted operation (index = chainId). */
  roots(): bigint[] {
    return this.state.roots();
  }

  /** Poseidon commitment of the genesis roots (the settlement contract's initial one). */
  genesisCommitment(): bigint {
    return this.state.rootsCommitment(this.genesisRoots);
  }

  /** Operations in the open batch. */
  get openSize(): number {
    return this.open.size;
  }

  /** Index of the open batch (= number of closed batches). */
  get openBatchIndex(): number {
    return this.nextBatchIndex;
  }

  /**
   * Executes a signed operation into the open batch and commits it to the store; closes the batch
   * when it is full. An operation accepted before (same id) is not executed again.
   * @throws OperationRejected naming the field (nonce, amount, signature, …) when it is invalid:
   *   nothing changed, nothing was stored.
   */
  admit(op: SignedOperation): Admission {
    const id = operationId(op);
    const before = this.store.operationById(id);
    if (before) return { id, seq: before.seq, duplicate: true };
    this.open.add(op);
    const seq = this.store.operationCount();
    try {
      this.store.insertOperation({ seq, id, body: canonicalOperation(op), acceptedAt: Date.now() });
    } catch (e) {
      // The state holds an operation the store does not: only a restart (replay) makes them agree again.
      throw new StoreFailure(`store: cannot record operation ${id}: ${(e as Error).message}`);
    }
    this.openSeqs.push(seq);
    this.openedAt ??= Date.now();
    if (this.open.full) this.closeOpenBatch();
    return { id, seq, duplicate: false };
  }

  /**
   * Closes the open batch when its tick deadline has passed (call it on a timer).
   * @returns the index of the batch closed, or undefined.
   */
  closeIfDue(now = Date.now()): number | undefined {
    if (this.openedAt === undefined || now - this.openedAt < this.policy.tickDeadlineMs) return undefined;
    return this.closeOpenBatch();
  }

  private closeOpenBatch(): number {
    const closed: ClosedBatch = this.open.close();
    const index = this.nextBatchIndex;
    const input = batchCircuitInput(closed.header, closed.slots, this.inst.slots, this.inst.depth);
    try {
      this.store.closeBatch(closed.header, input, this.openSeqs, Date.now());
    } catch (e) {
      throw new StoreFailure(`store: cannot close batch ${index}: ${(e as Error).message}`);
    }
    this.nextBatchIndex++;
    this.open = this.newBatch();
    this.openSeqs = [];
    this.openedAt = undefined;
    this.onClosed(index, input);
    return index;
  }

  private newBatch(): BatchBuilder {
    return new BatchBuilder(this.state, this.inst.slots, BigInt(this.nextBatchIndex), this.nextBatchIndex + 1, this.nextSeq);
  }
}

/** The store refused a write after the state changed: the process must restart (and replay). */
export class StoreFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreFailure";
  }
}

function decodeStored(body: string, seq: number): SignedOperation {
  const op = decodeOperation(body, seq);
  if (isMalformed(op)) throw new Error(`store: operation ${seq} is not a valid operation: ${op.field}: ${op.reason}`);
  return op;
}
