import { type Contract, ContractFactory, type Signer } from "ethers";
import { poseidonContract } from "circomlibjs";
import type { ContractArtifact } from "./compile-contracts.js";
import { FieldError } from "../config/field-error.js";
import type { GenesisAccount } from "../protocol/genesis.js";

/** What a ClusterSettlement deployment is bound to (ClusterSettlement.Config, less the contract addresses). */
export interface SettlementConfig {
  /** Δ of the circuit instance, >= 1. */
  deltaTicks: number;
  /** The cluster's id (genesis file); with the L1's chain id, the signing domain. */
  clusterId: bigint;
  /** State root of each member at genesis (index = chainId); its length is N (2..8). */
  genesisRoots: bigint[];
  /** Poseidon(domain, Poseidon(genesisRoots)) as computed off-chain; the constructor recomputes it and must agree. */
  genesisRootsCommitment: bigint;
  /** Accounts allowed to settle (default: the deployer). */
  sequencers?: string[];
  /** Ticks a batch may run ahead of L1 time at genesis (default 86,400). */
  maxTickLead?: number;
  /** Ticks per L1 second the bound grows by (default 10: 2^32 ticks last 13.6 years). */
  maxTicksPerSecond?: number;
  /** B, slots per batch of the circuit instance. */
  slots: number;
  /** D, depth of each member's account tree. */
  depth: number;
  /** L1 blocks a deposit may wait before settlements must consume it (default DEFAULT_DEPOSIT_DEADLINE_BLOCKS). */
  depositDeadlineBlocks?: number;
  /** ETH (token 1) each member holds at genesis, in wei (index = chainId); the deployment sends their sum. */
  genesisEthEscrow: bigint[];
  /** The genesis accounts, published in the GenesisPublished event (`sync` rebuilds the state from them; default none). */
  genesisAccounts?: GenesisAccount[];
  /** L1 blocks without a settlement after which the contract is in exodus mode (default DEFAULT_EXODUS_TIMEOUT_BLOCKS). */
  exodusTimeoutBlocks?: number;
}

/** The deployment parameters a node may set (the rest comes from the instance and the genesis): the L1 timeouts. */
export type DeploymentParameters = Partial<Pick<SettlementConfig, "depositDeadlineBlocks" | "exodusTimeoutBlocks" | "maxTickLead" | "maxTicksPerSecond">>;

/** What a deployment takes from the genesis: roots, their commitment, and the cluster's identity. */
export interface SettlementGenesis {
  roots: bigint[];
  /** Poseidon(domain, Poseidon(roots)). */
  commitment: bigint;
  clusterId: bigint;
  /** The L1 the genesis was made for (its operations are signed for it). */
  l1ChainId: number;
  /** ETH (token 1) each member holds at genesis, in wei (genesisEthEscrow in src/protocol/genesis.ts). */
  ethEscrow: bigint[];
  /** The genesis accounts (published on L1 at deployment). */
  accounts: GenesisAccount[];
}

/**
 * Refuses to deploy a genesis on an L1 it was not made for (its operations' signatures would not verify there).
 * @throws Error naming `genesis.l1ChainId` when `chainId` differs.
 */
export function checkGenesisChain(genesis: Pick<SettlementGenesis, "l1ChainId">, chainId: bigint, rpcUrl: string): void {
  if (BigInt(genesis.l1ChainId) !== chainId) {
    throw new FieldError(
      `genesis.l1ChainId`,
      `the genesis is for L1 chain ${genesis.l1ChainId}, but ${rpcUrl} is chain ${chainId} (make keys/genesis with --l1-chain-id ${chainId})`,
    );
  }
}

/** Defaults of the tick bound: see SettlementConfig. */
export const DEFAULT_MAX_TICK_LEAD = 86_400;
export const DEFAULT_MAX_TICKS_PER_SECOND = 10;
/** Default exodus timeout: 50,400 L1 blocks (a week of 12 s blocks) without a settlement. */
export const DEFAULT_EXODUS_TIMEOUT_BLOCKS = 50_400;
/** Default deposit deadline: 7,200 L1 blocks (a day of 12 s blocks). */
export const DEFAULT_DEPOSIT_DEADLINE_BLOCKS = 7_200;

/** The deployment configuration of an instance's contract at a genesis (default tick bounds and deposit deadline, the deployer as sequencer). */
export function settlementConfig(prepared: { inst: { deltaTicks: number; slots: number; depth: number } }, genesis: SettlementGenesis): SettlementConfig {
  return {
    deltaTicks: prepared.inst.deltaTicks,
    slots: prepared.inst.slots,
    depth: prepared.inst.depth,
    clusterId: genesis.clusterId,
    genesisRoots: genesis.roots,
    genesisRootsCommitment: genesis.commitment,
    genesisEthEscrow: genesis.ethEscrow,
    genesisAccounts: genesis.accounts,
  };
}

/**
 * Deploys the instance's Groth16Verifier, circomlibjs' Poseidon contracts of N and 2 inputs (used by
 * the constructor to recompute the genesis commitment on-chain) and of 6 inputs (the pubdata hash
 * chain of every settle) and of 5 inputs (leaves and EdDSA challenges of exodus exits), and a
 * ClusterSettlement bound to them, sending the genesis ETH escrow.
 * The deployer becomes the contract's owner (it may change the sequencer set and list tokens).
 * @returns the ClusterSettlement contract, deployed and mined.
 * @throws ethers errors when a deployment transaction fails; the constructor's custom errors
 *   (GenesisCommitmentMismatch, VerifierArityMismatch, BadMemberCount, BadDeltaTicks) when the
 *   configuration does not fit the verifier or the genesis.
 */
export async function deploySettlement(
  signer: Signer,
  artifacts: { settlement: ContractArtifact; verifier: ContractArtifact },
  config: SettlementConfig,
): Promise<Contract> {
  const deployed = async (abi: unknown[], bytecode: string, ...args: unknown[]) => {
    const c = await new ContractFactory(abi as never, bytecode, signer).deploy(...args);
    await c.waitForDeployment();
    return c;
  };
  const n = config.genesisRoots.length;
  const verifier = await deployed(artifacts.verifier.abi, artifacts.verifier.bytecode);
  const poseidonRoots = await deployed(poseidonContract.generateABI(n), poseidonContract.createCode(n));
  const poseidonPair = await deployed(poseidonContract.generateABI(2), poseidonContract.createCode(2));
  const poseidonPubdata = await deployed(poseidonContract.generateABI(6), poseidonContract.createCode(6));
  const poseidonLeaf = await deployed(poseidonContract.generateABI(5), poseidonContract.createCode(5));
  const settlement = await deployed(
    artifacts.settlement.abi,
    artifacts.settlement.bytecode,
    {
      verifier: await verifier.getAddress(),
      poseidonRoots: await poseidonRoots.getAddress(),
      poseidonPair: await poseidonPair.getAddress(),
      poseidonPubdata: await poseidonPubdata.getAddress(),
      slots: config.slots,
      depth: config.depth,
      depositDeadlineBlocks: config.depositDeadlineBlocks ?? DEFAULT_DEPOSIT_DEADLINE_BLOCKS,
      genesisEthEscrow: config.genesisEthEscrow,
      genesisAccounts: (config.genesisAccounts ?? []).flatMap((a) => [BigInt(a.chainId), a.index, a.ax, a.ay, a.tokenId, a.balance]),
      poseidonLeaf: await poseidonLeaf.getAddress(),
      exodusTimeoutBlocks: config.exodusTimeoutBlocks ?? DEFAULT_EXODUS_TIMEOUT_BLOCKS,
      deltaTicks: config.deltaTicks,
      clusterId: config.clusterId,
      genesisRoots: config.genesisRoots,
      genesisRootsCommitment: config.genesisRootsCommitment,
      sequencers: config.sequencers ?? [await signer.getAddress()],
      maxTickLead: config.maxTickLead ?? DEFAULT_MAX_TICK_LEAD,
      maxTicksPerSecond: config.maxTicksPerSecond ?? DEFAULT_MAX_TICKS_PER_SECOND,
    },
    { value: config.genesisEthEscrow.reduce((a, b) => a + b, 0n) },
  );
  return settlement as Contract;
}
