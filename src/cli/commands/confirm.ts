import { Command } from "commander";
import { formatEther } from "ethers";
import { z } from "zod";
import { devnetProvider } from "../../l1/anvil.js";
import { claimStatus, registryClient, type ClaimStatus } from "../../governance/registry.js";
import { cliErrorOf, parseOptions } from "../options.js";
import { CliError, EXIT } from "../cli-error.js";
import { toJson } from "../../protocol/json.js";

const confirmOptions = z
  .object({
    rpcUrl: z.string().url(),
    registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be 0x and 40 hex digits"),
    batch: z.coerce.bigint().nonnegative(),
    json: z.boolean().default(false),
  })
  .strict();

/** One line for a human: what L1 says of the batch. */
function describeStatus(s: ClaimStatus): string {
  const c = s.confirmation;
  const confirmed = c
    ? `governors holding ${formatEther(c.signedStake)} of ${formatEther(c.totalStake)} ETH of epoch ${c.epoch} confirmed it at block ${c.blockNumber}`
    : "";
  const challenge = s.challenge
    ? `; challenged by ${s.challenge.challenger} (deadline block ${s.challenge.deadline}${s.challenge.resolved ? ", resolved" : ""})`
    : "";
  switch (s.status) {
    case "settled":
      return `batch ${s.batchIndex}: settled (its Groth16 proof verified on L1)${c ? `; ${confirmed}, and the proof agrees` : "; no fast confirmation was recorded"}${challenge}`;
    case "contradicted":
      return `batch ${s.batchIndex}: CONTRADICTED: ${confirmed}, but the proof settled another claim (its signers are slashable)${challenge}`;
    case "fast-confirmed":
      return `batch ${s.batchIndex}: fast-confirmed: ${confirmed}; no proof yet${challenge}`;
    default:
      return `batch ${s.batchIndex}: unconfirmed: no fast confirmation and no settlement yet`;
  }
}

/** `confirm`: the light client's check of one batch, from L1 state alone (src/governance/registry.ts claimStatus). */
export function confirmCommand(): Command {
  return new Command("confirm")
    .description(
      "The light client: says from L1 state alone whether batch I is fast-confirmed (governors holding 2/3 of the epoch's " +
        "stake signed its claim), settled (its proof verified), or contradicted (the proof settled another claim than the " +
        "governors confirmed). Exits 5 when contradicted.",
    )
    .requiredOption("--rpc-url <url>", "the L1 the cluster settles on")
    .requiredOption("--registry <address>", "the cluster's GovernorRegistry (GET /v1/status: registry)")
    .requiredOption("--batch <index>", "the batch index")
    .option("--json", "print the result as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(confirmOptions, flags);
      const provider = devnetProvider(o.rpcUrl);
      try {
        if ((await provider.getCode(o.registry)) === "0x") throw new CliError(`--registry: no contract at ${o.registry} on ${o.rpcUrl}`, EXIT.USAGE);
        const status = await claimStatus(registryClient(o.registry, provider), o.batch).catch((e) => {
          throw cliErrorOf(e, confirmOptions.shape);
        });
        process.stdout.write(o.json ? `${toJson(status, 2)}\n` : `${describeStatus(status)}\n`);
        if (status.status === "contradicted") throw new CliError(`batch ${o.batch}: the settled proof contradicts the fast confirmation`, EXIT.CHECK_FAILED);
      } finally {
        provider.destroy();
      }
    });
}
