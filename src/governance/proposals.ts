/**
 * A governor's side of joint governance (seed 004), what `cluster-settle proposal` runs: propose adding a
 * member (its verifier and Poseidon contract deployed first), read a proposal with its decoded
 * parameters, check it against the governor's own set-up before approving, approve, execute.
 */
import { AbiCoder, type Provider, type Wallet } from "ethers";
import { FieldError } from "../config/field-error.js";
import type { GenesisAccount } from "../protocol/genesis.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { registryClient } from "./registry.js";
import {
  type AddMemberParams,
  GOVERNANCE_ACTION,
  type GovernanceProposal,
  checkAddMember,
  checkSetInstance,
  decodeAddMember,
  decodeRemoveMember,
  deployMemberAddition,
  encodeAddMember,
  encodeRemoveMember,
  governanceClient,
  memberGenesisRoot,
} from "./joint-governance.js";

/** An action's name by its code (GOVERNANCE_ACTION). */
export type ActionName = keyof typeof GOVERNANCE_ACTION;

/** A proposal as a governor reads it before approving: its state on L1 and its decoded parameters. */
export interface ProposalView {
  id: bigint;
  action: ActionName;
  atBatch: number;
  epoch: bigint;
  proposer: string;
  /** Stake (wei) of the governors that approved it, and the 2/3 of the epoch's total stake it needs. */
  approvedStake: bigint;
  quorumStake: bigint;
  /** L1 time (s) it reached the quorum (0: not yet) and from which it may execute (0: not queued). */
  queuedAt: bigint;
  executableAt: bigint;
  executed: boolean;
  /** The abi-encoded parameters (what `execute` takes), from its Proposed event. */
  params: string;
  /** The parameters decoded: AddMemberParams, { verifier, slots, deltaTicks } or { depositDeadlineBlocks, exodusTimeoutBlocks }. */
  decoded:
    | AddMemberParams
    | { verifier: string; slots: number; deltaTicks: number }
    | { depositDeadlineBlocks: number; exodusTimeoutBlocks: number }
    | { chainId: number };
}

const coder = AbiCoder.defaultAbiCoder();

/**
 * Reads proposal `id` of a ClusterGovernance: its state (proposalOf), the quorum of its epoch
 * (⌈2/3⌉ of the registry's totalStakeAt, as the contract counts it) and its parameters from its Proposed event.
 * @throws FieldError naming `id` when there is no such proposal, `params` when its parameters do not decode.
 */
export async function readProposal(provider: Provider, governanceAddress: string, id: bigint): Promise<ProposalView> {
  const governance = governanceClient(governanceAddress, provider);
  if (id < 1n || id > (await governance.proposalCount())) throw new FieldError("id", `no proposal ${id} at ${governanceAddress}`);
  const p: GovernanceProposal = await governance.proposalOf(id);
  const [event] = await governance.queryFilter(governance.filters.Proposed(id));
  if (!event) throw new FieldError("id", `proposal ${id} has no Proposed event at ${governanceAddress}`);
  const params = (event as unknown as { args: { params: string } }).args.params;
  const action = (Object.keys(GOVERNANCE_ACTION) as ActionName[]).find((k) => BigInt(GOVERNANCE_ACTION[k]) === p.action);
  if (!action) throw new FieldError("action", `proposal ${id} has unknown action ${p.action}`);
  const total = await registryClient(await governance.registry(), provider).totalStakeAt(p.epoch);
  return {
    id,
    action,
    atBatch: Number(p.atBatch),
    epoch: p.epoch,
    proposer: p.proposer,
    approvedStake: p.approvedStake,
    quorumStake: (total * 2n + 2n) / 3n,
    queuedAt: p.queuedAt,
    executableAt: p.queuedAt === 0n ? 0n : p.queuedAt + (await governance.timelockSeconds()),
    executed: p.executed,
    params,
    decoded: decodeParams(action, params),
  };
}

/** @throws FieldError naming `params` when they are not the action's abi encoding. */
function decodeParams(action: ActionName, params: string): ProposalView["decoded"] {
  if (action === "ADD_MEMBER") return decodeAddMember(params);
  if (action === "REMOVE_MEMBER") return { chainId: decodeRemoveMember(params) };
  try {
    if (action === "SET_INSTANCE") {
      const [verifier, slots, deltaTicks] = coder.decode(["address", "uint256", "uint256"], params);
      return { verifier, slots: Number(slots), deltaTicks: Number(deltaTicks) };
    }
    const [depositDeadlineBlocks, exodusTimeoutBlocks] = coder.decode(["uint256", "uint256"], params);
    return { depositDeadlineBlocks: Number(depositDeadlineBlocks), exodusTimeoutBlocks: Number(exodusTimeoutBlocks) };
  } catch (e) {
    throw new FieldError("params", `not ${action}'s abi encoding: ${(e as Error).message}`);
  }
}

/**
 * What a governor checks before approving: an ADD_MEMBER against its own set-up of the N + 1 instance
 * (checkAddMember), a SET_INSTANCE against its set-up of the new instance (checkSetInstance), a
 * REMOVE_MEMBER names an active member; a SET_DEADLINES carries only numbers, which the caller shows
 * (the contract refuses 0 and one that starts exodus).
 * @param removed the members removed already (for REMOVE_MEMBER).
 * @param next the governor's own set-up of the instance the proposal switches to (ADD_MEMBER, SET_INSTANCE).
 * @throws FieldError naming `next` when it is missing or not of the proposal's shape, or the parameter at fault.
 */
export async function checkProposal(
  provider: Provider,
  view: ProposalView,
  members: number,
  next?: PreparedInstance,
  removed: readonly number[] = [],
): Promise<void> {
  if (view.action === "SET_DEADLINES") return;
  if (view.action === "REMOVE_MEMBER") {
    const { chainId } = view.decoded as { chainId: number };
    if (chainId >= members || removed.includes(chainId)) throw new FieldError("chainId", `${chainId} is not an active member of the cluster`);
    return;
  }
  if (!next) throw new FieldError("next", `checking a ${view.action} needs the set-up of the instance it switches to (--next-instance)`);
  if (view.action === "ADD_MEMBER") {
    if (next.inst.members !== members + 1)
      throw new FieldError("next", `instance "${next.inst.name}" has ${next.inst.members} members; adding one to ${members} needs ${members + 1}`);
    return checkAddMember(provider, view.decoded as AddMemberParams, next);
  }
  if (next.inst.members !== members) throw new FieldError("next", `instance "${next.inst.name}" has ${next.inst.members} members, the cluster ${members}`);
  return checkSetInstance(provider, view.decoded as { verifier: string; slots: number; deltaTicks: number }, next);
}

/**
 * Proposes adding member N at batch boundary `atBatch`: deploys the N + 1 instance's verifier and
 * Poseidon contract (deployMemberAddition), computes the new member's genesis root from its accounts,
 * and sends `propose` (which counts as the proposer's approval).
 * @param wallet a governor's key (bonded in the registry).
 * @param accounts the new member's genesis accounts (chainId N, no ETH: its escrow starts empty).
 * @returns the proposal's id and parameters.
 * @throws FieldError naming `next` (not N + 1 members) or `accounts[i].<field>`; ethers errors with
 *   ClusterGovernance's custom errors (NotGovernor, BoundaryPassed, …) when L1 refuses.
 */
export async function proposeMemberAddition(
  wallet: Wallet,
  governanceAddress: string,
  members: number,
  next: PreparedInstance,
  accounts: readonly GenesisAccount[],
  atBatch: number,
): Promise<{ id: bigint; params: AddMemberParams }> {
  if (next.inst.members !== members + 1)
    throw new FieldError("next", `instance "${next.inst.name}" has ${next.inst.members} members; adding one to ${members} needs ${members + 1}`);
  const genesisRoot = await memberGenesisRoot(next.inst, accounts);
  const params: AddMemberParams = { ...(await deployMemberAddition(wallet, next)), slots: next.inst.slots, genesisRoot, genesisAccounts: accounts };
  return { id: await propose(wallet, governanceAddress, GOVERNANCE_ACTION.ADD_MEMBER, encodeAddMember(params), atBatch), params };
}

/**
 * Proposes removing member `chainId` at batch boundary `atBatch` (REMOVE_MEMBER): from that batch on its
 * root is frozen on L1 and in every executor, and its accounts exit from it at once (`exit`).
 * @returns the proposal's id.
 * @throws ethers errors with ClusterGovernance's custom errors (NotGovernor, BoundaryPassed, …) when L1 refuses.
 */
export async function proposeMemberRemoval(wallet: Wallet, governanceAddress: string, chainId: number, atBatch: number): Promise<bigint> {
  return propose(wallet, governanceAddress, GOVERNANCE_ACTION.REMOVE_MEMBER, encodeRemoveMember(chainId), atBatch);
}

/** Sends `propose` and gives the id of its Proposed event. */
async function propose(wallet: Wallet, governanceAddress: string, action: number, params: string, atBatch: number): Promise<bigint> {
  const governance = governanceClient(governanceAddress, wallet);
  const receipt = await (await governance.propose(action, params, atBatch)).wait();
  const log = receipt.logs
    .map((l: { topics: string[]; data: string }) => governance.interface.parseLog(l))
    .find((l: { name?: string } | null) => l?.name === "Proposed");
  return log.args.id as bigint;
}
