/**
 * A governor node (`cluster-settle govern`): it runs its own node-cluster from the genesis, re-executes
 * every batch from the entries the sequencer serves (GET /v1/batches/:i/entries), checking every
 * signature and every L1 deposit itself, and signs (EIP-712) only the claim it computed; then it posts
 * the signature (POST /v1/batches/:i/signatures), records a fast confirmation on L1 once the signatures
 * reach 2/3 of the stake (GovernorRegistry.confirm), and reports every governor whose signed claim the
 * settled proof contradicts (slashContradicted) or who signed two claims of one batch (slashEquivocation).
 * A batch it cannot re-execute, or whose claim differs from its own, it refuses and stops there: the
 * sequencer served something its own execution does not give, and nothing after it can be checked.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Contract, type Provider, type Wallet, getAddress } from "ethers";
import type { Logger } from "pino";
import type { CircuitInstance } from "../circuits/manifest.js";
import { openCluster, type OpenCluster } from "../core/open-cluster.js";
import { settlementInterfaceAbi } from "../l1/compile-contracts.js";
import { describeRevert } from "../l1/revert.js";
import type { Genesis } from "../protocol/genesis.js";
import { decodeStoredEntry, isDeposit } from "../protocol/operation-codec.js";
import type { L1Deposit } from "../protocol/operation.js";
import type { BatchEntriesView, ClaimSignaturesView, ClaimView } from "./claim-views.js";
import { type ClusterClaim, claimDomain, claimKey, claimOfHeader, confirmationSignatures, signClaim } from "./claim.js";
import { type GovernorRegistryClient, registryClient } from "./registry.js";
import { parseClaim, type SignedClaimRequest } from "./signature-collector.js";
import { FieldError } from "../config/field-error.js";
import { type MemberAddedEvent, type MemberRemovedEvent, memberAddedEvents, memberRemovedEvents } from "./joint-governance.js";

/** Why a governor refuses to sign a batch: the entry (or the claim) at fault and the reason. */
export class GovernorRefusal extends Error {
  /**
   * @param batchIndex the batch refused.
   * @param field `entries[k]` (or `entries[k].<field>`) for an entry that does not execute, `claim` for a served claim that differs.
   * @param reason why, a sentence fragment.
   */
  constructor(
    readonly batchIndex: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`batch ${batchIndex}: ${field}: ${reason}`);
    this.name = "GovernorRefusal";
  }
}

/** Reads deposit `index` of the L1 queue as the settlement's Deposited event recorded it (undefined: not on L1). */
export type DepositReader = (index: bigint) => Promise<L1Deposit | undefined>;

/**
 * The governor's own node-cluster: the executor of src/core (OpenCluster), fed only what the governor
 * checked itself. Batches must come in order, each once.
 */
export class GovernorReplica {
  private constructor(private readonly cluster: OpenCluster) {}

  /** A replica at the genesis. @throws FieldError naming `genesis.<field>` for an invalid genesis. */
  static async create(inst: CircuitInstance, genesis: Genesis): Promise<GovernorReplica> {
    return new GovernorReplica(await openCluster(inst, genesis));
  }

  /** The index of the next batch it re-executes. */
  get nextBatchIndex(): number {
    return this.cluster.openBatchIndex;
  }

  /**
   * Freezes member `chainId` from the next batch on (L1's MemberRemovedAt event): OpenCluster.removeMember.
   * A member removed before is left as it is.
   * @throws GovernorRefusal naming `MemberRemovedAt.chainId` for a member the cluster does not have.
   */
  removeMember(chainId: number): void {
    if (this.cluster.removedMembers.includes(chainId)) return;
    try {
      this.cluster.removeMember(chainId);
    } catch (err) {
      throw new GovernorRefusal(this.cluster.openBatchIndex, `MemberRemovedAt.${(err as { field?: string }).field ?? "chainId"}`, (err as Error).message);
    }
  }

  /** N, the members its next batch is built for. */
  get members(): number {
    return this.cluster.inst.members;
  }

  /**
   * Adds the member joint governance added at the next batch's boundary (from L1's MemberAdded event,
   * never from the sequencer): batches from here on are of `next`'s N + 1 members (OpenCluster.addMember).
   * @throws GovernorRefusal naming `MemberAdded.genesisRoot` when L1's published accounts do not give its
   *   recorded root, or `MemberAdded.<field>` for what OpenCluster.addMember refuses.
   */
  addMember(next: CircuitInstance, e: MemberAddedEvent): void {
    const index = this.cluster.openBatchIndex;
    let root: bigint;
    try {
      root = this.cluster.addMember(next, e.accounts).genesisRoot;
    } catch (err) {
      throw new GovernorRefusal(
        index,
        `MemberAdded.${(err as { field?: string }).field ?? "accounts"}`,
        (err as { reason?: string }).reason ?? (err as Error).message,
      );
    }
    if (root !== e.genesisRoot)
      throw new GovernorRefusal(index, "MemberAdded.genesisRoot", `L1 recorded ${e.genesisRoot}, its published accounts give ${root}`);
  }

  /**
   * Re-executes one batch from its entries (canonical JSON of each operation or deposit, in order):
   * every operation's EdDSA signature and every rule of the executor are checked again, and every
   * deposit must be the one L1 recorded at its index.
   * @param cluster the ClusterSettlement address (the claim's cluster).
   * @returns the claim of the batch as this replica computed it.
   * @throws GovernorRefusal naming the entry and the reason (the replica is then unusable: a refused
   *   batch leaves part of it executed); RangeError when `batchIndex` is not the next batch.
   */
  async execute(batchIndex: number, cluster: string, entries: string[], deposits: DepositReader): Promise<ClusterClaim> {
    if (batchIndex !== this.cluster.openBatchIndex) throw new RangeError(`batchIndex: ${batchIndex} is not the next batch (${this.cluster.openBatchIndex})`);
    for (const [k, text] of entries.entries()) {
      const entry = decodeStoredEntry(text);
      if ("reason" in entry) throw new GovernorRefusal(batchIndex, `entries[${k}].${entry.field}`, entry.reason);
      if (this.cluster.full) throw new GovernorRefusal(batchIndex, `entries[${k}]`, `the batch has ${this.cluster.inst.slots} slots, all taken`);
      try {
        if (isDeposit(entry)) {
          const onL1 = await deposits(entry.index);
          if (!onL1) throw new GovernorRefusal(batchIndex, `entries[${k}].index`, `deposit ${entry.index} is not on L1`);
          const differs = (["chainId", "to", "tokenId", "amount"] as const).find((f) => onL1[f] !== entry[f]);
          if (differs || getAddress(onL1.depositor) !== getAddress(entry.depositor)) {
            throw new GovernorRefusal(batchIndex, `entries[${k}].${differs ?? "depositor"}`, `differs from deposit ${entry.index} on L1`);
          }
          this.cluster.admitDeposit(entry);
        } else {
          this.cluster.admit(entry); // signatures checked again: nothing served is trusted
        }
      } catch (e) {
        if (e instanceof GovernorRefusal) throw e;
        const field = (e as { field?: string }).field;
        throw new GovernorRefusal(batchIndex, field ? `entries[${k}].${field}` : `entries[${k}]`, (e as { reason?: string }).reason ?? (e as Error).message);
      }
    }
    const closed = this.cluster.close(true); // no entries: a heartbeat batch
    return claimOfHeader(cluster, closed.header);
  }
}

/** The claim a served view carries, parsed. @throws GovernorRefusal naming `claim` when it does not parse. */
function servedClaim(batchIndex: number, view: ClaimView): ClusterClaim {
  try {
    return parseClaim(view);
  } catch (e) {
    throw new GovernorRefusal(batchIndex, "claim", (e as Error).message);
  }
}

/**
 * What a governor reads from and sends to the sequencer: the routes of its HTTP API (httpSequencer), or
 * the same calls on a node in this process (the main job's governors: a ClusterNode is one).
 */
export interface SequencerSource {
  /** GET /v1/status: the settlement and its registry. */
  status(): Promise<{ settlement: string; registry: string }>;
  /** GET /v1/batches/:i/entries (undefined while the batch is not closed). */
  batchEntries(index: number): Promise<BatchEntriesView | undefined>;
  /** GET /v1/batches/:i/signatures (undefined while the batch is not closed). */
  claimSignatures(index: number): Promise<ClaimSignaturesView | undefined>;
  /** POST /v1/batches/:i/signatures. @throws FieldError naming the field when it is refused; Error when the sequencer fails. */
  postSignature(index: number, body: SignedClaimRequest): Promise<void>;
}

/** A sequencer's HTTP API as a SequencerSource. @param url e.g. http://127.0.0.1:7300. */
export function httpSequencer(url: string): SequencerSource {
  const base = url.replace(/\/+$/, "");
  return {
    status: async () => {
      const s = await api<{ settlement: string; registry: string }>(`${base}/v1/status`);
      if (!s) throw new Error(`${base}/v1/status: not found`);
      return s;
    },
    batchEntries: (i) => api<BatchEntriesView>(`${base}/v1/batches/${i}/entries`),
    claimSignatures: (i) => api<ClaimSignaturesView>(`${base}/v1/batches/${i}/signatures`),
    postSignature: async (i, body) => {
      await api(`${base}/v1/batches/${i}/signatures`, body);
    },
  };
}

/** The calls of a node in this process that a governor needs (ClusterNode has them). */
export interface InProcessSequencer {
  status(): { settlement: string; registry: string };
  batchEntries(index: number): BatchEntriesView | undefined;
  claimSignatures(index: number): ClaimSignaturesView | undefined;
  acceptClaimSignature(index: number, body: SignedClaimRequest): Promise<unknown>;
}

/** A node in this process as a SequencerSource (the same checks as its HTTP API, without HTTP). */
export function inProcessSequencer(node: InProcessSequencer): SequencerSource {
  return {
    status: async () => node.status(),
    batchEntries: async (i) => node.batchEntries(i),
    claimSignatures: async (i) => node.claimSignatures(i),
    postSignature: async (i, body) => {
      await node.acceptClaimSignature(i, body);
    },
  };
}

/** What `runGovernor` takes. */
export interface GovernorOptions {
  inst: CircuitInstance;
  /** Instances of N + 1, N + 2, … members (same depth) for the members joint governance adds (`govern --next-instance`). */
  successors?: CircuitInstance[];
  genesis: Genesis;
  /** The governor's key on the L1 (bonded in the registry; it pays for `confirm` and slash reports). */
  wallet: Wallet;
  /** The sequencer it follows. */
  sequencer: SequencerSource;
  /** How often to ask for the next batch (ms). */
  pollMs: number;
  log: Logger;
  /** Stop when aborted. */
  signal?: AbortSignal;
  /** Called after each batch it signed. */
  onSigned?: (batchIndex: number, claim: ClusterClaim) => void;
}

/** GET or POST JSON; undefined on 404. @throws FieldError for a 400 (the API's field and reason), Error naming the URL and the status otherwise. */
async function api<T>(url: string, body?: unknown): Promise<T | undefined> {
  const r = await fetch(url, body === undefined ? undefined : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (r.status === 404) return undefined;
  const text = await r.text();
  if (r.status === 400) {
    const refusal = JSON.parse(text) as { field?: string; reason?: string };
    throw new FieldError(refusal.field ?? "body", refusal.reason ?? text);
  }
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Runs a governor node until `signal` aborts or a batch is refused (see the module comment).
 * @throws GovernorRefusal for the first batch it refuses (after logging it); Error when the sequencer's
 *   status has no registry; ethers errors when L1 fails for good.
 */
export async function runGovernor(o: GovernorOptions): Promise<void> {
  const status = await o.sequencer.status();
  if (!status.registry) throw new Error("the sequencer's status names no GovernorRegistry");
  const provider = o.wallet.provider as Provider;
  const registry = registryClient(status.registry, o.wallet);
  const settlement = new Contract(status.settlement, settlementInterfaceAbi() as never, provider);
  const domain = claimDomain((await provider.getNetwork()).chainId, status.registry);
  const replica = await GovernorReplica.create(o.inst, o.genesis);
  const deposits: DepositReader = async (index) => {
    const events = await settlement.queryFilter(settlement.filters.Deposited(index), 0);
    const args = (events[0] as { args?: Record<string, unknown> } | undefined)?.args;
    return (
      args && {
        index,
        chainId: Number(args.chainId),
        to: args.to as bigint,
        tokenId: args.tokenId as bigint,
        amount: args.amount as bigint,
        depositor: args.depositor as string,
      }
    );
  };
  const membership = new MembershipLog(settlement);
  const watched = new Set<number>(); // batches whose signatures are watched for fast confirmation and lies
  o.log.info({ governor: o.wallet.address, registry: status.registry, settlement: status.settlement }, "governor node started");
  while (!o.signal?.aborted) {
    const index = replica.nextBatchIndex;
    const served = await o.sequencer.batchEntries(index);
    if (served) {
      let own: ClusterClaim;
      try {
        await applyMemberChangesAt(index, replica, settlement, membership, o.successors ?? []);
        own = await replica.execute(index, status.settlement, served.entries, deposits);
        if (claimKey(own) !== claimKey(servedClaim(index, served.claim))) {
          throw new GovernorRefusal(
            index,
            "claim",
            `the sequencer claims roots commitment ${served.claim.newRootsCommitment}, re-execution gives ${own.newRootsCommitment}`,
          );
        }
      } catch (e) {
        if (e instanceof GovernorRefusal)
          o.log.error({ batchIndex: e.batchIndex, field: e.field, reason: e.reason }, "refusing to sign: the batch does not re-execute to the served claim");
        throw e;
      }
      const signed = await signClaim(o.wallet, domain, own);
      try {
        await o.sequencer.postSignature(index, { claim: toClaimView(own), signature: signed.signature });
        o.log.info({ batchIndex: index, newRootsCommitment: own.newRootsCommitment.toString() }, "signed the batch's claim");
        o.onSigned?.(index, own);
        watched.add(index);
      } catch (e) {
        // e.g. not yet in the set (a bond counts from the next epoch): this batch goes without its signature
        if (!(e instanceof FieldError)) throw e;
        o.log.warn({ batchIndex: index, field: e.field, reason: e.reason }, "the sequencer refused the signature");
      }
    }
    for (const w of [...watched]) if (await watch(w, registry, settlement, o.sequencer, o.log)) watched.delete(w);
    if (!served) await sleep(o.pollMs, undefined, { signal: o.signal }).catch(() => undefined);
  }
}

/** The settlement's MemberAdded and MemberRemovedAt events, read once each (from block 0, then from the last block read). */
class MembershipLog {
  readonly added: MemberAddedEvent[] = [];
  readonly removed: MemberRemovedEvent[] = [];
  private from = 0;
  constructor(private readonly settlement: Contract) {}

  /** Reads the events up to the L1 head. @throws ethers errors when the RPC fails. */
  async readToHead(): Promise<void> {
    const head = await (this.settlement.runner as Provider).getBlockNumber();
    if (head < this.from) return;
    this.added.push(...(await memberAddedEvents(this.settlement, this.from, head)));
    this.removed.push(...(await memberRemovedEvents(this.settlement, this.from, head)));
    this.from = head + 1;
  }
}

/**
 * Applies to the replica each membership change L1 made at the boundary before batch `index`: a member
 * added (MemberAdded), with the successor instance of N + 1 members whose B is the settlement's at that
 * event, and a member removed (MemberRemovedAt: its root frozen from here on).
 * @throws GovernorRefusal naming `successors` when the governor has no such instance (it cannot
 *   re-execute the batch), or GovernorReplica.addMember's / removeMember's.
 */
async function applyMemberChangesAt(
  index: number,
  replica: GovernorReplica,
  settlement: Contract,
  log: MembershipLog,
  successors: readonly CircuitInstance[],
): Promise<void> {
  await log.readToHead();
  for (const e of log.removed) if (e.atBatch === index) replica.removeMember(e.chainId);
  for (const e of log.added) {
    if (e.atBatch !== index || e.chainId < replica.members) continue;
    const slots = Number(await settlement.slots({ blockTag: e.blockNumber }));
    const next = successors.find((s) => s.members === replica.members + 1 && s.slots === slots);
    if (!next)
      throw new GovernorRefusal(
        index,
        "successors",
        `member ${e.chainId} joined at batch ${index} with B = ${slots}: run the governor with --next-instance <that instance of ${replica.members + 1} members>`,
      );
    replica.addMember(next, e);
  }
}

const toClaimView = (c: ClusterClaim): ClaimView => ({
  cluster: c.cluster,
  batchIndex: c.batchIndex.toString(),
  header: c.header.toString(),
  newRootsCommitment: c.newRootsCommitment.toString(),
});

const ZERO = `0x${"0".repeat(64)}`;

/**
 * One look at a signed batch: records its fast confirmation on L1 once the matching signatures reach
 * 2/3 (another governor may have done it: AlreadyConfirmed is fine), reports equivocations at once and
 * contradicted claims once the batch settles.
 * @returns true when nothing is left to watch (confirmed or settled, and every lie reported).
 */
async function watch(index: number, registry: GovernorRegistryClient, settlement: Contract, sequencer: SequencerSource, log: Logger): Promise<boolean> {
  const view = await sequencer.claimSignatures(index);
  if (!view) return false;
  // Every governor watches the same batches: another one may send the same transaction first. A send
  // refused with one of `expected` (found at estimateGas), or mined and reverted (the other one's was
  // mined first in between), is that race; the next look sees the state L1 holds then.
  const sent = async (what: string, tx: () => Promise<{ wait(): Promise<unknown> }>, expected: string[]) => {
    try {
      await (await tx()).wait();
      log.info({ batchIndex: index }, what);
    } catch (e) {
      if ((e as { receipt?: unknown }).receipt) {
        log.info({ batchIndex: index }, `${what}: reverted when mined (another governor was first)`);
        return;
      }
      const revert = describeRevert(e, registry);
      if (revert === undefined) throw e; // not a revert: the L1 failed
      // a revert not in `expected` means the service served signatures L1 does not accept: say so, sign on
      if (!expected.some((x) => revert.startsWith(x))) log.warn({ batchIndex: index, revert }, `${what}: refused by L1`);
    }
  };
  const own = view.signatures.filter((s) => s.matches);
  if (view.fastConfirmation && (await registry.confirmationOf(BigInt(index))).claimKey === ZERO) {
    const claim = parseClaim(view.claim);
    const signatures = confirmationSignatures(own.map((s) => ({ claim, signer: s.signer, signature: s.signature })));
    await sent("recorded the fast confirmation on L1", () => registry.confirm(claim, signatures), ["AlreadyConfirmed", "NoQuorum", "NotGovernor"]);
  }
  const lies = view.signatures.filter((s) => !s.matches);
  for (const lie of lies) {
    const honest = own.find((s) => s.signer === lie.signer);
    if (honest) {
      await sent(
        `reported ${lie.signer}'s equivocation`,
        () => registry.slashEquivocation(parseClaim(honest.claim), honest.signature, parseClaim(lie.claim), lie.signature),
        ["NothingToSlash"],
      );
    }
  }
  const settled = ((await settlement.settledClaim(index)) as string) !== ZERO;
  if (settled) {
    for (const lie of lies) {
      await sent(`reported ${lie.signer}'s claim, contradicted by the settled proof`, () => registry.slashContradicted(parseClaim(lie.claim), lie.signature), [
        "NothingToSlash",
        "ClaimMatchesSettlement",
      ]);
    }
  }
  return settled;
}
