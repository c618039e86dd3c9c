import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { Command } from "commander";
import { z } from "zod";
import * as snarkjs from "snarkjs";
import type { Phase } from "../../phases/phase.js";
import { parseOptions } from "../options.js";
import { runWithProgress } from "../../phases/progress.js";

const ptauOptions = z
  .object({
    power: z.coerce.number().int().min(8).max(22),
    out: z.string().min(1),
    json: z.boolean().default(false),
  })
  .strict();

/** `ptau`: a new single-party development powers-of-tau file. */
export function ptauCommand(): Command {
  return new Command("ptau")
    .description(
      "Make a new DEVELOPMENT powers-of-tau file (BN254) with snarkjs: new accumulator, one contribution with " +
        "random entropy, a beacon, prepare phase 2. Single-party, so insecure: whoever ran it could forge proofs. " +
        "Production uses a public ceremony file (set-up --ptau).",
    )
    .requiredOption("--power <p>", "2^p constraints at most (8..22; 15 takes about a minute on 2 cores, each step up doubles it)")
    .requiredOption("--out <file>", "file to write")
    .option("--json", "print the result as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(ptauOptions, flags);
      const tmp = [0, 1, 2].map((i) => `${o.out}.${i}.tmp`);
      const snark = snarkjs as unknown as {
        curves: { getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }> };
        powersOfTau: Record<string, (...args: unknown[]) => Promise<unknown>>;
      };
      const curve = await snark.curves.getCurveFromName("bn128");
      const phases: Phase<object>[] = [
        {
          title: `New accumulator, power ${o.power}`,
          run: async () => {
            await snark.powersOfTau.newAccumulator(curve, o.power, tmp[0]);
          },
        },
        {
          title: "Contribute (random entropy, discarded)",
          run: async () => {
            await snark.powersOfTau.contribute(tmp[0], tmp[1], "dev contribution", randomBytes(32).toString("hex"));
          },
        },
        {
          title: "Beacon",
          run: async () => {
            await snark.powersOfTau.beacon(tmp[1], tmp[2], "dev beacon", randomBytes(32).toString("hex"), 10);
          },
        },
        {
          title: "Prepare phase 2",
          run: async () => {
            await snark.powersOfTau.preparePhase2(tmp[2], o.out);
          },
        },
      ];
      try {
        await runWithProgress(phases, {});
      } finally {
        for (const t of tmp) rmSync(t, { force: true });
        await curve.terminate();
      }
      process.stdout.write(
        o.json
          ? `${JSON.stringify({ out: o.out, power: o.power, insecure: true })}\n`
          : `wrote ${o.out} (power ${o.power}, up to ${2 ** o.power} constraints; single-party: development only)\n`,
      );
    });
}
