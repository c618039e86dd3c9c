/**
 * GovernorRegistry on L1 (contracts/GovernorRegistry.sol): deployment, a typed client, and the light
 * client's check of a batch from L1 state alone.
 */
import { Contract, ContractFactory, type ContractRunner, type Overrides, type Signer } from "ethers";
import { type ContractArtifact, registryInterfaceAbi, settlementInterfaceAbi } from "../l1/compile-contracts.js";
import { FieldError } from "../config/field-error.js";

/** GovernorRegistry.Config less the settlement address; every count in L1 blocks, amounts in wei. */
export interface RegistryConfig {
  /** Smallest bond (default 1 ETH). */
  minStake: bigint;
  /** Blocks per epoch (default 7,200: a day of 12 s blocks). */
  epochBlocks: number;
  /** Blocks after a governor's last epoch begins before its stake unlocks (default 100,800: two weeks,
   *  twice the default exodus timeout, so a batch it signed settles, or the cluster is in exodus, before it leaves). */
  unbondingBlocks: number;
  /** Blocks a challenged confirmation has for a matching settlement (default 7,200). */
  challengeWindowBlocks: number;
  /** A challenger's bond (default 0.1 ETH). */
  challengeBond: bigint;
  /** Reporter's share of a slashed stake in basis points (default 5,000: half; the rest is burned). */
  reporterShareBps: number;
}

/** The defaults of RegistryConfig. */
export const DEFAULT_REGISTRY_CONFIG: RegistryConfig = {
  minStake: 10n ** 18n,
  epochBlocks: 7_200,
  unbondingBlocks: 100_800,
  challengeWindowBlocks: 7_200,
  challengeBond: 10n ** 17n,
  reporterShareBps: 5_000,
};

/**
 * Checks a registry configuration before it is sent (the constructor checks the same and reverts BadRegistryConfig).
 * @throws FieldError naming the field: a count that is not a positive integer below 2^32, an amount <= 0,
 *   unbondingBlocks <= challengeWindowBlocks, reporterShareBps outside 0..10,000.
 */
export function checkRegistryConfig(config: RegistryConfig): void {
  for (const field of ["epochBlocks", "unbondingBlocks", "challengeWindowBlocks"] as const) {
    const v = config[field];
    if (!Number.isInteger(v) || v <= 0 || v >= 2 ** 32) throw new FieldError(`registry.${field}`, `must be an integer in 1..2^32-1 (L1 blocks), got ${v}`);
  }
  if (config.unbondingBlocks <= config.challengeWindowBlocks) {
    throw new FieldError(
      "registry.unbondingBlocks",
      `must exceed challengeWindowBlocks (${config.challengeWindowBlocks}), so a challenge still reaches a leaving governor`,
    );
  }
  if (config.minStake <= 0n) throw new FieldError("registry.minStake", "must be > 0 wei");
  if (config.challengeBond <= 0n) throw new FieldError("registry.challengeBond", "must be > 0 wei");
  if (!Number.isInteger(config.reporterShareBps) || config.reporterShareBps < 0 || config.reporterShareBps > 10_000) {
    throw new FieldError("registry.reporterShareBps", `must be an integer in 0..10000 (basis points), got ${config.reporterShareBps}`);
  }
}

/** A recorded fast confirmation (GovernorRegistry.Confirmation). */
export interface RegistryConfirmation {
  claimKey: string;
  epoch: bigint;
  signedStake: bigint;
  blockNumber: bigint;
  signersHash: string;
}

/** A governor's record (GovernorRegistry.Governor). */
export interface GovernorRecord {
  stake: bigint;
  activeFrom: bigint;
  activeUntil: bigint;
  withdrawableAt: bigint;
  slashed: boolean;
  withdrawn: boolean;
}

/** Read calls at a block (`blockTag`), as ethers takes them. */
type At = Pick<Overrides, "blockTag">;

/** GovernorRegistry as the TypeScript side calls it: ethers' Contract with the views typed. */
export type GovernorRegistryClient = Contract & {
  settlement(at?: At): Promise<string>;
  currentEpoch(): Promise<bigint>;
  epochBlocks(): Promise<bigint>;
  startBlock(): Promise<bigint>;
  challengeBond(): Promise<bigint>;
  burned(): Promise<bigint>;
  rewardOf(account: string): Promise<bigint>;
  governors(): Promise<string[]>;
  governorOf(governor: string): Promise<GovernorRecord>;
  stakeAt(governor: string, epoch: bigint): Promise<bigint>;
  totalStakeAt(epoch: bigint, at?: At): Promise<bigint>;
  confirmationOf(batchIndex: bigint, at?: At): Promise<RegistryConfirmation>;
  challengeOf(batchIndex: bigint, at?: At): Promise<{ challenger: string; deadline: bigint; resolved: boolean }>;
};

/**
 * Connects to a deployed GovernorRegistry with IGovernorRegistry's ABI.
 * @param runner a wallet (to send) or a provider (to read).
 */
export function registryClient(address: string, runner: ContractRunner): GovernorRegistryClient {
  return new Contract(address, registryInterfaceAbi() as never, runner) as GovernorRegistryClient;
}

/**
 * Deploys a GovernorRegistry for `settlement` (epochs count from its deployment block).
 * @param artifact compileContracts(...).registry.
 * @param config defaults: DEFAULT_REGISTRY_CONFIG.
 * @throws FieldError for a configuration checkRegistryConfig refuses; ethers errors when the deployment fails.
 */
export async function deployRegistry(
  signer: Signer,
  artifact: ContractArtifact,
  settlement: string,
  config: Partial<RegistryConfig> = {},
): Promise<GovernorRegistryClient> {
  const full = { ...DEFAULT_REGISTRY_CONFIG, ...config };
  checkRegistryConfig(full);
  const c = await new ContractFactory(artifact.abi as never, artifact.bytecode, signer).deploy({ settlement, ...full });
  await c.waitForDeployment();
  return registryClient(await c.getAddress(), signer);
}

/**
 * What L1 says about a batch index:
 * - `settled`: its proof settled, and no recorded confirmation contradicts it (`fastConfirmed` says whether one matched);
 * - `contradicted`: its proof settled something else than the governors' recorded confirmation (the
 *   signers are slashable with slashContradicted, or by resolving a challenge);
 * - `fast-confirmed`: governors holding 2/3 of the epoch's stake confirmed a claim; no proof yet;
 * - `unconfirmed`: neither.
 */
export type ClaimStatusKind = "settled" | "contradicted" | "fast-confirmed" | "unconfirmed";

/** The light client's answer for one batch index (claimStatus). */
export interface ClaimStatus {
  batchIndex: bigint;
  status: ClaimStatusKind;
  /** ClusterSettlement.settledClaim (keccak256(abi.encode(header, newRootsCommitment))), or undefined while unsettled. */
  settledKey?: string;
  /** The recorded confirmation, or undefined when there is none. */
  confirmation?: RegistryConfirmation & { totalStake: bigint };
  /** The challenge of the confirmation, or undefined when there is none. */
  challenge?: { challenger: string; deadline: bigint; resolved: boolean };
  /** The L1 block the answer was read at. */
  blockNumber: number;
}

const ZERO = `0x${"0".repeat(64)}`;

/**
 * The light client: judges a batch index from L1 state alone, all reads at one block (the latest).
 * @param registry a GovernorRegistry client (its settlement is read from it).
 * @param batchIndex the batch index (>= 0).
 * @throws FieldError `batch` for a negative index; ethers errors when a read fails.
 */
export async function claimStatus(registry: GovernorRegistryClient, batchIndex: bigint): Promise<ClaimStatus> {
  if (batchIndex < 0n || batchIndex >= 2n ** 64n) throw new FieldError("batch", `must be a batch index in 0..2^64-1, got ${batchIndex}`);
  const provider = registry.runner?.provider;
  if (!provider) throw new Error("claimStatus: the registry client has no provider");
  const blockNumber = await provider.getBlockNumber();
  const at = { blockTag: blockNumber };
  const settlement = new Contract(await registry.settlement(at), settlementInterfaceAbi() as never, provider);
  const [settledKey, confirmation, challenge] = await Promise.all([
    settlement.settledClaim(batchIndex, at) as Promise<string>,
    registry.confirmationOf(batchIndex, at),
    registry.challengeOf(batchIndex, at),
  ]);
  const confirmed = confirmation.claimKey !== ZERO;
  const settled = settledKey !== ZERO;
  const status: ClaimStatusKind = settled
    ? confirmed && confirmation.claimKey !== settledKey
      ? "contradicted"
      : "settled"
    : confirmed
      ? "fast-confirmed"
      : "unconfirmed";
  return {
    batchIndex,
    status,
    settledKey: settled ? settledKey : undefined,
    confirmation: confirmed
      ? {
          claimKey: confirmation.claimKey,
          epoch: confirmation.epoch,
          signedStake: confirmation.signedStake,
          blockNumber: confirmation.blockNumber,
          signersHash: confirmation.signersHash,
          totalStake: await registry.totalStakeAt(confirmation.epoch, at),
        }
      : undefined,
    challenge:
      challenge.challenger === "0x0000000000000000000000000000000000000000"
        ? undefined
        : { challenger: challenge.challenger, deadline: challenge.deadline, resolved: challenge.resolved },
    blockNumber,
  };
}
