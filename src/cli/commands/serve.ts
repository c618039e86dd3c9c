import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { pino, destination, type Logger } from "pino";
import type { PreparedInstance } from "../../setup/prepared-instance.js";
import { z } from "zod";
import { setupPhases, type SetupContext } from "../../setup/setup-phases.js";
import { INSECURE_ZKEY_WARNING } from "../../setup/zkey-guard.js";
import { ProverService } from "../../service/prover-service.js";
import { BullProofQueue } from "../../prover/bullmq-proof-queue.js";
import { ProverPool } from "../../prover/prover-pool.js";
import { devWorkload } from "../../workload/dev-workload.js";
import { genesisOf, loadGenesis, writeJson, type Genesis } from "../../protocol/genesis.js";
import { CliError, EXIT } from "../cli-error.js";
import { cliErrorOf, instanceOption, parseOptions } from "../options.js";
import { runWithProgress } from "../../phases/progress.js";
import { addProverFlags, proverBackend, proverOptionFields, proverPathRule } from "../../config/prover-options.js";

/** Options of `serve`, from a JSON config file (`--config`) and flags; flags win. */
const serveOptionsShape = z.object({
  instance: z.string().min(1).default("default"),
  nextInstance: z.array(z.string().min(1)).default([]),
  ptau: z.string().min(1).optional(),
  insecureDevZkey: z.boolean().default(false),
  dataDir: z.string().min(1).default("service-data"),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(7300),
  genesis: z.string().min(1).optional(),
  seed: z.string().min(1).default("default"),
  rpcUrl: z.url({ protocol: /^https?$/ }).optional(),
  privateKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits")
    .optional(),
  ...proverOptionFields(0),
  tickMs: z.coerce.number().int().min(10).max(3_600_000).default(2000),
  settleBatches: z.coerce.number().int().min(1).max(64).default(4),
  queueLimit: z.coerce.number().int().min(1).max(1_000_000).default(256),
  maxRequestOperations: z.coerce.number().int().min(1).max(10_000).default(64),
  bodyLimit: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  redisUrl: z.url({ protocol: /^rediss?$/ }).optional(),
  rpcRetryMinMs: z.coerce.number().int().min(1).max(60_000).default(250),
  rpcRetryMaxMs: z.coerce.number().int().min(1).max(600_000).default(10_000),
  confirmations: z.coerce.number().int().min(0).max(10_000).optional(),
  provingDeadlineMs: z.coerce.number().int().min(100).max(86_400_000).default(600_000),
  provingAgeLimitMs: z.coerce
    .number()
    .int()
    .min(100)
    .max(7 * 86_400_000)
    .default(1_800_000),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  json: z.boolean().default(false),
});

export const serveConfigSchema = serveOptionsShape
  .strict()
  .refine(...proverPathRule)
  .refine((c) => c.workers > 0 || c.redisUrl !== undefined, {
    path: ["workers"],
    message: "0 needs --redis-url (remote provers); without it the service would prove nothing",
  });

export type ServeConfig = z.infer<typeof serveConfigSchema>;

/** `serve`: the long-running prover service. */
export function serveCommand(): Command {
  return addProverFlags(new Command("serve"), "prover pool workers in this process; 0 with --redis-url leaves proving to `prover` processes (default: 2)")
    .description(
      "Run the prover service: an HTTP API takes signed operations, the executor closes a batch when its B slots are " +
        "full or its tick deadline passes, the prover pool proves it, the submitter settles it on L1. Every step is stored " +
        "(SQLite, WAL) first: after a crash, a restart with the same --data-dir resumes. Structured logs (pino) on stderr.",
    )
    .option("--config <file>", "JSON file with any of these options in camelCase (flags win)")
    .option("--instance <name>", "circuit instance in circuits/instances.json (default: default)")
    .option(
      "--next-instance <name>",
      "an instance of N + 1 members (same depth) to switch to when joint governance adds a member; set up here on first use; repeat for more",
      (v: string, prev?: string[]) => [...(prev ?? []), v],
    )
    .option("--ptau <file>", "powers-of-tau file for the Groth16 set-up (default: the bundled development file)")
    .option("--insecure-dev-zkey", "accept a zkey whose phase 2 has no secret contribution (only beacons, or none): development only, anyone can forge proofs")
    .option("--data-dir <dir>", "folder of the store, service.sqlite (default: service-data)")
    .option("--host <address>", "address of the HTTP API (default: 127.0.0.1)")
    .option("--port <n>", "port of the HTTP API; 0 picks a free one (default: 7300)")
    .option("--genesis <file>", "genesis or keys file (from `keys`); default: dev keys from --seed, written to <data-dir>/keys.json")
    .option("--seed <text>", "seed of the dev keys when no --genesis is given (default: default)")
    .option("--rpc-url <url>", "L1 node (default: an anvil devnet of its own, new at every start)")
    .option("--private-key <hex>", "funded key on --rpc-url's chain (or env SETTLEMENT_PRIVATE_KEY)")
    .option("--tick-ms <ms>", "close a batch this long after its first operation when its slots are not full (default: 2000)")
    .option("--settle-batches <k>", "at most this many batches per settle transaction (default: 4)")
    .option("--queue-limit <n>", "most accepted operations not yet settled; beyond it HTTP 429 (default: 256)")
    .option("--max-request-operations <n>", "most operations in one request (default: 64)")
    .option("--body-limit <bytes>", "largest request body; beyond it HTTP 413 (default: 1048576)")
    .option("--redis-url <url>", "share proving jobs through BullMQ on this Redis (provers: `cluster-settle prover`)")
    .option("--rpc-retry-min-ms <ms>", "first backoff after an L1 RPC failure (default: 250)")
    .option("--rpc-retry-max-ms <ms>", "longest backoff between L1 RPC retries (default: 10000)")
    .option(
      "--confirmations <blocks>",
      "L1 blocks below the head at which a batch on L1 counts as settled (final); until then it is included (default: 0 on an own devnet or a dev chain such as anvil's 31337, else 64, Ethereum's finality)",
    )
    .option("--proving-deadline-ms <ms>", "with --redis-url: how long a prover may hold a job before its batch is reassigned as a new job (default: 600000)")
    .option("--proving-age-limit-ms <ms>", "/readyz answers 503 while a batch has waited longer than this for its proof (default: 1800000)")
    .option("--log-level <level>", "pino log level: fatal, error, warn, info, debug, trace (default: info)")
    .option("--json", "print the ready line as JSON on stdout")
    .action(async (flags: Record<string, unknown>) => {
      const c = parseOptions(serveConfigSchema, flags, flags.config as string | undefined, { privateKey: process.env.SETTLEMENT_PRIVATE_KEY });
      const inst = instanceOption(c.instance);
      const genesis = await serviceGenesis(c, inst);
      const log = pino({ level: c.logLevel, base: { service: "cluster-settle" } }, destination({ fd: 2, sync: true }));
      const ctx = await runWithProgress(setupPhases(c.instance, { ptau: c.ptau, allowInsecureDevZkey: c.insecureDevZkey }), {} as SetupContext);
      const prepared = ctx.prepared!;
      if (!prepared.keys.phase2.secure) log.warn({ zkey: prepared.keys.zkey, phase2: prepared.keys.phase2.contributions }, INSECURE_ZKEY_WARNING);
      const successors = await prepareSuccessors(c, inst, log);
      const backend = proverBackend(c);
      let service: ProverService;
      try {
        service = await ProverService.start(
          {
            dataDir: c.dataDir,
            genesis,
            rpcUrl: c.rpcUrl,
            privateKey: c.privateKey,
            workers: c.workers,
            singleThread: !c.snarkjsThreads,
            backend,
            tickDeadlineMs: c.tickMs,
            settleBatches: c.settleBatches,
            queueLimit: c.queueLimit,
            rpcRetryMinMs: c.rpcRetryMinMs,
            rpcRetryMaxMs: c.rpcRetryMaxMs,
            provingAgeLimitMs: c.provingAgeLimitMs,
            confirmations: c.confirmations,
            successors,
            proofQueue: c.redisUrl
              ? async (p, l) =>
                  BullProofQueue.connect(
                    c.redisUrl!,
                    p,
                    l,
                    c.workers > 0 ? new ProverPool(p.keys.vkey, { workers: c.workers, singleThread: !c.snarkjsThreads, backend }) : undefined,
                    { provingDeadlineMs: c.provingDeadlineMs },
                  )
              : undefined,
          },
          { host: c.host, port: c.port, maxOperationsPerRequest: c.maxRequestOperations, bodyLimitBytes: c.bodyLimit },
          prepared,
          log,
        );
      } catch (e) {
        throw cliErrorOf(e, serveOptionsShape.shape);
      }
      const status = service.status();
      const ready = {
        url: service.url,
        instance: c.instance,
        dataDir: c.dataDir,
        settlement: status.settlement,
        rpcUrl: status.rpcUrl,
        proofQueue: status.proofQueue,
      };
      process.stdout.write(
        c.json
          ? `${JSON.stringify(ready)}\n`
          : `prover service on ${ready.url} (instance ${c.instance}, store ${join(c.dataDir, "service.sqlite")}, ` +
              `ClusterSettlement ${ready.settlement} on ${ready.rpcUrl}, proof queue ${ready.proofQueue}); Ctrl-C to stop\n`,
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      log.info("stopping: the open batch and every unsettled one stay in the store for the next start");
      await service.stop();
    });
}

/**
 * Sets up each `--next-instance` (cached after the first use), so that the node can switch when joint
 * governance adds a member: each must have more members than `--instance` and its depth.
 * @throws CliError naming `--next-instance` for an unknown instance or one of another shape.
 */
async function prepareSuccessors(c: ServeConfig, inst: ReturnType<typeof instanceOption>, log: Logger): Promise<PreparedInstance[]> {
  const out: PreparedInstance[] = [];
  for (const name of c.nextInstance) {
    const next = instanceOption(name, "--next-instance");
    if (next.members <= inst.members || next.depth !== inst.depth)
      throw new CliError(
        `--next-instance: "${name}" has N = ${next.members}, D = ${next.depth}; it must have N > ${inst.members} and D = ${inst.depth}`,
        EXIT.USAGE,
      );
    const ctx = await runWithProgress(setupPhases(name, { ptau: c.ptau, allowInsecureDevZkey: c.insecureDevZkey }), {} as SetupContext);
    const p = ctx.prepared!;
    if (!p.keys.phase2.secure) log.warn({ zkey: p.keys.zkey, phase2: p.keys.phase2.contributions }, INSECURE_ZKEY_WARNING);
    out.push(p);
  }
  return out;
}

/**
 * The genesis the service starts from: `--genesis`, or dev keys from `--seed` (written once to
 * <data-dir>/keys.json, so clients can sign operations for them with `workload --keys`).
 */
async function serviceGenesis(c: ServeConfig, inst: ReturnType<typeof instanceOption>): Promise<Genesis> {
  if (c.genesis) {
    try {
      return loadGenesis(c.genesis);
    } catch (e) {
      throw new CliError(`--genesis: ${(e as Error).message}`, EXIT.INPUT);
    }
  }
  const keysPath = join(c.dataDir, "keys.json");
  if (existsSync(keysPath)) return loadGenesis(keysPath);
  const { keys } = await devWorkload(inst, { operations: 1, crossChainShare: 0, faults: false, seed: c.seed });
  mkdirSync(c.dataDir, { recursive: true });
  writeJson(keysPath, keys);
  return genesisOf(keys);
}
