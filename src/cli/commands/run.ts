import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { existsSync } from "node:fs";
import { Wallet } from "ethers";
import { closeRun, RUN_STORE_FILE, settlementRunPhases, type PlannedDeposit, type SettlementRunContext } from "../../pipeline/settlement-run.js";
import { ANVIL_USER_KEY } from "../../l1/anvil.js";
import { RunStore } from "../../store/run-store.js";
import { loadGenesis, type Genesis } from "../../protocol/genesis.js";
import { CliError, EXIT } from "../cli-error.js";
import { generateRunWorkload } from "../default-workload.js";
import { cliErrorOf, instanceOption } from "../options.js";
import { runWithProgress } from "../../phases/progress.js";
import { loadRunConfig, runOptionsShape } from "../run-config.js";
import { addProverFlags, proverBackend } from "../../config/prover-options.js";
import { formatRunSummary } from "../summary-table.js";

/** `run`: the main job (set-up on first use, execute, prove, settle, report). */
export function runCommand(): Command {
  return addProverFlags(new Command("run"), "prover pool workers (default: 2)")
    .description(
      "Execute a workload on the member chains, prove every batch with Groth16 and settle all roots on L1 " +
        "(sets up the circuit on first use; starts its own anvil unless --rpc-url is given). Without --operations it " +
        "generates the default workload: 32 signed operations, 40% cross-chain, plus one line of each fault kind.",
    )
    .option("--config <file>", "JSON file with any of these options in camelCase (flags win)")
    .option("--instance <name>", "circuit instance in circuits/instances.json (default: default)")
    .option("--ptau <file>", "powers-of-tau file for the Groth16 set-up (default: the bundled development file)")
    .option("--insecure-dev-zkey", "accept a zkey whose phase 2 has no secret contribution (only beacons, or none): development only, anyone can forge proofs")
    .option("--genesis <file>", "genesis or keys file of the workload (from `keys`)")
    .option("--operations <file>", "workload JSONL of signed operations (from `workload`); needs --genesis")
    .option("--out <dir>", "run folder for the store and report.json (default: runs/<timestamp>)")
    .option("--resume", "go on with the interrupted run in --out (same workload): nothing executed, proved or settled twice")
    .option("--settle-batches <k>", "batches per settle transaction (default: 4)")
    .option("--governors <n>", "dev governors that fast-confirm every batch on the run's own devnet (default: 3; 0: none; none with --rpc-url)")
    .option("--rpc-url <url>", "use this L1 node instead of starting anvil")
    .option("--private-key <hex>", "funded key on --rpc-url's chain (or env SETTLEMENT_PRIVATE_KEY)")
    .option("--workload-operations <n>", "size of the generated workload (default: 32)")
    .option("--cross-chain-share <x>", "share of SEND in the generated workload, 0..1 (default: 0.4)")
    .addOption(new Option("--no-faults", "generate the workload without its fault lines"))
    .option("--seed <text>", "seed of the generated keys and workload (default: default)")
    .option("--json", "print the report as JSON on stdout instead of the table")
    .action(async (flags: Record<string, unknown>) => {
      if (flags.faults === true) delete flags.faults; // commander's default for --no-faults: leave it to the config
      const cfg = loadRunConfig(flags, flags.config as string | undefined);
      const inst = instanceOption(cfg.instance);
      const out = cfg.out ?? join("runs", new Date().toISOString().replace(/[:.]/g, "-"));
      const held = existsSync(join(out, RUN_STORE_FILE));
      if (cfg.resume && !held) throw new CliError(`--resume: ${out} holds no run (${RUN_STORE_FILE}); give the --out of the run to resume`, EXIT.USAGE);
      if (!cfg.resume && held)
        throw new CliError(`--out: ${out} holds a run already (${RUN_STORE_FILE}); add --resume to go on with it, or choose another --out`, EXIT.USAGE);
      const store = new RunStore(out);
      let genesis: Genesis;
      let lines: string[];
      let deposits: PlannedDeposit[] = [];
      if (cfg.operations) {
        if (!cfg.genesis) throw new CliError("--genesis: required with --operations (the keys or genesis file the workload was made for)", EXIT.USAGE);
        genesis = inputFile(() => loadGenesis(cfg.genesis!));
        lines = inputFile(() => readFileSync(cfg.operations!, "utf8").split("\n"), "--operations");
        if (genesis.members !== inst.members) {
          throw new CliError(`--genesis: genesis.members is ${genesis.members}, but instance "${inst.name}" has N = ${inst.members} members`, EXIT.INPUT);
        }
      } else {
        ({ genesis, lines, deposits } = await generateRunWorkload(inst, store, {
          operations: cfg.workloadOperations,
          crossChainShare: cfg.crossChainShare,
          faults: cfg.faults,
          seed: cfg.seed,
          withdrawTo: BigInt(new Wallet(cfg.rpcUrl && cfg.privateKey ? cfg.privateKey : ANVIL_USER_KEY).address),
        }));
      }
      const ctx: SettlementRunContext = {};
      try {
        await runWithProgress(
          settlementRunPhases({
            instance: cfg.instance,
            ptau: cfg.ptau,
            allowInsecureDevZkey: cfg.insecureDevZkey,
            genesis,
            lines,
            workers: cfg.workers,
            singleThread: !cfg.snarkjsThreads,
            settleBatches: cfg.settleBatches,
            governors: cfg.governors,
            rpcUrl: cfg.rpcUrl,
            privateKey: cfg.privateKey,
            out,
            backend: proverBackend(cfg),
            deposits,
          }),
          ctx,
        );
      } catch (e) {
        throw cliErrorOf(e, runOptionsShape.shape);
      } finally {
        await closeRun(ctx);
      }
      const report = ctx.report!;
      process.stdout.write(cfg.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatRunSummary(report)}\n`);
      if (!report.roots.match) throw new CliError("roots: on-chain roots differ from the executor's", EXIT.CHECK_FAILED);
    });
}

/** Runs a reader of a user's input file; its error becomes an input error (exit 3). */
function inputFile<T>(read: () => T, flag?: string): T {
  try {
    return read();
  } catch (e) {
    throw new CliError(`${flag ? `${flag}: ` : ""}${(e as Error).message}`, EXIT.INPUT);
  }
}
