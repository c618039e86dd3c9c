import { Command } from "commander";
import { z } from "zod";
import { devnetProvider } from "../../l1/anvil.js";
import { syncFromL1 } from "../../sync/l1-sync.js";
import { cliErrorOf, parseOptions } from "../options.js";
import { CliError, EXIT } from "../cli-error.js";
import { writeJson } from "../../protocol/genesis.js";

const syncOptions = z
  .object({
    rpcUrl: z.string().url(),
    contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be 0x and 40 hex digits"),
    out: z.string().min(1).optional(),
    json: z.boolean().default(false),
    fromBlock: z.coerce.number().int().nonnegative().optional(),
  })
  .strict();

const hex = (r: bigint) => `0x${r.toString(16).padStart(64, "0")}`;

/** `sync`: every member's state rebuilt from L1 logs and calldata alone (src/sync/l1-sync.ts). */
export function syncCommand(): Command {
  return new Command("sync")
    .description(
      "Rebuild every member's state from L1 alone: the genesis accounts the contract published at deployment, then the " +
        "published data of every settled batch (settle calldata); prints each member's root and whether it equals the contract's.",
    )
    .requiredOption("--rpc-url <url>", "the L1 the cluster settles on")
    .requiredOption("--contract <address>", "its ClusterSettlement")
    .option("--out <file>", "write the rebuilt accounts (JSON: chainId, index, ax, ay, tokenId, balance, nonce) for `exit`")
    .option("--json", "print the result as JSON")
    .option("--from-block <n>", "first L1 block to read logs from (at or before the contract's deployment; default 0)")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(syncOptions, flags);
      const provider = devnetProvider(o.rpcUrl);
      try {
        const synced = await syncFromL1(provider, o.contract, { fromBlock: o.fromBlock }).catch((e) => {
          throw cliErrorOf(e, syncOptions.shape);
        });
        const match = synced.roots.every((r, i) => r === synced.onChainRoots[i]);
        const accounts = synced.state
          .allAccounts()
          .flatMap((m, chainId) => [...m].map(([index, a]) => ({ chainId, index, ...a })))
          .sort((a, b) => a.chainId - b.chainId || Number(a.index - b.index));
        if (o.out) writeJson(o.out, { contract: o.contract, blockNumber: synced.blockNumber, batches: synced.batches, accounts });
        const result = {
          contract: o.contract,
          blockNumber: synced.blockNumber,
          batches: synced.batches,
          roots: synced.roots.map(hex),
          onChainRoots: synced.onChainRoots.map(hex),
          match,
        };
        if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else {
          process.stdout.write(
            `synced ${synced.batches} settled batches of ${o.contract} at block ${synced.blockNumber} (${synced.genesisAccounts} genesis accounts)\n`,
          );
          for (const [c, r] of synced.roots.entries()) {
            process.stdout.write(`chain ${c}: ${hex(r)} ${r === synced.onChainRoots[c] ? "= contract" : `!= contract ${hex(synced.onChainRoots[c])}`}\n`);
          }
          process.stdout.write(match ? "every member's root equals the contract's\n" : "ROOTS DIFFER from the contract's\n");
        }
        if (!match) throw new CliError("roots: the rebuilt roots differ from the contract's", EXIT.CHECK_FAILED);
      } finally {
        provider.destroy();
      }
    });
}
