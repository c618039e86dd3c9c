import { Command } from "commander";
import { z } from "zod";
import { Contract, Wallet } from "ethers";
import { hexToBytes } from "@noble/hashes/utils.js";
import { devnetProvider } from "../../l1/anvil.js";
import { syncFromL1 } from "../../sync/l1-sync.js";
import { buildExitRequest } from "../../sync/exodus-exit.js";
import { settlementInterfaceAbi } from "../../l1/compile-contracts.js";
import { describeRevert } from "../../l1/revert.js";
import { getPoseidon } from "../../crypto/poseidon.js";
import { loadDevKeys } from "../../protocol/genesis.js";
import { cliErrorOf, parseOptions } from "../options.js";
import { CliError, EXIT } from "../cli-error.js";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be 0x and 40 hex digits");

const exitOptions = z
  .object({
    rpcUrl: z.string().url(),
    contract: address,
    chain: z.coerce.number().int().nonnegative(),
    index: z.string().regex(/^[0-9]+$/, "must be a decimal leaf index"),
    accountKey: hex32.optional(),
    keys: z.string().min(1).optional(),
    recipient: address,
    privateKey: hex32,
    claim: z.boolean().default(false),
    fromBlock: z.coerce.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((o) => (o.accountKey === undefined) !== (o.keys === undefined), { path: ["accountKey"], message: "give exactly one of --account-key and --keys" });

/** `exit`: an exodus exit of one account (or of an account of a removed member), built from `sync`'s state (src/sync/exodus-exit.ts) and sent to L1. */
export function exitCommand(): Command {
  return new Command("exit")
    .description(
      "In exodus mode (no settlement for the contract's timeout), or at any time for an account of a member joint governance removed: " +
        "rebuild the state from L1 (as `sync`), prove one account's " +
        "leaf against its chain's last settled root, sign the exit with the account's Baby Jubjub key and send it; the balance is then owed to --recipient",
    )
    .requiredOption("--rpc-url <url>", "the L1 the cluster settles on")
    .requiredOption("--contract <address>", "its ClusterSettlement")
    .requiredOption("--chain <id>", "the account's member chain")
    .requiredOption("--index <leaf>", "the account's leaf index")
    .option("--account-key <hex>", "the account's Baby Jubjub private key (32 bytes)")
    .option("--keys <file>", "a dev keys file (from `keys`) that holds the account's key")
    .requiredOption("--recipient <address>", "L1 address the balance is owed to")
    .option("--private-key <hex>", "funded L1 key that sends the exit (or env SETTLEMENT_PRIVATE_KEY)")
    .option("--claim", "also claim what the recipient is owed (the sender must be the recipient)")
    .option("--from-block <n>", "first L1 block to read logs from (as `sync --from-block`)")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(exitOptions, { ...flags, privateKey: flags.privateKey ?? process.env.SETTLEMENT_PRIVATE_KEY });
      const provider = devnetProvider(o.rpcUrl);
      try {
        const index = BigInt(o.index);
        const key = o.accountKey ?? accountKeyOf(o.keys!, o.chain, index);
        const synced = await syncFromL1(provider, o.contract, { fromBlock: o.fromBlock });
        const request = await buildExitRequest(synced.state, await getPoseidon(), o.chain, index, hexToBytes(key.slice(2)), o.recipient);
        const wallet = new Wallet(o.privateKey, provider);
        const contract = new Contract(o.contract, settlementInterfaceAbi() as never, wallet);
        const receipt = await (
          await contract.exit(request).catch((e: unknown) => {
            const why = describeRevert(e, contract) ?? describeRevert((e as { info?: { error?: unknown } }).info?.error, contract);
            throw why ? new CliError(`exit: L1 reverted: ${why}`, EXIT.L1) : e;
          })
        ).wait();
        const owed = (await contract.claimable(o.recipient, request.tokenId)) as bigint;
        process.stdout.write(
          `exited account ${index} on chain ${o.chain}: balance ${request.balance} of token ${request.tokenId}; ${o.recipient} is owed ${owed} (gas ${receipt?.gasUsed})\n`,
        );
        if (o.claim) {
          if (wallet.address.toLowerCase() !== o.recipient.toLowerCase())
            throw new CliError("--claim: the sender (--private-key) must be the recipient", EXIT.USAGE);
          const claimed = await (await contract.claim(request.tokenId)).wait();
          process.stdout.write(`claimed ${owed} (gas ${claimed?.gasUsed})\n`);
        }
      } catch (e) {
        throw cliErrorOf(e, exitOptions.shape);
      } finally {
        provider.destroy();
      }
    });
}

/** The private key of account `index` on `chainId` in a dev keys file. @throws CliError naming `--keys` when it is not there. */
function accountKeyOf(file: string, chainId: number, index: bigint): string {
  const account = loadDevKeys(file).accounts.find((a) => a.chainId === chainId && a.index === index);
  if (!account) throw new CliError(`--keys: no account ${index} on chain ${chainId} in ${file}`, EXIT.INPUT);
  return account.privateKey;
}
