import type { CircuitInstance } from "../circuits/manifest.js";
import type { L1Deposit, SignedOperation } from "../protocol/operation.js";
import type { Genesis, GenesisAccount } from "../protocol/genesis.js";
import { canonicalDeposit, canonicalOperation, decodeStoredEntry, depositId, isDeposit, operationId } from "../protocol/operation-codec.js";
import type { ClusterStore } from "../store/cluster-store.js";
import { openCluster, type OpenCluster } from "./open-cluster.js";
import { FieldError } from "../config/field-error.js";
import { OperationRejected } from "../state/cluster-state.js";
import type { CircuitInput } from "../circuits/batch-input.js";

/**
 * A membership change at a batch boundary, as the Sequencer replays it: a member added (its N + 1
 * instance, genesis accounts and root) or a member removed (its chainId).
 */
export type SequencedMemberChange =
  | { kind: "add"; atBatch: number; inst: CircuitInstance; accounts: readonly GenesisAccount[]; genesisRoot: bigint }
  | { kind: "remove"; atBatch: number; chainId: number };

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
 * The executor with a durable record: runs each accepted operation at once into the open batch of
 * the cluster (OpenCluster), so an operation is validated against every operation accepted before
 * it, and closes the batch when its B slots are full, its tick deadline passes, or `closeNow`. Every accepted operation is committed to the store before `admit` returns, and
 * every closed batch (header, circuit input, its operations) in one transaction.
 *
 * Recovery: the state is never stored; it is rebuilt from the genesis by replaying the stored
 * operations in acceptance order — closed batches first (each replayed batch must give its stored
 * header back), then the open ones. Execution is deterministic (tick = batchIndex + 1, message
 * sequence numbers per pair), so no accepted operation is lost or executed twice.
 */
export class Sequencer {
  private openSeqs: number[] = [];
  private openedAt: number | undefined;

  private constructor(
    private readonly cluster: OpenCluster,
    private readonly store: ClusterStore,
    private readonly policy: BatchPolicy,
    private readonly onClosed: (index: number, input: CircuitInput) => void,
  ) {}

  /**
   * Rebuilds the executor from the genesis and the store (see the class comment) and closes a
   * batch that was full when the process stopped.
   * @param onClosed called with each batch closed from now on (not with batches recovered closed).
   * @param changes the members joint governance added (each with its N + 1 instance) and removed, in
   *   the order they happened: each is applied again at its batch boundary, before that batch is replayed.
   * @throws Error naming `store` when a replayed batch does not give its stored header (the store
   *   was changed or belongs to another genesis) or an addition's boundary is past the open batch,
   *   `genesis.<field>` when the genesis is invalid, or the field of OpenCluster.addMember.
   */
  static async recover(
    inst: CircuitInstance,
    genesis: Genesis,
    store: ClusterStore,
    policy: BatchPolicy,
    onClosed: (index: number, input: CircuitInput) => void,
    changes: readonly SequencedMemberChange[] = [],
  ): Promise<Sequencer> {
    const cluster = await openCluster(inst, genesis);
    const seq = new Sequencer(cluster, store, policy, onClosed);
    const count = store.batchCount();
    const late = changes.find((a) => a.atBatch > count);
    if (late) throw new FieldError("store", `the membership changed at batch ${late.atBatch}, but the store has only ${count} closed batches`);
    const addAt = (index: number) => {
      for (const c of changes) {
        if (c.atBatch !== index) continue;
        if (c.kind === "add") seq.addMember(c.inst, c.accounts, c.genesisRoot);
        else seq.removeMember(c.chainId);
      }
    };
    // One batch at a time (a store may hold many batches, each with its full circuit input).
    for (let index = 0; index < count; index++) {
      addAt(index);
      // Stored operations had their signatures checked when accepted; the stored header check below
      // catches a store that was changed since.
      for (const op of store.operationsOfBatch(index)) replay(cluster, decodeStored(op.body, op.seq));
      const replayed = cluster.close(true); // a stored batch without operations is a heartbeat
      const storedHeader = store.header(index)!;
      if (replayed.header.newRootsCommitment !== storedHeader.newRootsCommitment) {
        throw new FieldError(
          `store`,
          `replaying batch ${index} gives roots commitment ${replayed.header.newRootsCommitment}, stored ${storedHeader.newRootsCommitment}`,
        );
      }
    }
    addAt(count);
    for (const op of store.openOperations()) {
      replay(cluster, decodeStored(op.body, op.seq));
      seq.openSeqs.push(op.seq);
      seq.openedAt ??= Date.now();
      if (cluster.full) seq.closeOpenBatch();
    }
    return seq;
  }

  /** The circuit instance the open batch is built for (N + 1 members after `addMember`). */
  get inst(): CircuitInstance {
    return this.cluster.inst;
  }

  /**
   * Adds the next member chain at the open batch's boundary (OpenCluster.addMember), as ClusterSettlement
   * did at the same batch index (its MemberAdded event). It stores nothing: the caller records the
   * addition first (recordMemberChange), and recovery adds it again from that record.
   * @param genesisRoot the root L1 recorded for it: its genesis accounts must give it.
   * @throws OperationRejected naming `openBatch`, `members`, `depth` or `accounts[i].<field>` (OpenCluster.addMember),
   *   or `genesisRoot` when the accounts give another root; nothing changed but in that last case
   *   (the executor then holds a member L1 does not: restart).
   */
  addMember(next: CircuitInstance, accounts: readonly GenesisAccount[], genesisRoot: bigint): number {
    const added = this.cluster.addMember(next, accounts);
    if (added.genesisRoot !== genesisRoot)
      throw new OperationRejected("genesisRoot", `member ${added.chainId}'s genesis accounts give root ${added.genesisRoot}, L1 recorded ${genesisRoot}`);
    return added.chainId;
  }

  /**
   * Removes a member at the open batch's boundary (OpenCluster.removeMember), as ClusterSettlement did at
   * the same batch index. It stores nothing: the caller records the removal first (recordMemberChange).
   * @throws OperationRejected naming `openBatch` or `chainId`; nothing changed.
   */
  removeMember(chainId: number): void {
    this.cluster.removeMember(chainId);
  }

  /** The members joint governance removed (chainIds). */
  get removedMembers(): number[] {
    return this.cluster.removedMembers;
  }

  /** Member roots at genesis (index = chainId). */
  get genesisRoots(): bigint[] {
    return this.cluster.genesisRoots;
  }

  /** Member roots after every accepted operation (index = chainId). */
  roots(): bigint[] {
    return this.cluster.roots();
  }

  /** Poseidon commitment of the genesis roots (the settlement contract's initial one). */
  genesisCommitment(): bigint {
    return this.cluster.genesisCommitment();
  }

  /** Operations in the open batch. */
  get openSize(): number {
    return this.cluster.openSize;
  }

  /** Index of the open batch (= number of closed batches). */
  get openBatchIndex(): number {
    return this.cluster.openBatchIndex;
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
    this.cluster.admit(op);
    const seq = this.store.operationCount();
    try {
      this.store.insertOperation({ seq, id, body: canonicalOperation(op), acceptedAt: Date.now() });
    } catch (e) {
      // The state holds an operation the store does not: only a restart (replay) makes them agree again.
      throw new StoreFailure(`store: cannot record operation ${id}: ${(e as Error).message}`);
    }
    this.openSeqs.push(seq);
    this.openedAt ??= Date.now();
    if (this.cluster.full) this.closeOpenBatch();
    return { id, seq, duplicate: false };
  }

  /** Deposits of the L1 queue admitted so far (the queue position of the next one). */
  get nextDepositIndex(): bigint {
    return this.cluster.nextDepositIndex;
  }

  /**
   * Consumes the next deposit of the L1 queue into the open batch and commits it to the store (as an
   * entry of type DEPOSIT among the operations); closes the batch when it is full. A deposit admitted
   * before (its index is below nextDepositIndex) is not admitted again.
   * @throws OperationRejected naming `index` when it is not the next deposit (a gap: the caller reads
   *   the queue in order), or the field of ClusterState.applyDeposit: nothing changed, nothing stored.
   */
  admitDeposit(deposit: L1Deposit): Admission {
    const id = depositId(deposit);
    const before = this.store.operationById(id);
    if (before) return { id, seq: before.seq, duplicate: true };
    if (deposit.index < this.cluster.nextDepositIndex) throw new OperationRejected("index", `deposit ${deposit.index} was admitted with other contents`);
    this.cluster.admitDeposit(deposit);
    const seq = this.store.operationCount();
    try {
      this.store.insertOperation({ seq, id, body: canonicalDeposit(deposit), acceptedAt: Date.now() });
    } catch (e) {
      throw new StoreFailure(`store: cannot record deposit ${deposit.index}: ${(e as Error).message}`);
    }
    this.openSeqs.push(seq);
    this.openedAt ??= Date.now();
    if (this.cluster.full) this.closeOpenBatch();
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

  /** Closes the open batch now when it holds an operation (`run` at the end of its workload). @returns its index, or undefined. */
  closeNow(): number | undefined {
    return this.cluster.openSize > 0 ? this.closeOpenBatch() : undefined;
  }

  /**
   * Closes a heartbeat batch (NOOP slots only) when the open batch holds nothing: it settles to keep
   * the contract out of exodus mode while the cluster is quiet (ClusterNode decides when). It is stored
   * like any batch, and recovery replays it.
   * @returns its index, or undefined when the open batch holds operations (it closes with them).
   */
  closeHeartbeat(): number | undefined {
    return this.cluster.openSize === 0 ? this.closeOpenBatch(true) : undefined;
  }

  private closeOpenBatch(heartbeat = false): number {
    const closed = this.cluster.close(heartbeat);
    try {
      this.store.closeBatch(closed.header, closed.input, this.openSeqs, Date.now());
    } catch (e) {
      throw new StoreFailure(`store: cannot close batch ${closed.index}: ${(e as Error).message}`);
    }
    this.openSeqs = [];
    this.openedAt = undefined;
    this.onClosed(closed.index, closed.input);
    return closed.index;
  }
}

/** The store refused a write after the state changed: the process must restart (and replay). */
export class StoreFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreFailure";
  }
}

function decodeStored(body: string, seq: number): SignedOperation | L1Deposit {
  const entry = decodeStoredEntry(body);
  if ("reason" in entry) throw new FieldError(`store`, `operation ${seq} is not a valid operation or deposit: ${entry.field}: ${entry.reason}`);
  return entry;
}

/** Executes a stored entry again at recovery (signatures were checked when it was admitted). */
function replay(cluster: OpenCluster, entry: SignedOperation | L1Deposit): void {
  if (isDeposit(entry)) cluster.admitDeposit(entry);
  else cluster.admit(entry, true);
}
