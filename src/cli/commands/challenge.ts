import { Command } from "commander";
import { type JsonRpcProvider, Wallet, formatEther } from "ethers";
import { z } from "zod";
import { devnetProvider } from "../../l1/anvil.js";
import { describeRevert } from "../../l1/revert.js";
import { claimRewardOf, openChallenge, resolveChallengeOf } from "../../governance/challenges.js";
import { type GovernorRegistryClient, registryClient } from "../../governance/registry.js";
import { FieldError } from "../../config/field-error.js";
import { toJson } from "../../protocol/json.js";
import { CliError, EXIT } from "../cli-error.js";
import { parseOptions } from "../options.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be 0x and 40 hex digits");
const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits (a private key)");
const common = { rpcUrl: z.url(), registry: address, key: privateKey, json: z.boolean().default(false) };
const batchOptions = z.object({ ...common, batch: z.coerce.bigint().nonnegative() }).strict();
const rewardOptions = z.object(common).strict();

/** `challenge`: seed 000's challenge game from anyone's seat (src/governance/challenges.ts). */
export function challengeCommand(): Command {
  const env = { key: process.env.CHALLENGER_PRIVATE_KEY };
  const withCommon = (c: Command) =>
    c
      .requiredOption("--rpc-url <url>", "the L1 the cluster settles on")
      .requiredOption("--registry <address>", "the cluster's GovernorRegistry (GET /v1/status: registry)")
      .option("--key <hex>", "the sender's private key on that L1 (or env CHALLENGER_PRIVATE_KEY)")
      .option("--json", "print the result as JSON");

  const open = withCommon(new Command("open"))
    .description(
      "Challenge the fast confirmation of batch I, bonding the registry's challengeBond: a settlement must match it by the deadline, " +
        "or its signers are slashed. Exits 5, sending nothing, when the batch is not fast-confirmed or is challenged already.",
    )
    .requiredOption("--batch <index>", "the fast-confirmed batch index")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(batchOptions, flags, undefined, env);
      await withRegistry(o, async (registry) => {
        const c = await refused(`challenge batch ${o.batch}`, registry, () => openChallenge(registry, o.batch));
        print(
          o.json,
          c,
          `batch ${c.batchIndex}: challenged by ${c.challenger} with a bond of ${formatEther(c.bond)} ETH; a settlement must match the confirmed claim by block ${c.deadline}`,
        );
      });
    });

  const resolve = withCommon(new Command("resolve"))
    .description(
      "Resolve the open challenge of batch I once it settled or its deadline passed (anyone may): upheld slashes the confirmation's " +
        "signers and owes the challenger its bond and the reporter's shares; failed owes the bond to the signers. Exits 5 while it is still open.",
    )
    .requiredOption("--batch <index>", "the challenged batch index")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(batchOptions, flags, undefined, env);
      await withRegistry(o, async (registry) => {
        const r = await refused(`resolve the challenge of batch ${o.batch}`, registry, () => resolveChallengeOf(registry, o.batch));
        const slashed = r.slashed.map((s) => s.governor).join(", ");
        print(
          o.json,
          r,
          r.upheld
            ? `batch ${r.batchIndex}: challenge upheld: slashed ${r.slashed.length} of ${r.signers.length} signers${slashed ? ` (${slashed})` : ""}; the challenger is owed its bond and the reporter's shares (challenge claim-reward)`
            : `batch ${r.batchIndex}: challenge failed: the settled proof matches the confirmation; the bond is owed to its ${r.signers.length} signers`,
        );
      });
    });

  const claimReward = withCommon(new Command("claim-reward"))
    .description("Pay the sender what slashes and challenges owe it (reporter's shares, a challenge's bond). Exits 5 when nothing is owed.")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(rewardOptions, flags, undefined, env);
      await withRegistry(o, async (registry) => {
        const r = await refused("claim the reward", registry, () => claimRewardOf(registry));
        print(o.json, r, `paid ${formatEther(r.paid)} ETH to ${r.account}`);
      });
    });

  return new Command("challenge")
    .description("Seed 000's challenge game (GovernorRegistry): challenge a fast confirmation, resolve a challenge, claim what it owes you.")
    .addCommand(open)
    .addCommand(resolve)
    .addCommand(claimReward);
}

/** Runs `body` with the registry client of `o.key`'s wallet. @throws CliError naming `--registry` when no contract is there. */
async function withRegistry(
  o: { rpcUrl: string; registry: string; key: string },
  body: (registry: GovernorRegistryClient, provider: JsonRpcProvider) => Promise<void>,
): Promise<void> {
  const provider = devnetProvider(o.rpcUrl);
  try {
    if ((await provider.getCode(o.registry)) === "0x") throw new CliError(`--registry: no contract at ${o.registry} on ${o.rpcUrl}`, EXIT.USAGE);
    await body(registryClient(o.registry, new Wallet(o.key, provider)), provider);
  } finally {
    provider.destroy();
  }
}

/**
 * Runs one step; a check that fails (a FieldError of the library, naming `--batch` or the reward) or an
 * L1 revert (its custom error decoded) becomes a CliError with EXIT.CHECK_FAILED.
 * @throws CliError; ethers errors that are no revert.
 */
async function refused<T>(what: string, registry: GovernorRegistryClient, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof FieldError) throw new CliError(`${what}: ${e.field === "batch" ? "--batch: " : ""}${e.reason}`, EXIT.CHECK_FAILED);
    const revert = describeRevert(e, registry);
    if (revert) throw new CliError(`${what}: L1 refused: ${revert}`, EXIT.CHECK_FAILED);
    throw e;
  }
}

function print(json: boolean, value: object, line: string): void {
  process.stdout.write(json ? `${toJson(value, 2)}\n` : `${line}\n`);
}
