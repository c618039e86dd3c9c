import { EddsaSigner } from "../crypto/eddsa.js";
import { getPoseidon } from "../crypto/poseidon.js";
import { batchCircuitInput, type CircuitInput } from "../circuits/batch-input.js";
import type { CircuitInstance } from "../circuits/manifest.js";
import { BatchBuilder, type ClosedBatch } from "./batch-builder.js";
import type { L1Deposit, Message, SignedOperation } from "../protocol/operation.js";
import { OperationRejected } from "../state/cluster-state.js";
import { ClusterState } from "../state/cluster-state.js";
import { applyGenesis, genesisDomain, type Genesis } from "../protocol/genesis.js";

/** A batch the executor closed, with its index and its ClusterBatch circuit input (NOOP-padded to B slots). */
export interface ClosedBatchInput extends ClosedBatch {
  index: number;
  input: CircuitInput;
}

/**
 * The node-cluster executor, in the open-batch shape every front door uses (`run`, `serve`, the
 * bench, the tests): `admit(op)` executes one signed operation at once into the open batch (one tick,
 * B slots; see BatchBuilder: its debit lane on the source chain, its credit lane delivering the
 * message on the destination chain in the same tick), so an operation is validated against every
 * operation admitted before it; `close()` ends the batch and gives its header and circuit input.
 * Ticks are batch index + 1 and message sequence numbers run per ordered chain pair, so the same
 * operations in the same order always give the same batches (what a replay relies on).
 * It keeps nothing on disk: the Sequencer (src/core/sequencer.ts) stores what it admits.
 */
export class OpenCluster {
  private open: BatchBuilder;
  private readonly nextSeq = new Map<string, bigint>();
  private index = 0;
  private depositsConsumed = 0n;

  /**
   * @param inst the circuit instance (N, D, B).
   * @param state the cluster state at genesis (mutated by `admit`).
   * @param poseidon hash from `getPoseidon()`.
   */
  constructor(
    readonly inst: CircuitInstance,
    private readonly state: ClusterState,
    private readonly poseidon: (x: bigint[]) => bigint,
  ) {
    this.genesisRoots = state.roots();
    this.open = this.newBatch();
  }

  /** Member roots at genesis (index = chainId). */
  readonly genesisRoots: bigint[];

  /** Operations in the open batch. */
  get openSize(): number {
    return this.open.size;
  }

  /** True when the open batch's B slots are all taken (`close` it before the next `admit`). */
  get full(): boolean {
    return this.open.full;
  }

  /** Index of the open batch (= number of closed batches). */
  get openBatchIndex(): number {
    return this.index;
  }

  /**
   * Executes a signed operation into the open batch.
   * @param signatureChecked true only when replaying operations whose signatures were checked when admitted.
   * @returns the message it sent (a TRANSFER's goes to its own chain; none for a WITHDRAW).
   * @throws OperationRejected naming the field (nonce, amount, signature, …) when it is invalid: nothing
   *   changed; RangeError when the open batch is full.
   */
  admit(op: SignedOperation, signatureChecked = false): Message | undefined {
    return this.open.add(op, signatureChecked);
  }

  /** Deposits of the L1 queue consumed so far (the index of the next one). */
  get nextDepositIndex(): bigint {
    return this.depositsConsumed;
  }

  /**
   * Consumes the next deposit of the L1 queue into the open batch (BatchBuilder.addDeposit): the
   * settlement contract accepts a batch only when its deposits are the next entries of its queue.
   * @throws OperationRejected naming `index` when it is not the next deposit of the queue, or the
   *   field of ClusterState.applyDeposit; RangeError when the open batch is full.
   */
  admitDeposit(deposit: L1Deposit): void {
    if (deposit.index !== this.depositsConsumed) {
      throw new OperationRejected("index", `deposit ${deposit.index} is not the next of the L1 queue (${this.depositsConsumed})`);
    }
    this.open.addDeposit(deposit);
    this.depositsConsumed++;
  }

  /**
   * Closes the open batch and opens the next one.
   * @param heartbeat close it even when it holds no operation: a heartbeat batch of NOOP slots, which
   *   settles only to show L1 the cluster is alive (ClusterNode, before the contract's exodus timeout).
   * @returns the batch with its index, header (roots before and after, their commitments) and circuit input.
   * @throws RangeError when the open batch holds no operation and `heartbeat` is not set.
   */
  close(heartbeat = false): ClosedBatchInput {
    if (this.open.size === 0 && !heartbeat) throw new RangeError(`batch ${this.index}: holds no operation, nothing to close`);
    const closed = this.open.close();
    const index = this.index++;
    this.open = this.newBatch();
    return { ...closed, index, input: batchCircuitInput(closed.header, closed.slots, this.inst.slots, this.inst.depth) };
  }

  /** Member roots after every admitted operation (index = chainId). */
  roots(): bigint[] {
    return this.state.roots();
  }

  /** Poseidon(domain, Poseidon(genesis roots)): the settlement contract's initial roots commitment. */
  genesisCommitment(): bigint {
    return this.state.rootsCommitment(this.genesisRoots);
  }

  private newBatch(): BatchBuilder {
    return new BatchBuilder(this.state, this.inst.slots, BigInt(this.index), this.index + 1, this.nextSeq, this.poseidon);
  }
}

/**
 * Opens the cluster at its genesis: the one way to create the executor.
 * @throws Error naming `genesis.<field>` when the genesis does not fit the instance (applyGenesis).
 */
export async function openCluster(inst: CircuitInstance, genesis: Genesis): Promise<OpenCluster> {
  const poseidon = await getPoseidon();
  const state = new ClusterState(inst.members, inst.depth, poseidon, await EddsaSigner.create(), genesisDomain(genesis));
  applyGenesis(state, genesis);
  return new OpenCluster(inst, state, poseidon);
}
