/**
 * Joint governance of a cluster on L1 (seed 004; contracts/ClusterGovernance.sol): deployment, the
 * encoding of each action's parameters, and what adding a member needs deployed beforehand.
 * A change of the instance (a member added, a new verifying key, B, Δ, the deadlines) is a proposal
 * that governors holding 2/3 of the registry's stake approve; it executes after a timelock, at the batch
 * boundary it names, so the executor, the prover and the contract switch at the same batch index.
 */
import { AbiCoder, Contract, ContractFactory, type ContractRunner, type Provider, type Signer } from "ethers";
import { poseidonContract } from "circomlibjs";
import { type ContractArtifact, governanceInterfaceAbi } from "../l1/compile-contracts.js";
import { FieldError } from "../config/field-error.js";
import type { GenesisAccount } from "../protocol/genesis.js";
import { ETH_TOKEN_ID } from "../protocol/token.js";
import { ClusterState } from "../state/cluster-state.js";
import { getPoseidon } from "../crypto/poseidon.js";
import { EddsaSigner } from "../crypto/eddsa.js";

/** Default timelock of a node's ClusterGovernance: a day from quorum to execution, for members to act on what is coming. */
export const DEFAULT_GOVERNANCE_TIMELOCK_SECONDS = 86_400;

/** The action codes of ClusterGovernance.propose. */
export const GOVERNANCE_ACTION = { ADD_MEMBER: 1, SET_INSTANCE: 2, SET_DEADLINES: 3, REMOVE_MEMBER: 4 } as const;

/** A proposal as ClusterGovernance.proposalOf returns it. */
export interface GovernanceProposal {
  action: bigint;
  atBatch: bigint;
  epoch: bigint;
  /** L1 timestamp at which it reached 2/3 of the stake (0: not yet). */
  queuedAt: bigint;
  executed: boolean;
  proposer: string;
  approvedStake: bigint;
  paramsHash: string;
}

/** ClusterGovernance as the TypeScript side calls it: ethers' Contract with the views typed. */
export type ClusterGovernanceClient = Contract & {
  settlement(): Promise<string>;
  registry(): Promise<string>;
  timelockSeconds(): Promise<bigint>;
  proposalCount(): Promise<bigint>;
  proposalOf(id: bigint): Promise<GovernanceProposal>;
  approvedBy(id: bigint, governor: string): Promise<boolean>;
};

/**
 * Connects to a deployed ClusterGovernance with IClusterGovernance's ABI.
 * @param runner a wallet (to send) or a provider (to read).
 */
export function governanceClient(address: string, runner: ContractRunner): ClusterGovernanceClient {
  return new Contract(address, governanceInterfaceAbi() as never, runner) as ClusterGovernanceClient;
}

/**
 * Deploys a ClusterGovernance over `settlement` and its `registry`, and makes it the settlement's
 * governance (`setGovernance`, once; `signer` must be the settlement's owner).
 * @param artifact compileContracts(...).governance.
 * @param timelockSeconds seconds from quorum to execution, an integer in 1..2^32-1.
 * @throws FieldError naming `timelockSeconds`; ethers errors when a transaction reverts (NotOwner,
 *   GovernanceAlreadySet, BadGovernanceConfig).
 */
export async function deployGovernance(
  signer: Signer,
  artifact: ContractArtifact,
  settlement: Contract,
  registry: string,
  timelockSeconds: number,
): Promise<ClusterGovernanceClient> {
  if (!Number.isInteger(timelockSeconds) || timelockSeconds < 1 || timelockSeconds >= 2 ** 32)
    throw new FieldError("timelockSeconds", `must be an integer in 1..2^32-1 (seconds), got ${timelockSeconds}`);
  const c = await new ContractFactory(artifact.abi as never, artifact.bytecode, signer).deploy(await settlement.getAddress(), registry, timelockSeconds);
  await c.waitForDeployment();
  const address = await c.getAddress();
  await (await (settlement.connect(signer) as Contract).setGovernance(address)).wait();
  return governanceClient(address, signer);
}

/** What ClusterSettlement.addMember is given (ADD_MEMBER's parameters). */
export interface AddMemberParams {
  /** Groth16 verifier of the N + 1 instance. */
  verifier: string;
  /** B of the N + 1 instance. */
  slots: number;
  /** circomlibjs Poseidon contract of N + 1 inputs (the settlement recomputes the roots commitment with it). */
  poseidonRoots: string;
  /** The new member's state root at genesis (OpenCluster.addMember). */
  genesisRoot: bigint;
  /** Its genesis accounts (published in MemberAdded, from which `sync` rebuilds its state). */
  genesisAccounts: readonly GenesisAccount[];
}

const coder = AbiCoder.defaultAbiCoder();

/** ADD_MEMBER's parameters: abi.encode(address, uint256, address, uint256, uint256[]) as ClusterGovernance decodes them. */
export function encodeAddMember(p: AddMemberParams): string {
  const words = p.genesisAccounts.flatMap((a) => [BigInt(a.chainId), a.index, a.ax, a.ay, a.tokenId, a.balance]);
  return coder.encode(["address", "uint256", "address", "uint256", "uint256[]"], [p.verifier, p.slots, p.poseidonRoots, p.genesisRoot, words]);
}

/** Words per genesis account in ADD_MEMBER's parameters and MemberAdded: chainId, leaf index, ax, ay, tokenId, balance. */
const ACCOUNT_WORDS = 6;

/**
 * Decodes ADD_MEMBER's parameters (as a governor reads them from the Proposed event).
 * @throws FieldError naming `params` when they do not decode, or the account words are not 6 per account.
 */
export function decodeAddMember(params: string): AddMemberParams {
  let decoded: unknown[];
  try {
    decoded = [...coder.decode(["address", "uint256", "address", "uint256", "uint256[]"], params)];
  } catch (e) {
    throw new FieldError("params", `not ADD_MEMBER's abi.encode(address, uint256, address, uint256, uint256[]): ${(e as Error).message}`);
  }
  const [verifier, slots, poseidonRoots, genesisRoot, words] = decoded as [string, bigint, string, bigint, bigint[]];
  if (slots > 64n) throw new FieldError("params.slots", `${slots}: B is at most 64`);
  return { verifier, slots: Number(slots), poseidonRoots, genesisRoot, genesisAccounts: accountsOfWords(words, "params.genesisAccounts") };
}

/**
 * Genesis accounts from their published words (ADD_MEMBER's parameters, MemberAdded), 6 per account.
 * @throws FieldError naming `field` when the words are not 6 per account, or `field[i].chainId` for a chain id above 255.
 */
function accountsOfWords(words: readonly bigint[], field: string): GenesisAccount[] {
  if (words.length % ACCOUNT_WORDS !== 0) throw new FieldError(field, `${words.length} words: not ${ACCOUNT_WORDS} per account`);
  const accounts: GenesisAccount[] = [];
  for (let k = 0; k < words.length; k += ACCOUNT_WORDS) {
    const [chainId, index, ax, ay, tokenId, balance] = words.slice(k, k + ACCOUNT_WORDS);
    if (chainId > 255n) throw new FieldError(`${field}[${k / ACCOUNT_WORDS}].chainId`, `${chainId}: not a member's chain id`);
    accounts.push({ chainId: Number(chainId), index, ax, ay, tokenId, balance });
  }
  return accounts;
}

/** A member joint governance added: ClusterSettlement's MemberAdded event. */
export interface MemberAddedEvent {
  chainId: number;
  /** The batch boundary it joined at: batches from this index on are of N + 1 members. */
  atBatch: number;
  genesisRoot: bigint;
  /** The Groth16 verifier of the N + 1 instance the settlement uses from `atBatch` on. */
  verifier: string;
  /** Its published genesis accounts. */
  accounts: GenesisAccount[];
  /** The L1 block of the event. */
  blockNumber: number;
}

/**
 * Reads the MemberAdded events of a settlement in blocks `fromBlock..toBlock`, in chainId order.
 * @throws FieldError naming `MemberAdded.genesisAccounts` for published words that do not decode; ethers errors when the RPC fails.
 */
export async function memberAddedEvents(settlement: Contract, fromBlock: number, toBlock: number): Promise<MemberAddedEvent[]> {
  const logs = await settlement.queryFilter(settlement.filters.MemberAdded(), fromBlock, toBlock);
  return logs
    .map((e) => {
      const a = (e as unknown as { args: { chainId: bigint; atBatch: bigint; genesisRoot: bigint; verifier: string; genesisAccounts: bigint[] } }).args;
      return {
        chainId: Number(a.chainId),
        atBatch: Number(a.atBatch),
        genesisRoot: a.genesisRoot,
        verifier: a.verifier,
        accounts: accountsOfWords([...a.genesisAccounts], "MemberAdded.genesisAccounts"),
        blockNumber: e.blockNumber,
      };
    })
    .sort((x, y) => x.chainId - y.chainId);
}

/** An ADD_MEMBER or REMOVE_MEMBER proposal that reached 2/3 of the stake (a Queued event), with its parameters from its Proposed event. */
export interface QueuedMemberChange {
  kind: "add" | "remove";
  id: bigint;
  atBatch: number;
  /** The abi-encoded parameters, as `execute` takes them. */
  params: string;
  /** L1 timestamp (s) from which it may execute (quorum + timelock). */
  executableAt: bigint;
  executed: boolean;
}

/**
 * Reads the ADD_MEMBER and REMOVE_MEMBER proposals queued (Queued events) in blocks `fromBlock..toBlock`,
 * each with the parameters of its Proposed event and its state (proposalOf); other actions are left out.
 * @throws ethers errors when the RPC fails.
 */
export async function queuedMemberChanges(governance: ClusterGovernanceClient, fromBlock: number, toBlock: number): Promise<QueuedMemberChange[]> {
  const queued = await governance.queryFilter(governance.filters.Queued(), fromBlock, toBlock);
  const out: QueuedMemberChange[] = [];
  for (const q of queued) {
    const { id, executableAt } = (q as unknown as { args: { id: bigint; executableAt: bigint } }).args;
    const proposal = await governance.proposalOf(id);
    const kind =
      proposal.action === BigInt(GOVERNANCE_ACTION.ADD_MEMBER) ? "add" : proposal.action === BigInt(GOVERNANCE_ACTION.REMOVE_MEMBER) ? "remove" : undefined;
    if (!kind) continue;
    const [proposed] = await governance.queryFilter(governance.filters.Proposed(id));
    if (!proposed) continue;
    const params = (proposed as unknown as { args: { params: string } }).args.params;
    out.push({ kind, id, atBatch: Number(proposal.atBatch), params, executableAt, executed: proposal.executed });
  }
  return out;
}

/** REMOVE_MEMBER's parameters: abi.encode(uint256 chainId). */
export function encodeRemoveMember(chainId: number): string {
  return coder.encode(["uint256"], [chainId]);
}

/** Decodes REMOVE_MEMBER's parameters. @throws FieldError naming `params` when they are not abi.encode(uint256) of a chain id below 256. */
export function decodeRemoveMember(params: string): number {
  let chainId: bigint;
  try {
    [chainId] = coder.decode(["uint256"], params) as unknown as [bigint];
  } catch (e) {
    throw new FieldError("params", `not REMOVE_MEMBER's abi.encode(uint256): ${(e as Error).message}`);
  }
  if (chainId > 255n) throw new FieldError("params.chainId", `${chainId}: not a member's chain id`);
  return Number(chainId);
}

/** A member joint governance removed: ClusterSettlement's MemberRemovedAt event. */
export interface MemberRemovedEvent {
  chainId: number;
  /** The first batch in which its root is frozen. */
  atBatch: number;
  frozenRoot: bigint;
}

/** Reads the MemberRemovedAt events of a settlement in blocks `fromBlock..toBlock`, in L1 order. @throws ethers errors when the RPC fails. */
export async function memberRemovedEvents(settlement: Contract, fromBlock: number, toBlock: number): Promise<MemberRemovedEvent[]> {
  const logs = await settlement.queryFilter(settlement.filters.MemberRemovedAt(), fromBlock, toBlock);
  return logs.map((e) => {
    const a = (e as unknown as { args: { chainId: bigint; atBatch: bigint; frozenRoot: bigint } }).args;
    return { chainId: Number(a.chainId), atBatch: Number(a.atBatch), frozenRoot: a.frozenRoot };
  });
}

/**
 * Checks that the code at `address` is the runtime code `creation` deploys (run with eth_call: no
 * transaction, nothing deployed).
 * @throws FieldError naming `field` when there is no contract there or its code differs (`what` says what was expected).
 */
async function sameCode(provider: Provider, field: string, address: string, creation: string, what: string): Promise<void> {
  const [deployed, expected] = await Promise.all([provider.getCode(address), provider.call({ data: creation })]);
  if (deployed === "0x") throw new FieldError(field, `no contract at ${address}`);
  if (deployed.toLowerCase() !== expected.toLowerCase()) throw new FieldError(field, `the code at ${address} is not ${what}`);
}

/**
 * What a governor checks before it approves a SET_INSTANCE: the code at `verifier` is the runtime code
 * of the new instance's own exported verifier (from its own set-up), and B and Δ are that instance's.
 * @param next the new instance (same N) and its compiled verifier.
 * @throws FieldError naming `verifier`, `slots` or `deltaTicks` and why.
 */
export async function checkSetInstance(
  provider: Provider,
  p: { verifier: string; slots: number; deltaTicks: number },
  next: { inst: { name: string; slots: number; deltaTicks: number }; contracts: { verifier: ContractArtifact } },
): Promise<void> {
  await sameCode(provider, "verifier", p.verifier, next.contracts.verifier.bytecode, `instance "${next.inst.name}"'s exported Groth16 verifier`);
  if (p.slots !== next.inst.slots) throw new FieldError("slots", `${p.slots}, but instance "${next.inst.name}" has B = ${next.inst.slots}`);
  if (p.deltaTicks !== next.inst.deltaTicks)
    throw new FieldError("deltaTicks", `${p.deltaTicks}, but instance "${next.inst.name}" has Δ = ${next.inst.deltaTicks}`);
}

/**
 * What a governor checks before it approves an ADD_MEMBER (a verifier and a Poseidon contract are code
 * that will judge every later batch: they are hostile until their bytes are the ones expected):
 * the code at `verifier` is the runtime code of the N + 1 instance's own exported verifier (its
 * creation code run with eth_call), the code at `poseidonRoots` is circomlibjs' Poseidon contract of
 * N + 1 inputs, B is the instance's, and the genesis accounts are on chain N, hold no ETH and give
 * `genesisRoot` (a depth-D Poseidon sparse Merkle tree, as the executor builds it).
 * @param next the N + 1 instance (its members, depth, slots) and its compiled verifier, from its own set-up.
 * @throws FieldError naming the parameter at fault (`verifier`, `poseidonRoots`, `slots`,
 *   `genesisAccounts[i].<field>`, `genesisRoot`) and why.
 */
export async function checkAddMember(
  provider: Provider,
  p: AddMemberParams,
  next: { inst: { name: string; members: number; depth: number; slots: number }; contracts: { verifier: ContractArtifact } },
): Promise<void> {
  const n = next.inst.members - 1;
  await sameCode(provider, "verifier", p.verifier, next.contracts.verifier.bytecode, `instance "${next.inst.name}"'s exported Groth16 verifier`);
  await sameCode(provider, "poseidonRoots", p.poseidonRoots, poseidonContract.createCode(n + 1), `circomlibjs' Poseidon contract of ${n + 1} inputs`);
  if (p.slots !== next.inst.slots) throw new FieldError("slots", `${p.slots}, but instance "${next.inst.name}" has B = ${next.inst.slots}`);
  const root = await memberGenesisRoot(next.inst, p.genesisAccounts);
  if (root !== p.genesisRoot) throw new FieldError("genesisRoot", `${p.genesisRoot}, but the genesis accounts give ${root}`);
}

/**
 * The genesis root of the member an N + 1 instance adds (chain N): its accounts in a depth-D Poseidon
 * sparse Merkle tree, as the executor builds it (ClusterState).
 * @throws FieldError naming `genesisAccounts[i].<field>`: an account not on chain N, ETH (the new
 *   member's escrow starts empty), or what ClusterState.createAccount refuses.
 */
export async function memberGenesisRoot(next: { members: number; depth: number }, accounts: readonly GenesisAccount[]): Promise<bigint> {
  const n = next.members - 1;
  const state = new ClusterState(n + 1, next.depth, await getPoseidon(), await EddsaSigner.create(), 0n);
  accounts.forEach((a, i) => {
    if (a.chainId !== n) throw new FieldError(`genesisAccounts[${i}].chainId`, `${a.chainId}, but the new member is chain ${n}`);
    if (a.tokenId === ETH_TOKEN_ID && a.balance !== 0n)
      throw new FieldError(`genesisAccounts[${i}].balance`, "ETH the new member's empty escrow does not back");
    try {
      state.createAccount(n, a.index, { ax: a.ax, ay: a.ay, tokenId: a.tokenId, balance: a.balance, nonce: 0n });
    } catch (e) {
      throw new FieldError(`genesisAccounts[${i}].${(e as FieldError).field}`, (e as FieldError).reason ?? (e as Error).message);
    }
  });
  return state.roots()[n];
}

/** SET_INSTANCE's parameters: abi.encode(address verifier, uint256 slots, uint256 deltaTicks). */
export function encodeSetInstance(p: { verifier: string; slots: number; deltaTicks: number }): string {
  return coder.encode(["address", "uint256", "uint256"], [p.verifier, p.slots, p.deltaTicks]);
}

/** SET_DEADLINES's parameters: abi.encode(uint256 depositDeadlineBlocks, uint256 exodusTimeoutBlocks). */
export function encodeSetDeadlines(p: { depositDeadlineBlocks: number; exodusTimeoutBlocks: number }): string {
  return coder.encode(["uint256", "uint256"], [p.depositDeadlineBlocks, p.exodusTimeoutBlocks]);
}

/**
 * Deploys what an N + 1 instance needs on L1 before ADD_MEMBER is proposed: its snarkjs-exported
 * Groth16 verifier and circomlibjs' Poseidon contract of N + 1 inputs.
 * @param next the N + 1 instance's compiled contracts (its `verifier`) and its member count.
 * @returns the two addresses, for AddMemberParams.
 * @throws ethers errors when a deployment fails.
 */
export async function deployMemberAddition(
  signer: Signer,
  next: { inst: { members: number }; contracts: { verifier: ContractArtifact } },
): Promise<{ verifier: string; poseidonRoots: string }> {
  const deploy = async (abi: unknown[], bytecode: string) => {
    const c = await new ContractFactory(abi as never, bytecode, signer).deploy();
    await c.waitForDeployment();
    return c.getAddress();
  };
  const n = next.inst.members;
  return {
    verifier: await deploy(next.contracts.verifier.abi, next.contracts.verifier.bytecode),
    poseidonRoots: await deploy(poseidonContract.generateABI(n), poseidonContract.createCode(n)),
  };
}
