import { Contract, Interface, type Provider } from "ethers";
import { EddsaSigner } from "../crypto/eddsa.js";
import { getPoseidon } from "../crypto/poseidon.js";
import { ClusterState } from "../state/cluster-state.js";
import { decodeBatchPubdata } from "../protocol/pubdata.js";
import { FieldError } from "../config/field-error.js";
import { settlementInterfaceAbi } from "../l1/compile-contracts.js";

/** Words per published genesis account (GenesisPublished, MemberAdded): chainId, leaf index, ax, ay, tokenId, balance. */
const GENESIS_ACCOUNT_WORDS = 6;

/** The events of ClusterSettlement that `sync` replays. */
type SyncedEvent = "GenesisPublished" | "BatchSettled" | "MemberAdded";

/** A member joint governance added (the MemberAdded event). */
interface AddedMember {
  chainId: number;
  atBatch: number;
  genesisRoot: bigint;
  accounts: bigint[];
}

/** Creates the published genesis accounts (6 words each) in `state`; `chainId` forces the chain of every account (a member added later). */
function createPublishedAccounts(state: ClusterState, words: readonly bigint[], chainId?: number): void {
  for (let k = 0; k < words.length; k += GENESIS_ACCOUNT_WORDS) {
    const [chain, index, ax, ay, tokenId, balance] = words.slice(k, k + GENESIS_ACCOUNT_WORDS);
    if (chainId !== undefined && Number(chain) !== chainId)
      throw new FieldError(`member ${chainId}`, `published genesis account ${k / GENESIS_ACCOUNT_WORDS} is on chain ${chain}`);
    state.createAccount(Number(chain), index, { ax, ay, tokenId, balance, nonce: 0n });
  }
}

/** Adds the members joint governance added at batch boundary `atBatch`, from their published genesis accounts, each checked against its genesis root. */
function addMembersAt(state: ClusterState, added: readonly AddedMember[], atBatch: number): void {
  for (const m of added.filter((a) => a.atBatch === atBatch)) {
    if (state.addMember() !== m.chainId) throw new FieldError("contract", `MemberAdded events are not in chainId order at member ${m.chainId}`);
    createPublishedAccounts(state, m.accounts, m.chainId);
    if (state.roots()[m.chainId] !== m.genesisRoot) throw new FieldError(`member ${m.chainId}`, "its published genesis accounts do not give its genesis root");
  }
}

/** What `sync` rebuilt from L1. */
export interface SyncedCluster {
  /** The contract's N, D, B and signing domain. */
  members: number;
  depth: number;
  slots: number;
  domain: bigint;
  /** Every member's state, replayed from the genesis through every settled batch. */
  state: ClusterState;
  /** Batches replayed (the contract's nextBatchIndex). */
  batches: number;
  /** Genesis accounts published at deployment (a member added later not counted). */
  genesisAccounts: number;
  /** The rebuilt roots (index = chainId) and the contract's currentRoots(); equal unless L1 data is inconsistent. */
  roots: bigint[];
  onChainRoots: bigint[];
  /** L1 block the sync read up to. */
  blockNumber: number;
}

/** Where `syncFromL1` reads the contract's logs. */
export interface SyncOptions {
  /** First L1 block to read (default 0); at or before the contract's deployment, which published the genesis. */
  fromBlock?: number;
  /** Blocks per eth_getLogs request (default DEFAULT_CHUNK_BLOCKS): public RPCs cap the range of one request. */
  chunkBlocks?: number;
}

/** Blocks per eth_getLogs request of `sync` (many public RPCs refuse ranges above 10,000). */
export const DEFAULT_CHUNK_BLOCKS = 10_000;

/** The contract's `event` logs in blocks from..to, read `chunk` blocks per request, in block order. */
async function queryInChunks(contract: Contract, event: SyncedEvent, from: number, to: number, chunk: number) {
  const out = [];
  for (let start = from; start <= to; start += chunk)
    out.push(...(await contract.queryFilter(contract.filters[event](), start, Math.min(to, start + chunk - 1))));
  return out;
}

/**
 * Rebuilds every member's state from L1 alone: the genesis accounts of the contract's
 * GenesisPublished event (checked against the genesis roots commitment the first batch starts from),
 * and of each member joint governance added (MemberAdded: added at its batch boundary, checked against
 * its genesis root), then the published data (pubdata) of every settled batch, read from the calldata of the settle
 * transactions that emitted BatchSettled, replayed slot by slot (ClusterState.replayPublished) and
 * checked against each batch's newRoots. Reads at one block (the head when it starts); logs from
 * `o.fromBlock`, `o.chunkBlocks` blocks per request.
 * @param address ClusterSettlement's address.
 * @throws FieldError naming `fromBlock` or `chunkBlocks` when out of range; `contract` when no
 *   ClusterSettlement is there or its events are missing (a `fromBlock` after its deployment too),
 *   or `batch <i>` when a settled batch's data does not replay to its roots.
 */
export async function syncFromL1(provider: Provider, address: string, o: SyncOptions = {}): Promise<SyncedCluster> {
  const fromBlock = o.fromBlock ?? 0;
  const chunk = o.chunkBlocks ?? DEFAULT_CHUNK_BLOCKS;
  if (!Number.isInteger(fromBlock) || fromBlock < 0) throw new FieldError("fromBlock", `must be an integer >= 0, got ${fromBlock}`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new FieldError("chunkBlocks", `must be an integer >= 1, got ${chunk}`);
  const abi = settlementInterfaceAbi();
  const iface = new Interface(abi as never);
  const contract = new Contract(address, abi as never, provider);
  if ((await provider.getCode(address)) === "0x") throw new FieldError("contract", `no contract at ${address}`);
  const blockNumber = await provider.getBlockNumber();
  const at = { blockTag: blockNumber };
  const [members, depth, slots, domain, settledCount] = (await Promise.all([
    contract.members(at),
    contract.depth(at),
    contract.slots(at),
    contract.domain(at),
    contract.nextBatchIndex(at),
  ])) as bigint[];

  const logs = (event: SyncedEvent) => queryInChunks(contract, event, fromBlock, blockNumber, chunk);
  const published = await logs("GenesisPublished");
  if (published.length !== 1) {
    throw new FieldError("contract", `expected one GenesisPublished event at ${address} in blocks ${fromBlock}..${blockNumber}, found ${published.length}`);
  }
  const words = (published[0] as unknown as { args: { accounts: bigint[] } }).args.accounts;
  const added: AddedMember[] = (await logs("MemberAdded")).map((e) => {
    const a = (e as unknown as { args: { chainId: bigint; atBatch: bigint; genesisRoot: bigint; genesisAccounts: bigint[] } }).args;
    return { chainId: Number(a.chainId), atBatch: Number(a.atBatch), genesisRoot: a.genesisRoot, accounts: [...a.genesisAccounts] };
  });
  const state = new ClusterState(Number(members) - added.length, Number(depth), await getPoseidon(), await EddsaSigner.create(), domain);
  createPublishedAccounts(state, words);

  const events = await logs("BatchSettled");
  const settled = events
    .map((e) => ({ index: Number((e as unknown as { args: { batchIndex: bigint } }).args.batchIndex), txHash: e.transactionHash }))
    .sort((a, b) => a.index - b.index);
  if (settled.length !== Number(settledCount) || settled.some((e, i) => e.index !== i)) {
    throw new FieldError("contract", `BatchSettled events do not cover batches 0..${Number(settledCount) - 1}`);
  }
  const calls = new Map<string, { header: bigint; oldRootsCommitment: bigint; newRoots: bigint[]; pubdata: bigint[] }[]>();
  for (const { index, txHash } of settled) {
    let batches = calls.get(txHash);
    if (!batches) {
      const tx = await provider.getTransaction(txHash);
      if (!tx) throw new FieldError(`batch ${index}`, `settle transaction ${txHash} not found`);
      batches = (iface.decodeFunctionData("settle", tx.data)[0] as unknown[]).map((b) => {
        const x = b as { header: bigint; oldRootsCommitment: bigint; newRoots: bigint[]; pubdata: bigint[] };
        return { header: x.header, oldRootsCommitment: x.oldRootsCommitment, newRoots: [...x.newRoots], pubdata: [...x.pubdata] };
      });
      calls.set(txHash, batches);
    }
    addMembersAt(state, added, index);
    const batch = batches.find((b) => Number(b.header >> 64n) === index);
    if (!batch) throw new FieldError(`batch ${index}`, `not in the calldata of ${txHash}`);
    if (index === 0 && batch.oldRootsCommitment !== state.rootsCommitment()) {
      throw new FieldError("contract", "the published genesis accounts do not give the genesis roots commitment");
    }
    decodeBatchPubdata(batch.pubdata).forEach((slot, s) => {
      try {
        state.replayPublished(slot);
      } catch (e) {
        throw new FieldError(`batch ${index}`, `slot ${s}: ${(e as FieldError).field}: ${(e as FieldError).reason ?? (e as Error).message}`);
      }
    });
    const roots = state.roots();
    if (roots.some((r, i) => r !== batch.newRoots[i])) throw new FieldError(`batch ${index}`, "its published data does not replay to its newRoots");
  }
  addMembersAt(state, added, settled.length);
  if (settled.length === 0 && state.rootsCommitment() !== ((await contract.rootsCommitment(at)) as bigint)) {
    throw new FieldError("contract", "the published genesis accounts do not give the genesis roots commitment");
  }
  const onChainRoots = [...((await contract.currentRoots(at)) as bigint[])];
  return {
    members: Number(members),
    depth: Number(depth),
    slots: Number(slots),
    domain,
    state,
    batches: settled.length,
    genesisAccounts: words.length / GENESIS_ACCOUNT_WORDS,
    roots: state.roots(),
    onChainRoots,
    blockNumber,
  };
}
