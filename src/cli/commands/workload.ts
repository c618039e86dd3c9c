import { writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { z } from "zod";
import { EddsaSigner } from "../../crypto/eddsa.js";
import { getPoseidon } from "../../crypto/poseidon.js";
import { loadDevKeys } from "../../protocol/genesis.js";
import { generateWorkload } from "../../workload/workload-generator.js";
import { CliError, EXIT } from "../cli-error.js";
import { WORKLOAD_DEFAULTS } from "../../workload/dev-workload.js";
import { parseOptions } from "../options.js";

const workloadOptions = z
  .object({
    keys: z.string().min(1),
    out: z.string().min(1),
    operations: z.coerce.number().int().min(1).max(1_000_000).default(32),
    crossChainShare: z.coerce.number().min(0).max(1).default(0.4),
    zipf: z.coerce.number().min(0).max(10).default(WORKLOAD_DEFAULTS.zipfExponent),
    maxAmount: z
      .string()
      .regex(/^[1-9][0-9]*$/, "must be a positive decimal integer")
      .transform(BigInt)
      .default(WORKLOAD_DEFAULTS.maxAmount),
    faults: z.boolean().default(false),
    seed: z.string().min(1).default("default"),
    json: z.boolean().default(false),
  })
  .strict();

/** `workload`: a JSONL file of signed operations for a key set. */
export function workloadCommand(): Command {
  return new Command("workload")
    .description(
      "Write a JSONL file of signed operations (TRANSFER within a chain, SEND across chains) for the accounts " +
        "of a keys file: Zipf-skewed account popularity, a share of cross-chain SENDs, valid in file order.",
    )
    .requiredOption("--keys <file>", "keys.json from `keys`")
    .requiredOption("--out <file>", "JSONL file to write")
    .option("--operations <n>", "valid operations (default: 32)")
    .option("--cross-chain-share <x>", "share of SEND among them, 0..1 (default: 0.4)")
    .option("--zipf <s>", `Zipf exponent of account popularity; 0 is uniform (default: ${WORKLOAD_DEFAULTS.zipfExponent})`)
    .option("--max-amount <units>", `largest amount of one operation (default: ${WORKLOAD_DEFAULTS.maxAmount})`)
    .addOption(
      new Option("--faults", "also write one line of each fault kind (bad signature, wrong nonce, overdraft, unknown chain, unknown account, malformed line)"),
    )
    .option("--seed <text>", "seed: the same seed and keys give the same file (default: default)")
    .option("--json", "print what was written as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(workloadOptions, flags);
      let keys: ReturnType<typeof loadDevKeys>;
      try {
        keys = loadDevKeys(o.keys);
      } catch (e) {
        throw new CliError(`--keys: ${(e as Error).message}`, EXIT.INPUT);
      }
      const w = generateWorkload(keys, await EddsaSigner.create(), await getPoseidon(), {
        operations: o.operations,
        crossChainShare: o.crossChainShare,
        zipfExponent: o.zipf,
        maxAmount: o.maxAmount,
        faults: o.faults,
        seed: o.seed,
      });
      writeFileSync(o.out, `${w.lines.join("\n")}\n`);
      const summary = {
        out: o.out,
        lines: w.lines.length,
        transfers: w.transfers,
        sends: w.sends,
        crossChainShare: w.sends / (w.sends + w.transfers),
        faults: w.faults,
      };
      process.stdout.write(
        o.json
          ? `${JSON.stringify(summary)}\n`
          : `wrote ${o.out}: ${w.transfers} TRANSFER, ${w.sends} SEND (${(100 * summary.crossChainShare).toFixed(0)}% cross-chain)` +
              `${w.faults.length ? `, ${w.faults.length} fault lines (${w.faults.map((f) => `${f.line}: ${f.kind}`).join(", ")})` : ""}\n`,
      );
    });
}
