import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ClusterSettlementClient } from "../l1/settlement-client.js";
import type { L1Deposit, SignedOperation } from "../protocol/operation.js";
import { OperationRejected } from "../state/cluster-state.js";
import type { Logger } from "pino";
import { publicSignals, type CircuitInput } from "../circuits/batch-input.js";
import { proofEncodingProblem } from "../prover/proof-encoding.js";
import { ProverPool, verifyGroth16, type ProverBackend, type ProveResult } from "../prover/prover-pool.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { genesisEthEscrow, parseGenesis, type Genesis } from "../protocol/genesis.js";
import { defaultConfirmationDepth } from "../l1/finality.js";
import { L1Submitter } from "../l1/l1-submitter.js";
import { NodeMetrics } from "./metrics.js";
import { LocalProofQueue, type ProofQueue, type ResultOrigin } from "../prover/proof-queue.js";
import { Sequencer, StoreFailure, type Admission } from "./sequencer.js";
import { connectL1, type L1Connection } from "../l1/connect.js";
import type { DeploymentParameters } from "../l1/deploy.js";
import { ClusterStore, type BatchStatus } from "../store/cluster-store.js";
import { toJson } from "../protocol/json.js";
import { FieldError } from "../config/field-error.js";
import { SignatureCollector, type SignatureReceipt, type SignedClaimRequest } from "../governance/signature-collector.js";
import { claimView, fastConfirmationView, type BatchEntriesView, type ClaimSignaturesView } from "../governance/claim-views.js";
import { type RegistryConfig, registryClient } from "../governance/registry.js";
import {
  type MemberAddedEvent,
  type MemberRemovedEvent,
  type QueuedMemberChange,
  checkAddMember,
  decodeAddMember,
  governanceClient,
  memberAddedEvents,
  queuedMemberChanges,
  memberRemovedEvents,
  decodeRemoveMember,
} from "../governance/joint-governance.js";
import { type MemberAddition, recordMemberChange, recordedMemberChanges } from "./member-changes.js";
import { describeRevert } from "../l1/revert.js";

/**
 * Attempts of one batch (each refused result or passed proving deadline queues a new job) queued
 * again at once; later attempts wait 2, 4, … up to MAX_REQUEUE_DELAY_MS, and `/readyz` names the batch
 * until a proof fits. Proving is never given up: once honest provers are back, the batch settles.
 */
const ATTEMPTS_BEFORE_BACKOFF = 8;
/** Longest wait before a batch whose results keep being refused is queued again (ms). */
const MAX_REQUEUE_DELAY_MS = 60_000;

/** What a cluster node runs with: `serve` and `run` fill it from their validated options. */
export interface NodeConfig {
  /** Folder of the store. */
  dataDir: string;
  /** File name of the SQLite store in `dataDir` (default service.sqlite). */
  storeFile?: string;
  genesis: Genesis;
  rpcUrl?: string;
  privateKey?: string;
  /** Prover pool workers of the embedded queue (0: this process proves nothing; remote provers must, via --redis-url). */
  workers: number;
  singleThread: boolean;
  backend?: ProverBackend;
  /** A tick closes this long after its first operation when its slots are not full (ms); undefined: only `closeOpenBatch` closes it (run). */
  tickDeadlineMs?: number;
  settleBatches: number;
  /** Send only full groups of settleBatches (but the last): see SubmitterOptions.fillGroups (`run`). */
  fillSettleGroups?: boolean;
  /** Most accepted-but-unsettled operations; more gets HTTP 429 (default: no bound). */
  queueLimit?: number;
  /** RPC backoff bounds (ms). */
  rpcRetryMinMs: number;
  rpcRetryMaxMs: number;
  /** L1 blocks below the head at which a batch counts as settled (default: defaultConfirmationDepth of the L1). */
  confirmations?: number;
  /** A batch waiting for its proof longer than this (ms) makes `/readyz` answer 503 (default 30 minutes). */
  provingAgeLimitMs?: number;
  /** Parameters of the contract the node deploys on first start (default: deploy.ts's defaults). */
  deployment?: DeploymentParameters;
  /** Parameters of the GovernorRegistry the node deploys beside it (default: DEFAULT_REGISTRY_CONFIG). */
  registry?: Partial<RegistryConfig>;
  /** Seconds from a proposal's quorum to its execution in the ClusterGovernance the node deploys (default DEFAULT_GOVERNANCE_TIMELOCK_SECONDS). */
  governanceTimelockSeconds?: number;
  /** How often the node reads new Deposited events of its contract, and checks for a heartbeat (ms; default 1000). */
  depositPollMs?: number;
  /**
   * L1 blocks without a settlement after which a quiet node (nothing open, every batch settled) closes
   * a heartbeat batch, so the contract never enters exodus mode while the node lives. Default: half the
   * contract's exodusTimeoutBlocks when the tick timer runs (tickDeadlineMs: serve), never otherwise; 0: never.
   */
  heartbeatBlocks?: number;
  /** Proof queue factory: default the embedded LocalProofQueue on `workers` piscina workers. Called again for each N + 1 instance the node switches to. */
  proofQueue?: (prepared: PreparedInstance, log: Logger) => Promise<ProofQueue>;
  /**
   * Instances of N + 1, N + 2, … members set up beforehand (`serve --next-instance`): when joint
   * governance queues an ADD_MEMBER whose verifier is one of theirs, the node holds that batch
   * boundary, executes the proposal once its timelock is over, and switches to it (see followJointGovernance).
   */
  successors?: PreparedInstance[];
}

/** The node's state at a glance (GET /v1/status); roots as decimal strings, index = chainId. */
export interface NodeStatus {
  instance: string;
  members: number;
  slots: number;
  deltaTicks: number;
  /** ClusterSettlement's address ("" before start). */
  settlement: string;
  /** Its GovernorRegistry's address ("" before start). */
  registry: string;
  /** Its ClusterGovernance's address: joint governance of members, verifier key, Δ, deadlines ("" before start). */
  governance: string;
  rpcUrl: string;
  proofQueue: string;
  confirmations: number;
  operations: number;
  unsettledOperations: number;
  queueLimit: number | undefined;
  openBatch: { batchIndex: number; operations: number };
  batches: Record<BatchStatus, number>;
  /** The executor's roots after every accepted operation. */
  roots: string[];
  /** The roots after the last settled (final) batch. */
  settledRoots: string[];
  /** The members joint governance added, each with the batch it joined at and the instance the node switched to. */
  memberAdditions: { chainId: number; atBatch: number; instance: string }[];
  /** The members joint governance removed, each with the batch its root froze at. */
  removedMembers: { chainId: number; atBatch: number }[];
  /**
   * A queued ADD_MEMBER or REMOVE_MEMBER whose boundary the node holds (nothing enters batch `atBatch`
   * until it executes): the instance it switches to (add) or the member it removes; or null.
   */
  pendingMemberChange: { proposal: string; kind: "add" | "remove"; atBatch: number; instance?: string; chainId: number; executableAt: number } | null;
}

/** A queued membership change the node holds the boundary of: with the set-up it will switch to (add), or the member (remove). */
interface PendingChange {
  kind: "add" | "remove";
  id: bigint;
  atBatch: number;
  /** Its abi-encoded parameters (what `execute` takes). */
  params: string;
  /** L1 time (s) from which it may execute. */
  executableAt: bigint;
  /** The member added (N) or removed. */
  chainId: number;
  /** The N + 1 set-up (add only). */
  next?: PreparedInstance;
}

/**
 * The one pipeline core behind every front door: executor (Sequencer over OpenCluster) → proof
 * queue → L1 submitter, every step recorded in the SQLite store first, so that a restart after a
 * crash at any point resumes (see Sequencer, L1Submitter and README "Recovery guarantee"). `serve`
 * runs it with the HTTP API and the tick timer; `run` feeds it a workload file and exports its run
 * folder; the bench and the end-to-end test call it as `run` does.
 */
export class ClusterNode {
  readonly metrics: NodeMetrics;
  private tickTimer: NodeJS.Timeout | undefined;
  private proofFailure: string | undefined;
  /** Batches whose results keep being refused (past ATTEMPTS_BEFORE_BACKOFF): the /readyz reason, until a proof is stored. */
  private readonly provingTrouble = new Map<number, string>();
  /** Requeues waiting out their backoff (cleared at stop). */
  private readonly requeueTimers = new Set<NodeJS.Timeout>();
  private queueStarted = false;
  /** State of the start-up reconcile with L1 (see reconcileInBackground). */
  private reconcile: { done: boolean; failure?: string } = { done: false };
  private reconciling: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly stopSignal = new AbortController();
  /** Largest memory (V8 heap + external) a prover worker reported after a proof (bytes; the local pool only). */
  peakProverMemoryBytes = 0;
  /** Confirmation depth of the submitter (L1 blocks), after start. */
  private confirmations = 0;
  /** Why the deposit queue cannot be read or admitted right now (a /readyz reason), or undefined. */
  private depositTrouble: string | undefined;

  /** The instance the open batch is built and proved for: the base one, or the N + 1 instance of the last member added. */
  private current: PreparedInstance;
  private pendingChange: PendingChange | undefined;
  /** The boundary of a MemberAdded the node is switching to (held meanwhile), or undefined. */
  private switchingAt: number | undefined;
  /** Why the node cannot follow joint governance right now (a /readyz reason), or undefined. */
  private governanceTrouble: string | undefined;
  /** First L1 block of joint governance's events not read yet (Queued, MemberAdded). */
  private governanceFrom = 0;
  /**
   * Queued membership changes this node cannot follow (parameters that do not decode, an addition no
   * set-up of the node fits, a removal of no active member), by proposal id: each is a /readyz reason
   * until its boundary has passed (it can no longer execute then).
   */
  private readonly refusedChanges = new Map<bigint, { atBatch: number; reason: string }>();

  private sequencer: Sequencer | undefined;
  private queue: ProofQueue | undefined;
  private l1: L1Connection | undefined;
  private submitter: L1Submitter | undefined;
  private collector: SignatureCollector | undefined;

  /**
   * @param base the instance of the cluster's genesis (the store's, and the one the settlement was deployed for).
   */
  private constructor(
    readonly config: NodeConfig,
    readonly base: PreparedInstance,
    readonly store: ClusterStore,
    private readonly log: Logger,
  ) {
    this.current = base;
    this.metrics = new NodeMetrics(
      () => {
        const counts = this.store.batchCounts();
        return {
          openOperations: this.sequencer?.openSize ?? 0,
          provingBatches: counts.proving,
          provedBatches: counts.proved,
          includedBatches: counts.included,
          unsettledOperations: this.store.unsettledOperationCount(),
          proofQueueJobs: this.queue?.depth() ?? 0,
        };
      },
      () => this.oldestUnprovedAgeMs() / 1000,
    );
  }

  /**
   * Opens the store (taking its lock), recovers the executor state, connects the L1 (deploying on
   * first start), starts the proof queue, re-queues unproved batches and starts the tick timer (with
   * tickDeadlineMs). It resolves once started: the reconcile of settlements with the contract
   * (which waits for the receipt of a settle transaction left pending by the last run, however long
   * the L1 takes) runs in the background; until it is done `/readyz` answers 503 with
   * `reconciling settlements with L1`, operations are admitted, and nothing new is settled
   * (`whenReconciled` resolves when it is done).
   * @throws StoreInUse (field `dataDir`) when another process holds the store; Error naming the
   *   field when the store belongs to another instance or genesis, or the L1 and the store disagree
   *   (see connectL1); what was started is stopped and the store closed again.
   */
  static async start(config: NodeConfig, prepared: PreparedInstance, log: Logger): Promise<ClusterNode> {
    const store = new ClusterStore(join(config.dataDir, config.storeFile ?? "service.sqlite"));
    let genesis: Genesis;
    try {
      genesis = adoptGenesis(store, prepared.inst.name, config.genesis);
    } catch (e) {
      store.close();
      throw e;
    }
    const node = new ClusterNode(config, prepared, store, log);
    try {
      await node.boot(genesis);
      return node;
    } catch (e) {
      await node.stop(); // what boot started (devnet, provers, connections) ends; the store closes
      throw e;
    }
  }

  /** The instance the open batch is built and proved for (the base one until joint governance adds a member). */
  get prepared(): PreparedInstance {
    return this.current;
  }

  /** The name of the circuit instance batch `index` is (or will be) proved with: the last member addition at or before it, else the base instance. */
  instanceOfBatch(index: number): string {
    return (
      this.additions()
        .filter((a) => a.atBatch <= index)
        .at(-1)?.instance ?? this.base.inst.name
    );
  }

  /** The member additions recorded in the store. */
  private additions(): MemberAddition[] {
    return recordedMemberChanges(this.store).filter((c): c is MemberAddition => c.kind === "add");
  }

  /**
   * The set-up of a recorded member addition's instance among `successors`.
   * @throws FieldError naming `successors` when the node was not given it.
   */
  private successorNamed(name: string): PreparedInstance {
    const found = this.config.successors?.find((p) => p.inst.name === name);
    if (!found)
      throw new FieldError("successors", `the store has a member added with instance "${name}": start the node with its set-up (--next-instance ${name})`);
    return found;
  }

  private async boot(genesis: Genesis): Promise<void> {
    const c = this.config;
    const started = performance.now();
    const changes = recordedMemberChanges(this.store).map((m) => (m.kind === "add" ? { ...m, inst: this.successorNamed(m.instance).inst } : m));
    this.sequencer = await Sequencer.recover(
      this.base.inst,
      genesis,
      this.store,
      { tickDeadlineMs: c.tickDeadlineMs ?? Number.POSITIVE_INFINITY },
      (index, input) => this.onBatchClosed(index, input),
      changes,
    );
    const last = this.additions().at(-1);
    this.current = last ? this.successorNamed(last.instance) : this.base;
    const counts = this.store.batchCounts();
    this.log.info(
      { operations: this.store.operationCount(), openOperations: this.sequencer.openSize, batches: counts, ms: Math.round(performance.now() - started) },
      "executor state recovered from the store",
    );

    this.l1 = await connectL1(
      this.store,
      this.base,
      {
        roots: this.sequencer.genesisRoots,
        commitment: this.sequencer.genesisCommitment(),
        clusterId: genesis.clusterId,
        l1ChainId: genesis.l1ChainId,
        ethEscrow: genesisEthEscrow(genesis),
        accounts: genesis.accounts,
      },
      c,
      this.log,
    );
    this.collector = new SignatureCollector(this.store, registryClient(this.l1.deployment.registry!, this.l1.provider), this.l1.deployment.settlement);
    this.queue = await this.openProofQueue(this.current);
    this.queueStarted = true;
    for (const b of this.store.unprovedBatches()) {
      this.log.info({ batchIndex: b.batchIndex }, "re-queueing unproved batch");
      await this.queue.submit({ instance: this.prepared.inst.name, batchIndex: b.batchIndex, input: JSON.parse(b.input) });
    }

    this.confirmations = c.confirmations ?? defaultConfirmationDepth(BigInt(this.l1.deployment.chainId), this.l1.devnet !== undefined);
    this.submitter = new L1Submitter(this.store, this.l1.settlement, this.l1.wallet, this.log, this.metrics, {
      settleBatches: c.settleBatches,
      fillGroups: c.fillSettleGroups,
      rebroadcastMs: 30_000,
      pollMs: 100,
      fromBlock: this.l1.deployment.blockNumber,
      confirmations: this.confirmations,
      retry: { minTimeoutMs: c.rpcRetryMinMs, maxTimeoutMs: c.rpcRetryMaxMs, retries: Number.POSITIVE_INFINITY },
    });
    // The reconcile may wait for the receipt of a pending settle transaction as long as the L1 takes
    // to mine it: it runs in the background, and /readyz says so until it is done.
    this.reconciling = this.reconcileInBackground();

    this.governanceFrom = this.l1.deployment.blockNumber ?? 0;
    void this.watchDeposits(this.l1.deployment.blockNumber ?? 0); // stops with `stopping`; never rejects

    if (c.tickDeadlineMs !== undefined) this.tickTimer = setInterval(() => this.closeDueTick(), Math.max(20, Math.min(250, c.tickDeadlineMs / 4)));
    this.log.info(
      {
        instance: this.prepared.inst.name,
        settlement: this.l1.deployment.settlement,
        registry: this.l1.deployment.registry,
        governance: this.l1.deployment.governance,
        rpcUrl: this.l1.rpcUrl,
        proofQueue: this.queue.kind,
        queueLimit: c.queueLimit,
        confirmations: this.confirmations,
        reconciled: this.reconcile.done,
      },
      "cluster node started",
    );
  }

  /**
   * Reconciles the store with the contract (L1Submitter.reconcile), then starts the submitter.
   * Until it is done, `readiness` says `reconciling settlements with L1` (operations are still
   * admitted); a failure (not an RPC error: those are retried inside) is shown by `readiness`,
   * refuses new operations, and is tried again every `rpcRetryMaxMs`. Never rejects.
   */
  private async reconcileInBackground(): Promise<void> {
    const started = performance.now();
    while (!this.stopping) {
      try {
        await this.submitter!.reconcile();
        if (this.stopping) return;
        this.reconcile = { done: true };
        this.submitter!.start();
        this.log.info({ ms: Math.round(performance.now() - started) }, "settlements reconciled with L1; submitter started");
        return;
      } catch (e) {
        if (this.stopping) return;
        this.reconcile = { done: false, failure: (e as Error).message };
        this.log.error(
          { err: (e as Error).message, retryInMs: this.config.rpcRetryMaxMs },
          "reconciling settlements with L1 failed; operations are refused until it succeeds",
        );
        await sleep(this.config.rpcRetryMaxMs, undefined, { signal: this.stopSignal.signal }).catch(() => {});
      }
    }
  }

  /**
   * Reads the contract's deposit queue from its Deposited events, `confirmations` blocks below the
   * head, every depositPollMs, and admits each new deposit in queue order (Sequencer.admitDeposit;
   * one seen before is a duplicate). A deposit the executor cannot take stops the queue there: it is
   * logged, `/readyz` names it, and it is tried again at the next poll. Each poll also checks for a
   * heartbeat (heartbeatIfQuiet). Never rejects.
   */
  private async watchDeposits(fromBlock: number): Promise<void> {
    let from = fromBlock;
    const settlement = this.l1!.settlement;
    while (!this.stopping) {
      try {
        const to = (await this.l1!.provider.getBlockNumber()) - this.confirmations;
        await this.followJointGovernance(to);
        // a held boundary takes no deposit either (read again once the member is added)
        if (to >= from && !this.heldBoundary()) {
          const events = await settlement.queryFilter(settlement.filters.Deposited(), from, to);
          if (this.stopping) return; // the store may be closed by now
          const deposits = events
            .map((e) => depositOfEvent((e as unknown as { args: Record<string, unknown> }).args))
            .sort((a, b) => (a.index < b.index ? -1 : 1));
          for (const d of deposits) this.admitDeposit(d);
          from = to + 1;
        }
        this.depositTrouble = undefined;
      } catch (e) {
        if (this.stopping) return;
        if (e instanceof StoreFailure) this.onFatal(e);
        const reason = e instanceof OperationRejected ? `${e.field}: ${e.reason}` : (e as Error).message;
        if (this.depositTrouble !== reason) this.log.error({ err: reason }, "the L1 deposit queue cannot be admitted; trying again");
        this.depositTrouble = `deposit queue: ${reason}`;
      }
      await this.heartbeatIfQuiet().catch((e) => {
        if (!this.stopping) this.log.warn({ err: (e as Error).message }, "heartbeat check failed; trying again");
      });
      await sleep(this.config.depositPollMs ?? 1000, undefined, { signal: this.stopSignal.signal }).catch(() => {});
    }
  }

  /**
   * Follows joint governance up to L1 block `to` (each poll of watchDeposits): a queued ADD_MEMBER or
   * REMOVE_MEMBER makes the node hold its boundary (holdMemberChange), a due one is executed by the node
   * itself (anyone may send `execute`), a MemberAdded event switches the executor and the provers to the
   * N + 1 instance (switchToAddedMember), a MemberRemovedAt event freezes the member in the executor
   * (freezeRemovedMember). A queued change the node cannot follow is refused on its own (holdOrRefuse);
   * any other failure is shown by `/readyz` and the block range is read again at the next poll.
   * @throws StoreFailure when the store refuses the change's record (the caller exits).
   */
  private async followJointGovernance(to: number): Promise<void> {
    const address = this.l1!.deployment.governance;
    if (!address) return;
    try {
      if (to >= this.governanceFrom) {
        const governance = governanceClient(address, this.l1!.provider);
        for (const q of await queuedMemberChanges(governance, this.governanceFrom, to)) await this.holdOrRefuse(q);
        for (const e of await memberAddedEvents(this.l1!.settlement, this.governanceFrom, to)) await this.switchToAddedMember(e);
        for (const e of await memberRemovedEvents(this.l1!.settlement, this.governanceFrom, to)) this.freezeRemovedMember(e);
        this.governanceFrom = to + 1;
      }
      for (const [id, r] of this.refusedChanges) if (r.atBatch < this.sequencer!.openBatchIndex) this.refusedChanges.delete(id);
      await this.executeDueChange();
      this.governanceTrouble = undefined;
    } catch (e) {
      if (this.stopping || e instanceof StoreFailure) throw e;
      const reason = e instanceof FieldError || e instanceof OperationRejected ? `${e.field}: ${e.reason}` : (e as Error).message;
      if (this.governanceTrouble !== `joint governance: ${reason}`) this.log.error({ err: reason }, "joint governance cannot be followed; trying again");
      this.governanceTrouble = `joint governance: ${reason}`;
    }
  }

  /**
   * Follows one queued membership change (holdMemberChange). One the node cannot follow is refused on its
   * own: logged, kept as a `/readyz` reason (refusedChanges) and left, so the events after it are still read.
   * @throws what holdMemberChange throws other than FieldError and OperationRejected (an RPC failure: the
   *   block range is read again at the next poll).
   */
  private async holdOrRefuse(q: QueuedMemberChange): Promise<void> {
    try {
      await this.holdMemberChange(q);
    } catch (e) {
      if (!(e instanceof FieldError || e instanceof OperationRejected)) throw e;
      const reason = `${e.field}: ${e.reason}`;
      this.refusedChanges.set(q.id, { atBatch: q.atBatch, reason });
      this.log.error(
        { proposal: String(q.id), kind: q.kind, atBatch: q.atBatch, err: reason },
        "queued membership change refused: this node cannot follow it; it holds nothing for it",
      );
    }
  }

  /**
   * Holds the boundary of a queued ADD_MEMBER or REMOVE_MEMBER (2/3 of the stake approved it): from the
   * moment batch `atBatch` opens, no operation, deposit or heartbeat enters it until the proposal
   * executes on L1, so that batch is the first of the new membership on both sides. An addition's
   * set-up is the successor whose verifier, Poseidon contract, B and genesis root the parameters name
   * (checkAddMember). One that has executed, or whose boundary the node has passed, is logged and left
   * (it can no longer execute).
   * @throws FieldError naming `successors` when no set-up the node has fits an addition, `params` when a
   *   removal names no member of the cluster (the node then holds nothing and `/readyz` says why).
   */
  private async holdMemberChange(q: QueuedMemberChange): Promise<void> {
    if (q.executed || this.pendingChange?.id === q.id) return;
    const open = this.sequencer!.openBatchIndex;
    if (q.atBatch < open || (q.atBatch === open && this.sequencer!.openSize > 0)) {
      this.log.warn(
        { proposal: String(q.id), atBatch: q.atBatch, openBatch: open },
        "queued membership change: this node has passed its boundary; it can no longer execute",
      );
      return;
    }
    if (this.pendingChange) {
      this.log.warn(
        { proposal: String(q.id), pending: String(this.pendingChange.id) },
        "queued membership change: another one is pending; propose it again after that one",
      );
      return;
    }
    const n = this.sequencer!.inst.members;
    if (q.kind === "remove") {
      const chainId = decodeRemoveMember(q.params);
      if (chainId >= n || this.sequencer!.removedMembers.includes(chainId))
        throw new FieldError("params", `REMOVE_MEMBER proposal ${q.id} names member ${chainId}, which is not an active member of this cluster`);
      this.pendingChange = { kind: "remove", id: q.id, atBatch: q.atBatch, params: q.params, executableAt: q.executableAt, chainId };
      this.log.info(
        { proposal: String(q.id), atBatch: q.atBatch, chainId, executableAt: Number(q.executableAt) },
        "queued REMOVE_MEMBER: holding its batch boundary until it executes",
      );
      return;
    }
    const params = decodeAddMember(q.params);
    const problems: string[] = [];
    for (const next of this.config.successors ?? []) {
      if (next.inst.members !== n + 1 || next.inst.depth !== this.current.inst.depth) continue;
      try {
        await checkAddMember(this.l1!.provider, params, next);
      } catch (e) {
        if (!(e instanceof FieldError)) throw e; // an RPC failure: read again at the next poll
        problems.push(`${next.inst.name}: ${e.message}`);
        continue;
      }
      this.pendingChange = { kind: "add", id: q.id, atBatch: q.atBatch, params: q.params, executableAt: q.executableAt, chainId: n, next };
      this.log.info(
        { proposal: String(q.id), atBatch: q.atBatch, instance: next.inst.name, executableAt: Number(q.executableAt) },
        "queued ADD_MEMBER: holding its batch boundary until it executes",
      );
      return;
    }
    throw new FieldError(
      "successors",
      `ADD_MEMBER proposal ${q.id} (member ${n} at batch ${q.atBatch}) fits no set-up of this node${problems.length ? ` (${problems.join("; ")})` : ""}: restart it with --next-instance <the N + 1 instance>`,
    );
  }

  /** The batch index the node holds for a pending member addition (or a switch in progress) while it is the open batch, or undefined. */
  private heldBoundary(): number | undefined {
    const open = this.sequencer?.openBatchIndex;
    if (open === undefined) return undefined;
    return open === this.pendingChange?.atBatch || open === this.switchingAt ? open : undefined;
  }

  /** Why the open batch takes nothing now (a held member-addition boundary), or undefined. */
  private holdReason(): string | undefined {
    const at = this.heldBoundary();
    if (at === undefined) return undefined;
    const p = this.pendingChange;
    if (!p || p.kind === "add") {
      const when = p ? `ADD_MEMBER proposal ${p.id}, executable from ${new Date(Number(p.executableAt) * 1000).toISOString()}` : "switching provers";
      return `batch ${at} is held for a member to join (${when}): operations are taken again once it has joined`;
    }
    const when = `REMOVE_MEMBER proposal ${p.id}, executable from ${new Date(Number(p.executableAt) * 1000).toISOString()}`;
    return `batch ${at} is held for member ${p.chainId} to leave (${when}): operations are taken again once it has left`;
  }

  /**
   * Sends `execute` of the pending membership change once its timelock is over and every batch before
   * its boundary has settled (the contract's own conditions; nothing of the node's is in flight then).
   * A revert (a governor executed it first) is logged: the MemberAdded / MemberRemovedAt event is what
   * switches the node.
   */
  private async executeDueChange(): Promise<void> {
    const p = this.pendingChange;
    if (!p || this.heldBoundary() === undefined || !this.reconcile.done) return;
    const head = await this.l1!.provider.getBlock("latest");
    if (!head || BigInt(head.timestamp) < p.executableAt) return;
    if (Number(await this.l1!.settlement.nextBatchIndex()) !== p.atBatch) return;
    try {
      const receipt = await (await governanceClient(this.l1!.deployment.governance!, this.l1!.wallet).execute(p.id, p.params)).wait();
      this.log.info({ proposal: String(p.id), kind: p.kind, atBatch: p.atBatch, txHash: receipt?.hash }, "membership change executed on L1");
    } catch (e) {
      const governance = governanceClient(this.l1!.deployment.governance!, this.l1!.provider);
      this.log.warn(
        { proposal: String(p.id), kind: p.kind, err: describeRevert(e, governance) ?? (e as Error).message },
        "membership change not executed by this node",
      );
    }
  }

  /**
   * Switches to the member L1 added (its MemberAdded event, read `confirmations` below the head): the
   * addition is recorded in the store first, then the executor adds the member at the open batch's
   * boundary (Sequencer.addMember, checked against the recorded genesis root), and the provers switch
   * to the N + 1 instance (a new proof queue; the old one has nothing left: every batch before the
   * boundary settled). A member recorded before is skipped.
   * @throws FieldError naming `successors` when no set-up of the node has the verifier L1 uses now,
   *   `openBatch` when the node is past the boundary (it built batch `atBatch` for N members: that
   *   batch can never settle), or the field of Sequencer.addMember.
   */
  private async switchToAddedMember(e: MemberAddedEvent): Promise<void> {
    const n = this.sequencer!.inst.members;
    if (e.chainId < n) return; // recorded before
    if (e.chainId !== n) throw new FieldError("MemberAdded", `member ${e.chainId} was added, but this node has ${n} members`);
    if (this.sequencer!.openBatchIndex !== e.atBatch || this.sequencer!.openSize > 0) {
      throw new OperationRejected(
        "openBatch",
        `member ${n} joined at batch ${e.atBatch} on L1, but this node has ${this.sequencer!.openSize} operation(s) in batch ${this.sequencer!.openBatchIndex} of ${n} members`,
      );
    }
    const pending = this.pendingChange?.atBatch === e.atBatch ? this.pendingChange.next : undefined;
    this.switchingAt = e.atBatch; // nothing enters the boundary while the provers switch
    try {
      const next = pending ?? (await this.successorWithVerifier(e.verifier, n + 1));
      const queue = await this.openProofQueue(next);
      const old = this.queue!;
      try {
        recordMemberChange(this.store, {
          kind: "add",
          chainId: e.chainId,
          atBatch: e.atBatch,
          instance: next.inst.name,
          genesisRoot: e.genesisRoot,
          accounts: e.accounts,
        });
      } catch (err) {
        await queue.close();
        throw new StoreFailure(`store: cannot record member ${e.chainId}: ${(err as Error).message}`);
      }
      this.sequencer!.addMember(next.inst, e.accounts, e.genesisRoot);
      this.current = next;
      this.queue = queue;
      this.pendingChange = undefined;
      await old.close();
    } finally {
      this.switchingAt = undefined;
    }
    const next = this.current;
    this.log.info(
      { chainId: e.chainId, atBatch: e.atBatch, instance: next.inst.name, members: n + 1 },
      "member added by joint governance: executor and provers switched",
    );
  }

  /**
   * Freezes the member L1 removed (its MemberRemovedAt event): the removal is recorded in the store
   * first, then the executor refuses every operation from or to it and every deposit to it from the
   * open batch on (Sequencer.removeMember). A member removed before is skipped.
   * @throws OperationRejected naming `openBatch` when the node is past the boundary (it may have built
   *   batch `atBatch` with the member's root changed: that batch can never settle).
   */
  private freezeRemovedMember(e: MemberRemovedEvent): void {
    if (this.sequencer!.removedMembers.includes(e.chainId)) return; // recorded before
    if (this.sequencer!.openBatchIndex !== e.atBatch || this.sequencer!.openSize > 0) {
      throw new OperationRejected(
        "openBatch",
        `member ${e.chainId} was removed at batch ${e.atBatch} on L1, but this node has ${this.sequencer!.openSize} operation(s) in batch ${this.sequencer!.openBatchIndex}`,
      );
    }
    try {
      recordMemberChange(this.store, { kind: "remove", chainId: e.chainId, atBatch: e.atBatch });
    } catch (err) {
      throw new StoreFailure(`store: cannot record the removal of member ${e.chainId}: ${(err as Error).message}`);
    }
    this.sequencer!.removeMember(e.chainId);
    if (this.pendingChange?.atBatch === e.atBatch) this.pendingChange = undefined;
    this.log.info({ chainId: e.chainId, atBatch: e.atBatch, frozenRoot: String(e.frozenRoot) }, "member removed by joint governance: its root is frozen");
  }

  /** The successor of `members` members whose exported verifier is the code at `verifier` (a member added while the node was not holding). */
  private async successorWithVerifier(verifier: string, members: number): Promise<PreparedInstance> {
    const code = (await this.l1!.provider.getCode(verifier)).toLowerCase();
    for (const next of this.config.successors ?? []) {
      if (next.inst.members !== members) continue;
      if ((await this.l1!.provider.call({ data: next.contracts.verifier.bytecode })).toLowerCase() === code) return next;
    }
    throw new FieldError(
      "successors",
      `L1 verifies batches with ${verifier} now, which no set-up of this node of ${members} members exports: restart with --next-instance`,
    );
  }

  /** Makes and starts the proof queue of an instance (config.proofQueue, or the embedded pool), its results handled by this node. */
  private async openProofQueue(p: PreparedInstance): Promise<ProofQueue> {
    const c = this.config;
    const queue = c.proofQueue
      ? await c.proofQueue(p, this.log)
      : new LocalProofQueue(new ProverPool(p.keys.vkey, { workers: c.workers, singleThread: c.singleThread, backend: c.backend }), p);
    await queue.start({
      proved: (i, r, origin) => this.onProved(i, r, origin),
      unreadable: (i, reason, origin) => this.onRefused(i, reason, origin),
      expired: (i, reason, origin) => this.onExpired(i, reason, origin),
      failed: (i, e) => this.onProofFailed(i, e),
    });
    return queue;
  }

  /**
   * Closes a heartbeat batch (Sequencer.closeHeartbeat: NOOP slots only) when no batch has settled for
   * heartbeatBlocks L1 blocks and the node is quiet: settlements reconciled, nothing open, every closed
   * batch settled. It is proved and settled like any batch, so the contract's exodus timeout (no
   * settlement for exodusTimeoutBlocks) never passes while the node runs. Past the timeout it only logs:
   * the contract is in exodus mode for good and settles nothing.
   * @throws Error when an L1 read fails (the caller logs it and checks again at its next poll).
   */
  private async heartbeatIfQuiet(): Promise<void> {
    const c = this.config;
    if (c.heartbeatBlocks === 0 || (c.heartbeatBlocks === undefined && c.tickDeadlineMs === undefined)) return;
    if (!this.reconcile.done || this.sequencer!.openSize > 0 || this.store.firstUnsettledBatch() < this.store.batchCount()) return;
    const settlement = this.l1!.settlement;
    // read at every check: joint governance may change it (SET_DEADLINES)
    const exodusTimeoutBlocks = Number(await settlement.exodusTimeoutBlocks());
    const every = c.heartbeatBlocks ?? Math.max(1, Math.floor(exodusTimeoutBlocks / 2));
    const head = await this.l1!.provider.getBlockNumber();
    const last = Number(await settlement.lastSettlementBlock());
    if (head - last < every || this.stopping) return;
    if (head > last + exodusTimeoutBlocks) {
      this.log.error({ lastSettlementBlock: last, head }, "exodus mode: no batch settled within the exodus timeout; the contract settles nothing more");
      return;
    }
    if (this.heldBoundary() !== undefined) {
      const now = (await this.l1!.provider.getBlock("latest"))?.timestamp ?? 0;
      if (this.switchingAt !== undefined || BigInt(now) >= this.pendingChange!.executableAt) return; // executing or switching: not a heartbeat of N members
      // the exodus timeout comes before a member addition: the boundary passes and the proposal can no longer execute
      this.log.warn(
        { proposal: String(this.pendingChange!.id), atBatch: this.pendingChange!.atBatch },
        "heartbeat due at a held boundary: the member addition is given up",
      );
      this.pendingChange = undefined;
    }
    const index = this.sequencer!.closeHeartbeat();
    if (index === undefined) return;
    this.metrics.batchesClosed.inc({ cause: "heartbeat" });
    this.log.info({ batchIndex: index, lastSettlementBlock: last, head }, "heartbeat: no settlement for a while; an empty batch closed to settle");
  }

  /**
   * Admits the next L1 deposit into the open batch (stored before it returns; Sequencer.admitDeposit).
   * @throws OperationRejected naming `index` (not the next of the queue) or the deposit's field.
   */
  admitDeposit(deposit: L1Deposit): Admission {
    const held = this.holdReason();
    if (held) throw new OperationRejected("batchIndex", held);
    const before = this.sequencer!.openBatchIndex;
    const a = this.sequencer!.admitDeposit(deposit);
    if (!a.duplicate) {
      this.metrics.depositsAdmitted.inc();
      this.log.info(
        { depositIndex: Number(deposit.index), chainId: deposit.chainId, to: String(deposit.to), amount: String(deposit.amount) },
        "L1 deposit admitted",
      );
    }
    if (this.sequencer!.openBatchIndex > before) this.metrics.batchesClosed.inc({ cause: "full" });
    return a;
  }

  /** Deposits of the L1 queue admitted so far. */
  get depositsAdmitted(): bigint {
    return this.sequencer?.nextDepositIndex ?? 0n;
  }

  /**
   * Resolves when `count` deposits of the L1 queue are admitted (`run` after its deposits).
   * @throws Error with the reason when the queue stops (a deposit the executor cannot take) for `timeoutMs`.
   */
  async whenDepositsAdmitted(count: bigint, timeoutMs = 120_000, pollMs = 100): Promise<void> {
    const started = Date.now();
    while (this.depositsAdmitted < count) {
      if (Date.now() - started > timeoutMs)
        throw new Error(this.depositTrouble ?? `only ${this.depositsAdmitted} of ${count} deposits admitted after ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  }

  /** Resolves when the start-up reconcile with L1 is done and the submitter runs, or when `stop` is called. Never rejects. */
  whenReconciled(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (this.stopSignal.signal.aborted) resolve();
      else this.stopSignal.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return Promise.race([this.reconciling, stopped]);
  }

  /** True once the start-up reconcile with L1 is done (the submitter runs). */
  get reconciled(): boolean {
    return this.reconcile.done;
  }

  /**
   * Stops the tick timer, the submitter, the provers, the devnet (if its own) and closes the
   * store. A reconcile still waiting for the L1 is abandoned (what it has not resolved stays in the
   * store for the next start).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    clearInterval(this.tickTimer);
    for (const t of this.requeueTimers) clearTimeout(t);
    await this.submitter?.stop();
    await this.queue?.close();
    await this.l1?.close();
    this.store.close();
  }

  private closeDueTick(): void {
    try {
      const index = this.sequencer!.closeIfDue();
      if (index !== undefined) this.metrics.batchesClosed.inc({ cause: "deadline" });
    } catch (e) {
      this.onFatal(e as Error);
    }
  }

  private onBatchClosed(index: number, input: CircuitInput): void {
    this.log.info({ batchIndex: index }, "batch closed; queued for proving");
    if (!this.queueStarted) return; // recovery: re-queued with the other unproved batches
    this.queue!.submit({ instance: this.prepared.inst.name, batchIndex: index, input }).catch((e) => this.onProofFailed(index, e as Error));
  }

  private onProved(batchIndex: number, r: ProveResult, origin: ResultOrigin): void {
    this.checkProof(batchIndex, r)
      .then((problem) => {
        if (problem) this.onRefused(batchIndex, problem, origin);
        else this.storeProof(batchIndex, r);
      })
      .catch((e) => this.onRefused(batchIndex, (e as Error).message, origin));
  }

  /**
   * A result that is not a proof of this batch (unreadable, not canonical, another batch's public
   * signals, not verifying): counted by prover, logged, and the batch queued again as a new job
   * (attempt + 1), up to MAX_PROOF_ATTEMPTS; then proving fails for good (`/readyz` says why).
   */
  private onRefused(batchIndex: number, reason: string, origin: ResultOrigin): void {
    this.metrics.proofsRefused.inc({ queue: this.queue?.kind ?? "", prover: origin.prover ?? "unknown" });
    this.requeue(batchIndex, reason, origin, "proof result refused; batch queued again as a new job");
  }

  /** A job held past the proving deadline: counted, and the batch queued again as a new job (see onRefused). */
  private onExpired(batchIndex: number, reason: string, origin: ResultOrigin): void {
    this.metrics.provingDeadlinesPassed.inc({ queue: this.queue?.kind ?? "" });
    this.requeue(batchIndex, reason, origin, "proving deadline passed; batch reassigned as a new job");
  }

  private requeue(batchIndex: number, reason: string, origin: ResultOrigin, message: string): void {
    const batch = this.store.batch(batchIndex);
    if (batch?.status !== "proving") return; // proved meanwhile (another attempt), or not ours
    const attempt = origin.attempt + 1;
    const delayMs = attempt < ATTEMPTS_BEFORE_BACKOFF ? 0 : Math.min(MAX_REQUEUE_DELAY_MS, 1000 * 2 ** (attempt - ATTEMPTS_BEFORE_BACKOFF + 1));
    this.log.warn({ batchIndex, attempt: origin.attempt, prover: origin.prover, reason, requeueInMs: delayMs }, message);
    if (delayMs > 0) {
      this.provingTrouble.set(
        batchIndex,
        `batch ${batchIndex}: ${attempt} attempts gave no usable proof, the last: ${reason}; queued again every ${Math.round(delayMs / 1000)} s at most`,
      );
    }
    const submit = () => {
      if (this.stopping) return;
      this.queue!.submit({ instance: this.prepared.inst.name, batchIndex, input: JSON.parse(batch.input), attempt }).catch((e) =>
        this.onProofFailed(batchIndex, e as Error),
      );
    };
    if (delayMs === 0) {
      submit();
      return;
    }
    const timer = setTimeout(() => {
      this.requeueTimers.delete(timer);
      submit();
    }, delayMs);
    this.requeueTimers.add(timer);
  }

  /**
   * A proof is stored only when it is in the canonical encoding L1 reads (affine, every coordinate < q:
   * proofEncodingProblem), its public signals are this batch's (header, roots commitments, new
   * roots: a prover cannot hand back another batch's proof) and, from a remote queue, when it verifies.
   * @returns what is wrong, or undefined.
   */
  private async checkProof(batchIndex: number, r: ProveResult): Promise<string | undefined> {
    const header = this.store.header(batchIndex);
    if (!header) return `proof for batch ${batchIndex}, which the store does not have`;
    const encoding = proofEncodingProblem(r.proof);
    if (encoding) return `proof of batch ${batchIndex} from the ${this.queue?.kind} queue is not canonical: ${encoding}`;
    const expected = publicSignals(header).map(String);
    if (JSON.stringify(r.publicSignals) !== JSON.stringify(expected)) return `proof of batch ${batchIndex}: public signals are not the batch's`;
    if (this.queue?.kind !== "local" && !(await verifyGroth16(this.prepared.keys.vkey, r.publicSignals, r.proof))) {
      return `proof of batch ${batchIndex} from the ${this.queue?.kind} queue does not verify`;
    }
    return undefined;
  }

  private storeProof(batchIndex: number, r: ProveResult): void {
    const stored = this.store.saveProof({
      batchIndex,
      proof: r.proof,
      publicSignals: r.publicSignals,
      witnessMs: r.witnessMs,
      proveMs: r.proveMs,
      provedAt: Date.now(),
    });
    if (!stored) {
      this.metrics.proofs.inc({ status: "duplicate" });
      return;
    }
    this.provingTrouble.delete(batchIndex);
    this.peakProverMemoryBytes = Math.max(this.peakProverMemoryBytes, r.workerMemoryBytes ?? 0);
    this.metrics.proofs.inc({ status: "proved" });
    this.metrics.proofDuration.observe({ phase: "witness" }, r.witnessMs / 1000);
    this.metrics.proofDuration.observe({ phase: "groth16" }, r.proveMs / 1000);
    this.log.info({ batchIndex, witnessMs: Math.round(r.witnessMs), proveMs: Math.round(r.proveMs) }, "batch proof stored");
    this.submitter?.kick();
  }

  private onProofFailed(batchIndex: number, e: Error): void {
    this.metrics.proofs.inc({ status: "failed" });
    this.proofFailure = `batch ${batchIndex} cannot be proved: ${e.message}`;
    this.log.error({ batchIndex, err: e.message }, "proving failed; later batches cannot settle before it");
  }

  private onFatal(e: Error): void {
    this.log.fatal({ err: e.message }, "store failure: exiting so that a restart replays the store");
    process.exit(1);
  }

  queueRoom(): { unsettled: number; limit: number } {
    return { unsettled: this.store.unsettledOperationCount(), limit: this.config.queueLimit ?? Number.POSITIVE_INFINITY };
  }

  /**
   * Admits one signed operation into the open batch (stored before it returns; see Sequencer.admit).
   * @throws OperationRejected naming the field when the executor refuses it (nothing changed).
   */
  admit(op: SignedOperation): Admission {
    const held = this.holdReason();
    if (held) throw new OperationRejected("batchIndex", held);
    const before = this.sequencer!.openBatchIndex;
    let a: Admission;
    try {
      a = this.sequencer!.admit(op);
    } catch (e) {
      if (e instanceof StoreFailure) this.onFatal(e);
      throw e;
    }
    if (!a.duplicate) this.metrics.operationsAccepted.inc();
    if (this.sequencer!.openBatchIndex > before) this.metrics.batchesClosed.inc({ cause: "full" });
    return a;
  }

  /** The governors' signed claims of this node's batches (after start). */
  get signatures(): SignatureCollector {
    if (!this.collector) throw new Error("the node is not started");
    return this.collector;
  }

  /** GET /v1/batches/:i/entries: a closed batch's claim and its entries (canonical JSON, execution order); undefined while not closed. */
  batchEntries(index: number): BatchEntriesView | undefined {
    const header = this.store.header(index);
    if (!header) return undefined;
    return { batchIndex: index, claim: claimView(this.signatures.claimOf(header)), entries: this.store.operationsOfBatch(index).map((o) => o.body) };
  }

  /** GET /v1/batches/:i/signatures: the signed claims received for a closed batch and its fast confirmation; undefined while not closed. */
  claimSignatures(index: number): ClaimSignaturesView | undefined {
    const header = this.store.header(index);
    if (!header) return undefined;
    return {
      batchIndex: index,
      claim: claimView(this.signatures.claimOf(header)),
      signatures: this.signatures.signatures(index).map((s) => ({
        signer: s.signer,
        claim: JSON.parse(s.claim),
        signature: s.signature,
        matches: s.matches,
        stake: s.stake,
        receivedAt: new Date(s.receivedAt).toISOString(),
      })),
      fastConfirmation: fastConfirmationView(this.store, index) ?? null,
    };
  }

  /**
   * POST /v1/batches/:i/signatures: checks and records a governor's signed claim (SignatureCollector.accept).
   * @throws FieldError naming the field when it is refused (nothing recorded).
   */
  acceptClaimSignature(index: number, body: SignedClaimRequest): Promise<SignatureReceipt> {
    return this.signatures.accept(index, this.store.header(index), body);
  }

  /** The node's ClusterSettlement, connected to its L1 wallet (after start). */
  settlementContract(): ClusterSettlementClient {
    return this.l1!.settlement;
  }

  /** True when the node runs its own anvil devnet (no rpcUrl; new at every start). */
  get ownDevnet(): boolean {
    return this.l1?.devnet !== undefined;
  }

  /** Closes the open batch now, if it holds an operation (`run` at the end of its file). @returns its index, or undefined. */
  closeOpenBatch(): number | undefined {
    const index = this.sequencer!.closeNow();
    if (index !== undefined) this.metrics.batchesClosed.inc({ cause: "end" });
    return index;
  }

  /**
   * Resolves when every closed batch is settled (final at the confirmation depth); calls `onProgress`
   * with the batch counts whenever they change while it waits (polled every `pollMs`).
   * @throws Error with the reason when the node cannot get there: a batch that cannot be proved, a
   *   halted submitter (a revert it cannot get past, a conflicting history), a failed reconcile.
   */
  async whenAllSettled(onProgress?: (counts: ReturnType<ClusterStore["batchCounts"]>) => void, pollMs = 100): Promise<void> {
    let last = "";
    for (;;) {
      const counts = this.store.batchCounts();
      if (JSON.stringify(counts) !== last) onProgress?.(counts); // on a change only: a log renderer prints each call
      last = JSON.stringify(counts);
      if (counts.settled === this.store.batchCount()) return;
      const refusals = this.refusals();
      if (refusals.length > 0) throw new Error(refusals.join("; "));
      await sleep(pollMs);
    }
  }

  /** What GET /v1/status shows (api-schemas statusResponse): instance, contract, counts, open batch, roots as decimal strings. */
  status(): NodeStatus {
    const settled = this.store.firstUnsettledBatch();
    const lastSettled = (settled > 0 ? this.store.header(settled - 1)!.newRoots : (this.sequencer?.genesisRoots ?? [])).map(String);
    return {
      instance: this.prepared.inst.name,
      members: this.prepared.inst.members,
      slots: this.prepared.inst.slots,
      deltaTicks: this.prepared.inst.deltaTicks,
      settlement: this.l1?.deployment.settlement ?? "",
      registry: this.l1?.deployment.registry ?? "",
      governance: this.l1?.deployment.governance ?? "",
      rpcUrl: this.l1?.rpcUrl ?? "",
      proofQueue: this.queue?.kind ?? "",
      confirmations: this.confirmations,
      operations: this.store.operationCount(),
      unsettledOperations: this.store.unsettledOperationCount(),
      queueLimit: this.config.queueLimit,
      openBatch: { batchIndex: this.sequencer?.openBatchIndex ?? 0, operations: this.sequencer?.openSize ?? 0 },
      batches: this.store.batchCounts(),
      roots: (this.sequencer?.roots() ?? []).map(String),
      settledRoots: lastSettled,
      memberAdditions: this.additions().map((a) => ({ chainId: a.chainId, atBatch: a.atBatch, instance: a.instance })),
      removedMembers: recordedMemberChanges(this.store)
        .filter((m) => m.kind === "remove")
        .map((m) => ({ chainId: m.chainId, atBatch: m.atBatch })),
      pendingMemberChange: this.pendingChange
        ? {
            proposal: String(this.pendingChange.id),
            kind: this.pendingChange.kind,
            atBatch: this.pendingChange.atBatch,
            instance: this.pendingChange.next?.inst.name,
            chainId: this.pendingChange.chainId,
            executableAt: Number(this.pendingChange.executableAt),
          }
        : null,
    };
  }

  /** How long the oldest batch still waiting for its proof has waited (ms; 0 when none waits). */
  private oldestUnprovedAgeMs(): number {
    const oldest = this.store.oldestUnprovedBatch();
    return oldest ? Math.max(0, Date.now() - oldest.closedAt) : 0;
  }

  readiness(): { ready: boolean; reasons: string[] } {
    const reasons = this.refusals();
    const limit = this.config.provingAgeLimitMs ?? 1_800_000;
    const age = this.oldestUnprovedAgeMs();
    if (age > limit) {
      reasons.push(
        `batch ${this.store.oldestUnprovedBatch()?.batchIndex} has waited ${Math.round(age / 1000)} s for its proof (limit ${Math.round(limit / 1000)} s)`,
      );
    }
    reasons.push(...this.provingTrouble.values());
    if (this.depositTrouble) reasons.push(this.depositTrouble);
    if (this.governanceTrouble) reasons.push(this.governanceTrouble);
    for (const [id, r] of this.refusedChanges) reasons.push(`joint governance: proposal ${id} (batch ${r.atBatch}) cannot be followed: ${r.reason}`);
    if (!this.reconcile.done && !this.reconcile.failure) reasons.push(RECONCILING);
    return { ready: reasons.length === 0, reasons };
  }

  admissionRefusal(): string | undefined {
    const reasons = this.refusals();
    const held = this.holdReason();
    if (held) reasons.push(held);
    return reasons.length ? reasons.join("; ") : undefined;
  }

  /** The reasons that keep the service from taking operations (all of readiness's but the reconcile in progress). */
  private refusals(): string[] {
    const reasons: string[] = [];
    if (this.reconcile.failure) reasons.push(`settlements cannot be reconciled with L1: ${this.reconcile.failure}`);
    if (this.proofFailure) reasons.push(this.proofFailure);
    if (this.submitter?.halted) reasons.push(this.submitter.halted);
    return reasons;
  }
}

/** An L1 deposit from the fields of a Deposited event (IClusterSettlement). */
function depositOfEvent(args: Record<string, unknown>): L1Deposit {
  return {
    index: args.index as bigint,
    chainId: Number(args.chainId as bigint),
    to: args.to as bigint,
    tokenId: args.tokenId as bigint,
    amount: args.amount as bigint,
    depositor: args.depositor as string,
  };
}

/** The /readyz reason while the start-up reconcile with L1 runs (operations are admitted meanwhile). */
export const RECONCILING = "reconciling settlements with L1";

/**
 * The genesis of a store: recorded at its first start, the same at every later one.
 * @throws Error naming `instance` or `genesis` when the store was made for another instance or genesis.
 */
function adoptGenesis(store: ClusterStore, instance: string, genesis: Genesis): Genesis {
  const recordedInstance = store.getMeta<string>("instance");
  if (recordedInstance !== undefined && recordedInstance !== instance) {
    throw new FieldError(`instance`, `the store at ${store.path} was made for instance "${recordedInstance}", not "${instance}"`);
  }
  const recorded = store.getMeta<unknown>("genesis");
  const encode = (g: Genesis) => toJson(g);
  if (recorded) {
    const asRecorded = parseGenesis(recorded, `genesis recorded in the store at ${store.path}`);
    if (encode(asRecorded) !== encode(genesis)) throw new FieldError(`genesis`, `differs from the genesis recorded in the store at ${store.path}`);
    return asRecorded;
  }
  store.setMeta("instance", instance);
  store.setMeta("genesis", genesis);
  return genesis;
}
