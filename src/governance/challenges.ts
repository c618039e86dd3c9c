/**
 * Seed 000's challenge game from anyone's seat (GovernorRegistry.challenge / resolveChallenge /
 * claimReward): a bonded challenge of a fast confirmation that no settlement has matched yet; once the
 * batch settles, or its deadline passes, anyone resolves it. Upheld (the settled proof contradicts the
 * confirmed claim, or nothing settled by the deadline): every signer still holding stake is slashed and
 * the challenger is owed its bond back plus the reporter's shares. Failed (the settlement matches): the
 * bond is owed to the signers. What a challenge or a slash owes is paid by claimReward.
 */
import type { EventLog, Log, Signer, TransactionReceipt } from "ethers";
import { FieldError } from "../config/field-error.js";
import { type GovernorRegistryClient, claimStatus } from "./registry.js";

/** An open challenge (openChallenge). */
export interface OpenedChallenge {
  batchIndex: bigint;
  challenger: string;
  /** The bond sent (wei): the registry's challengeBond. */
  bond: bigint;
  /** The last L1 block a settlement can answer it in. */
  deadline: bigint;
  txHash: string;
}

/** A resolved challenge (resolveChallengeOf). */
export interface ResolvedChallenge {
  batchIndex: bigint;
  /** true: the signers were slashed and the challenger is owed; false: the bond is owed to the signers. */
  upheld: boolean;
  /** The confirmation's signers, as ClaimConfirmed listed them. */
  signers: string[];
  /** The signers slashed by this resolution (those that still held stake), with the wei burned of each. */
  slashed: { governor: string; burnt: bigint }[];
  txHash: string;
}

/**
 * Challenges the recorded fast confirmation of batch `batchIndex`, bonding the registry's challengeBond.
 * Checked first from L1 state (claimStatus), so a challenge that would revert costs nothing.
 * @param registry a client whose runner is the challenger's wallet.
 * @throws FieldError naming `batch` when the batch is not fast-confirmed (unconfirmed, or settled or
 *   contradicted already: a settled batch needs no challenge, a contradicted one is slashed with
 *   slashContradicted) or is challenged already; ethers errors when a read or the transaction fails.
 */
export async function openChallenge(registry: GovernorRegistryClient, batchIndex: bigint): Promise<OpenedChallenge> {
  const status = await claimStatus(registry, batchIndex);
  if (status.status !== "fast-confirmed")
    throw new FieldError("batch", `batch ${batchIndex} is ${status.status}: only a fast confirmation no proof has settled yet can be challenged`);
  if (status.challenge) throw new FieldError("batch", `batch ${batchIndex} is challenged already by ${status.challenge.challenger}`);
  const bond = await registry.challengeBond();
  const receipt = await mined(await registry.challenge(batchIndex, { value: bond }));
  const { challenger, deadline } = await registry.challengeOf(batchIndex);
  return { batchIndex, challenger, bond, deadline, txHash: receipt.hash };
}

/**
 * The signers of the recorded confirmation of batch `batchIndex`, from its ClaimConfirmed event (the
 * list resolveChallenge takes; the registry keeps only its hash).
 * @throws FieldError naming `batch` when no confirmation of it was recorded; ethers errors when the read fails.
 */
export async function confirmationSigners(registry: GovernorRegistryClient, batchIndex: bigint): Promise<string[]> {
  const [event] = await registry.queryFilter(registry.filters.ClaimConfirmed(batchIndex));
  if (!event) throw new FieldError("batch", `no fast confirmation of batch ${batchIndex} was recorded`);
  return [...(event as EventLog).args.signers] as string[];
}

/**
 * Resolves the open challenge of batch `batchIndex` (anyone may): once the batch settled, or after the
 * challenge's deadline.
 * @param registry a client whose runner is a wallet (it pays the gas; what the resolution owes goes to
 *   the challenger or the signers, whoever sends it).
 * @throws FieldError naming `batch` when no challenge of it is open, or while it is neither settled nor
 *   past the deadline (with the deadline block); ethers errors when a read or the transaction fails.
 */
export async function resolveChallengeOf(registry: GovernorRegistryClient, batchIndex: bigint): Promise<ResolvedChallenge> {
  const status = await claimStatus(registry, batchIndex);
  if (!status.challenge || status.challenge.resolved) throw new FieldError("batch", `no open challenge of batch ${batchIndex}`);
  if (status.status === "fast-confirmed" && BigInt(status.blockNumber) <= status.challenge.deadline)
    throw new FieldError(
      "batch",
      `the challenge of batch ${batchIndex} is still open: batch ${batchIndex} has not settled, and its deadline is block ${status.challenge.deadline} (now ${status.blockNumber})`,
    );
  const signers = await confirmationSigners(registry, batchIndex);
  const receipt = await mined(await registry.resolveChallenge(batchIndex, signers));
  const logs = receipt.logs.map((l) => parsed(registry, l)).filter((l) => l !== undefined);
  const resolved = logs.find((l) => l.name === "ChallengeResolved");
  if (!resolved) throw new Error(`resolveChallenge of batch ${batchIndex}: no ChallengeResolved event in ${receipt.hash}`);
  return {
    batchIndex,
    upheld: resolved.args.upheld as boolean,
    signers,
    slashed: logs.filter((l) => l.name === "Slashed").map((l) => ({ governor: l.args.governor as string, burnt: l.args.burnt as bigint })),
    txHash: receipt.hash,
  };
}

/**
 * Pays the wallet of `registry` what slashes and challenges owe it (GovernorRegistry.claimReward).
 * @returns the account paid and the wei paid.
 * @throws FieldError naming `reward` when nothing is owed to it; Error when the client's runner is no
 *   wallet; ethers errors when a read or the transaction fails.
 */
export async function claimRewardOf(registry: GovernorRegistryClient): Promise<{ account: string; paid: bigint; txHash: string }> {
  const wallet = registry.runner as Partial<Signer> | null;
  if (typeof wallet?.getAddress !== "function") throw new Error("claimRewardOf: the registry client's runner is no wallet");
  const account = await wallet.getAddress();
  const owed = await registry.rewardOf(account);
  if (owed === 0n) throw new FieldError("reward", `nothing is owed to ${account}`);
  const receipt = await mined(await registry.claimReward());
  return { account, paid: owed, txHash: receipt.hash };
}

async function mined(tx: { wait(): Promise<TransactionReceipt | null>; hash: string }): Promise<TransactionReceipt> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error(`transaction ${tx.hash} has no receipt`);
  return receipt;
}

function parsed(registry: GovernorRegistryClient, log: Log) {
  try {
    return registry.interface.parseLog(log) ?? undefined;
  } catch {
    return undefined;
  }
}
