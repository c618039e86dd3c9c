import { Command } from "commander";
import { Wallet, parseEther } from "ethers";
import { destination, pino } from "pino";
import { z } from "zod";
import { devnetProvider } from "../../l1/anvil.js";
import { loadGenesis } from "../../protocol/genesis.js";
import { GovernorRefusal, httpSequencer, runGovernor } from "../../governance/governor.js";
import { registryClient } from "../../governance/registry.js";
import { instanceOption, parseOptions } from "../options.js";
import { CliError, EXIT } from "../cli-error.js";

const governOptions = z
  .object({
    instance: z.string().min(1).default("default"),
    nextInstance: z.array(z.string().min(1)).default([]),
    genesis: z.string().min(1),
    sequencer: z.url({ protocol: /^https?$/ }),
    rpcUrl: z.url(),
    key: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits (a private key)"),
    bond: z
      .string()
      .regex(/^[0-9]+(\.[0-9]{1,18})?$/, "must be an amount of ETH such as 1 or 0.5")
      .optional(),
    pollMs: z.coerce.number().int().min(10).max(60_000).default(200),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  })
  .strict();

/** `govern`: a governor node (src/governance/governor.ts). */
export function governCommand(): Command {
  return new Command("govern")
    .description(
      "Run a governor node: its own node-cluster from the genesis re-executes every batch the sequencer serves (checking " +
        "every signature and L1 deposit), signs (EIP-712) only the claim it computed, records fast confirmations on L1 " +
        "and reports governors whose claims the settled proof contradicts. Exits 5 when a batch does not re-execute to the " +
        "sequencer's claim, naming the entry and the reason. Ctrl-C to stop.",
    )
    .requiredOption("--genesis <file>", "the cluster's genesis or keys file (the sequencer's)")
    .requiredOption("--sequencer <url>", "the sequencer's HTTP API (serve --port)")
    .requiredOption("--rpc-url <url>", "the L1 the cluster settles on")
    .option("--key <hex>", "the governor's private key on that L1 (or env GOVERNOR_PRIVATE_KEY)")
    .option("--instance <name>", "circuit instance of the cluster (default: default)")
    .option(
      "--next-instance <name>",
      "an instance of N + 1 members (same depth) for a member joint governance adds; repeat for more",
      (v: string, prev?: string[]) => [...(prev ?? []), v],
    )
    .option("--bond <eth>", "bond this much ETH in the registry first, unless bonded already")
    .option("--poll-ms <n>", "how often to ask for the next batch (default 200)")
    .option("--log-level <level>", "pino log level (default: info)")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(governOptions, flags, undefined, { key: process.env.GOVERNOR_PRIVATE_KEY });
      const inst = instanceOption(o.instance);
      const successors = o.nextInstance.map((name) => instanceOption(name, "--next-instance"));
      let genesis: ReturnType<typeof loadGenesis>;
      try {
        genesis = loadGenesis(o.genesis);
      } catch (e) {
        throw new CliError(`--genesis: ${(e as Error).message}`, EXIT.INPUT);
      }
      const log = pino({ level: o.logLevel, base: { service: "cluster-settle-governor" } }, destination({ fd: 2, sync: true }));
      const provider = devnetProvider(o.rpcUrl);
      const wallet = new Wallet(o.key, provider);
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      process.once("SIGTERM", () => stop.abort());
      try {
        if (o.bond !== undefined) {
          const status = await httpSequencer(o.sequencer).status();
          if (!status.registry) throw new CliError(`--sequencer: ${o.sequencer} names no GovernorRegistry`, EXIT.USAGE);
          const registry = registryClient(status.registry, wallet);
          if ((await registry.governorOf(wallet.address)).stake === 0n) {
            await (await registry.bond({ value: parseEther(o.bond) })).wait();
            log.info({ governor: wallet.address, stake: o.bond }, "bonded; in the set from the next epoch");
          }
        }
        process.stdout.write(`governor ${wallet.address} following ${o.sequencer}; Ctrl-C to stop\n`);
        await runGovernor({ inst, successors, genesis, wallet, sequencer: httpSequencer(o.sequencer), pollMs: o.pollMs, log, signal: stop.signal });
      } catch (e) {
        if (e instanceof GovernorRefusal) throw new CliError(`refusing to sign ${e.message}`, EXIT.CHECK_FAILED);
        throw e;
      } finally {
        provider.destroy();
      }
    });
}
