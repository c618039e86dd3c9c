import { Command } from "commander";
import { destination, pino } from "pino";
import { z } from "zod";
import { ProverPool } from "../../prover/prover-pool.js";
import { BullProver, proofQueueName } from "../../prover/bullmq-proof-queue.js";
import { setupPhases, type SetupContext } from "../../setup/setup-phases.js";
import { INSECURE_ZKEY_WARNING } from "../../setup/zkey-guard.js";
import { instanceOption, parseOptions } from "../options.js";
import { runWithProgress } from "../../phases/progress.js";
import { addProverFlags, proverBackend, proverOptionFields, proverPathRule } from "../../config/prover-options.js";

const proverOptions = z
  .object({
    redisUrl: z.url({ protocol: /^rediss?$/ }),
    instance: z.string().min(1).default("default"),
    ptau: z.string().min(1).optional(),
    insecureDevZkey: z.boolean().default(false),
    ...proverOptionFields(1),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
    json: z.boolean().default(false),
  })
  .strict()
  .refine(...proverPathRule);

/** `prover`: a remote prover for a service started with --redis-url (BullMQ). */
export function proverCommand(): Command {
  return addProverFlags(new Command("prover"), "prover pool workers (default: 2)")
    .description(
      "Prove batches for a prover service that shares its jobs through BullMQ (serve --redis-url): takes jobs of the " +
        "instance from Redis, proves them in a local pool, returns the proofs. Run one per machine; Ctrl-C to stop.",
    )
    .requiredOption("--redis-url <url>", "the Redis the service uses (redis:// or rediss://)")
    .option("--instance <name>", "circuit instance of the service (default: default); set up here on first use")
    .option("--ptau <file>", "powers-of-tau file of the service's set-up (default: the bundled development file)")
    .option("--insecure-dev-zkey", "accept a zkey whose phase 2 has no secret contribution (only beacons, or none): development only, anyone can forge proofs")
    .option("--log-level <level>", "pino log level (default: info)")
    .option("--json", "print the ready line as JSON on stdout")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(proverOptions, flags);
      instanceOption(o.instance);
      const log = pino({ level: o.logLevel, base: { service: "cluster-settle-prover" } }, destination({ fd: 2, sync: true }));
      const ctx = await runWithProgress(setupPhases(o.instance, { ptau: o.ptau, allowInsecureDevZkey: o.insecureDevZkey }), {} as SetupContext);
      const prepared = ctx.prepared!;
      if (!prepared.keys.phase2.secure) log.warn({ zkey: prepared.keys.zkey, phase2: prepared.keys.phase2.contributions }, INSECURE_ZKEY_WARNING);
      const pool = new ProverPool(prepared.keys.vkey, { workers: o.workers, singleThread: !o.snarkjsThreads, backend: proverBackend(o) });
      const prover = new BullProver(o.redisUrl, prepared, pool, log);
      const ready = { redisUrl: o.redisUrl, queue: proofQueueName(o.instance), instance: o.instance, workers: o.workers };
      log.info(ready, "prover waiting for BullMQ jobs");
      process.stdout.write(o.json ? `${JSON.stringify(ready)}\n` : `prover on ${o.redisUrl} (queue ${ready.queue}, ${o.workers} workers); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await prover.close();
    });
}
