/**
 * Joint governance of a cluster on L1 (seed 004; contracts/ClusterGovernance.sol): deployment, the
 * encoding of each action's parameters, and what adding a member needs deployed beforehand.
 * A change of the instance (a member added, a new verifying key, B, Δ, the deadlines) is a proposal
 * that governors holding 2/3 of the registry's stake approve; it executes after a timelock, at the batch
 * boundary it names, so the executor, the prover and the contract switch at the same batch index.
 */
import { AbiCoder, Contract, ContractFactory, type ContractRunner, type Signer } from "ethers";
import { poseidonContract } from "circomlibjs";
import { type ContractArtifact, governanceInterfaceAbi } from "../l1/compile-contracts.js";
import { FieldError } from "../config/field-error.js";
import type { GenesisAccount } from "../protocol/genesis.js";

/** The action codes of ClusterGovernance.propose. */
export const GOVERNANCE_ACTION = { ADD_MEMBER: 1, SET_INSTANCE: 2, SET_DEADLINES: 3 } as const;

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
