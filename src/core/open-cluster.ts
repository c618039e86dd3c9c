import { EddsaSigner } from "../crypto/eddsa.js";
import { getPoseidon } from "../crypto/poseidon.js";
import { batchCircuitInput, type CircuitInput } from "../circuits/batch-input.js";
import type { CircuitInstance } from "../circuits/manifest.js";
import { BatchBuilder, type ClosedBatch } from "./batch-builder.js";
import type { L1Deposit, Message, SignedOperation } from "../protocol/operation.js";
import { BALANCE_LIMIT, ClusterState, OperationRejected } from "../state/cluster-state.js";
import { applyGenesis, genesisDomain, type Genesis, type GenesisAccount } from "../protocol/genesis.js";
import { ETH_TOKEN_ID } from "../protocol/token.js";

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
  /** Members joint governance removed, by chainId, with the batch their roots froze at. */
  private readonly removedAt = new Map<number, number>();

  /**
   * @param inst the circuit instance (N, D, B).
   * @param state the cluster state at genesis (mutated by `admit`).
   * @param poseidon hash from `getPoseidon()`.
   */
  constructor(
    inst: CircuitInstance,
    private readonly state: ClusterState,
    private readonly poseidon: (x: bigint[]) => bigint,
  ) {
    this.instance = inst;
    this.genesisRoots = state.roots();
    this.open = this.newBatch();
  }

  private instance: CircuitInstance;

  /** The circuit instance (N, D, B) the open batch is built for; `addMember` switches it to N + 1. */
  get inst(): CircuitInstance {
    return this.instance;
  }

  /**
   * Adds member chain N at the boundary of the open batch (joint governance, seed 004: what
   * ClusterGovernance's ADD_MEMBER executes on L1 at the same batch index): from the open batch on,
   * batches are built for `next` (N + 1 members, set up beforehand) and the new member starts from its
   * genesis root. Its L1 escrow starts empty, so its genesis holds no ETH (a balance of another token
   * can move inside the chain but never leave it, as at the cluster's genesis).
   * @param next the instance of N + 1 members, same depth D.
   * @param accounts the new member's genesis accounts (chainId = N).
   * @returns the new member's chainId and genesis root (what the ADD_MEMBER proposal carries).
   * @throws OperationRejected naming `openBatch` when the open batch holds an operation or a deposit,
   *   `members` or `depth` when `next` is not this instance plus one member, or `accounts[i].<field>`
   *   (chainId, balance, index) for a bad account; nothing changed.
   */
  addMember(next: CircuitInstance, accounts: readonly GenesisAccount[]): { chainId: number; genesisRoot: bigint } {
    const n = this.state.members;
    if (this.open.size !== 0)
      throw new OperationRejected("openBatch", `batch ${this.index} holds ${this.open.size} operation(s): a member joins only at a batch boundary`);
    if (next.members !== n + 1) throw new OperationRejected("members", `instance "${next.name}" has ${next.members} members, expected ${n + 1}`);
    if (next.depth !== this.instance.depth)
      throw new OperationRejected("depth", `instance "${next.name}" has depth ${next.depth}, the cluster ${this.instance.depth}`);
    const seen = new Set<bigint>();
    accounts.forEach((a, i) => {
      if (a.chainId !== n) throw new OperationRejected(`accounts[${i}].chainId`, `must be the new member's chainId ${n}, got ${a.chainId}`);
      if (a.tokenId === ETH_TOKEN_ID && a.balance !== 0n)
        throw new OperationRejected(`accounts[${i}].balance`, "a new member's ETH escrow on L1 is 0: its genesis ETH balances must be 0");
      if (a.index < 0n || a.index >= 1n << BigInt(this.instance.depth))
        throw new OperationRejected(`accounts[${i}].index`, `must be in 0..2^${this.instance.depth}-1`);
      if (a.balance >= BALANCE_LIMIT) throw new OperationRejected(`accounts[${i}].balance`, "must be in 0..2^128-1");
      if (seen.has(a.index)) throw new OperationRejected(`accounts[${i}].index`, `account ${a.index} appears twice`);
      seen.add(a.index);
    });
    const chainId = this.state.addMember();
    for (const a of accounts) this.state.createAccount(chainId, a.index, { ax: a.ax, ay: a.ay, tokenId: a.tokenId, balance: a.balance, nonce: 0n });
    this.instance = next;
    this.open = this.newBatch();
    return { chainId, genesisRoot: this.state.roots()[chainId] };
  }

  /**
   * Removes member `chainId` at the open batch's boundary (joint governance's REMOVE_MEMBER, as
   * ClusterSettlement.removeMember did at the same batch index): from the open batch on its root is
   * frozen, so no operation from or to it, and no deposit to it, is admitted; its accounts exit on L1
   * from the frozen root. The circuit instance stays the same (N members).
   * @throws OperationRejected naming `openBatch` when the open batch holds an operation, or `chainId`
   *   for a member that is not in the cluster or was removed already; nothing changed.
   */
  removeMember(chainId: number): void {
    if (this.open.size !== 0)
      throw new OperationRejected("openBatch", `batch ${this.index} holds ${this.open.size} operation(s): a member leaves only at a batch boundary`);
    if (!Number.isInteger(chainId) || chainId < 0 || chainId >= this.state.members) throw new OperationRejected("chainId", `no member ${chainId}`);
    if (this.removedAt.has(chainId)) throw new OperationRejected("chainId", `member ${chainId} was removed at batch ${this.removedAt.get(chainId)}`);
    this.removedAt.set(chainId, this.index);
  }

  /** The members joint governance removed (chainIds, ascending). */
  get removedMembers(): number[] {
    return [...this.removedAt.keys()].sort((a, b) => a - b);
  }

  /** @throws OperationRejected naming `field` when `chainId` is a removed member. */
  private refuseRemoved(chainId: number, field: string): void {
    const at = this.removedAt.get(chainId);
    if (at !== undefined) throw new OperationRejected(field, `member ${chainId} was removed by joint governance at batch ${at}: its root is frozen`);
  }

  /** Member roots at the cluster's genesis (index = chainId; a member added later is not in it). */
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
   * @throws OperationRejected naming the field (nonce, amount, signature, …) when it is invalid, `chainId`
   *   or `dstChain` for a removed member: nothing changed; RangeError when the open batch is full.
   */
  admit(op: SignedOperation, signatureChecked = false): Message | undefined {
    this.refuseRemoved(op.chainId, "chainId");
    this.refuseRemoved(op.dstChain, "dstChain");
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
    this.refuseRemoved(deposit.chainId, "chainId");
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
