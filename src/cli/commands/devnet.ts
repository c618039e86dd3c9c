import { Command } from "commander";
import { z } from "zod";
import { Wallet } from "ethers";
import { ANVIL_DEFAULT_KEY, startAnvil } from "../../l1/anvil.js";
import { parseOptions } from "../options.js";

const devnetOptions = z
  .object({
    port: z.coerce.number().int().min(1).max(65535).optional(),
    json: z.boolean().default(false),
  })
  .strict();

/** `devnet`: a local anvil L1 until interrupted. */
export function devnetCommand(): Command {
  return new Command("devnet")
    .description(
      "Start an anvil L1 devnet (npm @foundry-rs/anvil) on loopback and keep it running until Ctrl-C. " +
        "Use it with `run --rpc-url URL --private-key KEY` (the printed dev key is public: devnets only).",
    )
    .option("--port <n>", "port on 127.0.0.1 (default: a free one)")
    .option("--json", "print the RPC URL and dev account as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(devnetOptions, flags);
      const devnet = await startAnvil(20_000, o.port);
      const info = { rpcUrl: devnet.rpcUrl, account: new Wallet(ANVIL_DEFAULT_KEY).address, privateKey: ANVIL_DEFAULT_KEY };
      process.stdout.write(
        o.json
          ? `${JSON.stringify(info)}\n`
          : `anvil devnet on ${info.rpcUrl}\ndev account ${info.account} (key ${info.privateKey}, public, devnets only)\nCtrl-C to stop\n`,
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await devnet.stop();
    });
}
