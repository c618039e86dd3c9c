import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { EddsaSigner } from "../../crypto/eddsa.js";
import { ANVIL_CHAIN_ID, generateDevKeys } from "../../workload/dev-keys.js";
import { genesisOf, writeJson } from "../../protocol/genesis.js";
import { WORKLOAD_DEFAULTS } from "../../workload/dev-workload.js";
import { CliError, EXIT } from "../cli-error.js";
import { instanceOption, parseOptions } from "../options.js";

const keysOptions = z
  .object({
    out: z.string().min(1),
    instance: z.string().min(1).default("default"),
    members: z.coerce.number().int().min(2).max(16).optional(),
    accounts: z.coerce
      .number()
      .int()
      .min(2)
      .max(1 << 20)
      .default(WORKLOAD_DEFAULTS.accountsPerChain),
    balance: z
      .string()
      .regex(/^[0-9]+$/, "must be a decimal integer")
      .transform(BigInt)
      .default(WORKLOAD_DEFAULTS.balance),
    seed: z.string().min(1).default("default"),
    l1ChainId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(ANVIL_CHAIN_ID),
    clusterId: z
      .string()
      .regex(/^[0-9]{1,78}$/, "must be a decimal integer")
      .transform(BigInt)
      .refine((v) => v < 1n << 256n, "must be below 2^256")
      .optional(),
    json: z.boolean().default(false),
  })
  .strict();

/** `keys`: development keys and the genesis of a cluster. */
export function keysCommand(): Command {
  return new Command("keys")
    .description(
      "Generate Baby Jubjub keys for the genesis accounts of a development cluster (user k owns leaf k on every " +
        "member chain) and write <out>/keys.json (private keys in clear: devnets only) and <out>/genesis.json (public).",
    )
    .requiredOption("--out <dir>", "folder to write keys.json and genesis.json into")
    .option("--instance <name>", "circuit instance whose N and D the cluster must fit (default: default)")
    .option("--members <n>", "member chains N (default: the instance's N)")
    .option("--accounts <n>", `accounts per chain (default: ${WORKLOAD_DEFAULTS.accountsPerChain})`)
    .option("--balance <units>", `genesis balance of every account (default: ${WORKLOAD_DEFAULTS.balance})`)
    .option("--seed <text>", "seed: the same seed gives the same keys and cluster id (default: default)")
    .option("--l1-chain-id <id>", `chain id of the L1 the cluster settles on: operations are signed for it (default: ${ANVIL_CHAIN_ID}, anvil)`)
    .option("--cluster-id <n>", "the cluster's id, a decimal integer below 2^256 (default: derived from the seed); never reuse one")
    .option("--json", "print what was written as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(keysOptions, flags);
      const inst = instanceOption(o.instance);
      const members = o.members ?? inst.members;
      if (o.accounts > 2 ** inst.depth)
        throw new CliError(`--accounts: ${o.accounts} accounts do not fit a depth-${inst.depth} tree (${2 ** inst.depth} leaves)`, EXIT.USAGE);
      const keys = generateDevKeys(await EddsaSigner.create(), {
        members,
        accounts: o.accounts,
        balance: o.balance,
        tokenId: WORKLOAD_DEFAULTS.tokenId,
        seed: o.seed,
        l1ChainId: o.l1ChainId,
        clusterId: o.clusterId,
      });
      mkdirSync(o.out, { recursive: true });
      const files = { keys: join(o.out, "keys.json"), genesis: join(o.out, "genesis.json") };
      writeJson(files.keys, keys);
      writeJson(files.genesis, genesisOf(keys));
      const summary = { members, accountsPerChain: o.accounts, ...files };
      process.stdout.write(
        o.json ? `${JSON.stringify(summary)}\n` : `wrote ${files.keys} (private, dev only) and ${files.genesis}: ${members} members x ${o.accounts} accounts\n`,
      );
    });
}
