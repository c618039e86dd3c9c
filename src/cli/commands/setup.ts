import { Command } from "commander";
import { z } from "zod";
import { setupPhases, type SetupContext } from "../../setup/setup-phases.js";
import { instanceOption, parseOptions } from "../options.js";
import { runWithProgress } from "../../phases/progress.js";

const setupOptions = z
  .object({
    instance: z.string().min(1).default("default"),
    ptau: z.string().min(1).optional(),
    zkey: z.string().min(1).optional(),
    json: z.boolean().default(false),
  })
  .strict();

/** `setup`: compile, Groth16 set-up (or install of a ceremony zkey) and contracts of one instance (cached; a second run does nothing). */
export function setupCommand(): Command {
  return new Command("setup")
    .description(
      "Compile the circuit instance (circom2 --O2), run its Groth16 set-up from a powers-of-tau file, export the " +
        "Solidity verifier and compile the contracts (solc-js). Cached by content hash: a second run does nothing. " +
        "The development set-up makes one secret contribution with OS entropy, then a beacon; with --zkey it installs a " +
        "ceremony's final zkey instead (exit 5 when it does not verify against the r1cs and ptau, or has no secret " +
        "contribution), and later set-ups keep it while the circuit is unchanged.",
    )
    .option("--instance <name>", "circuit instance in circuits/instances.json (default: default)")
    .option(
      "--ptau <file>",
      "powers-of-tau file prepared for phase 2 (default: the instance's bundled development file; " + "production: a public ceremony file)",
    )
    .option("--zkey <file>", "install this ceremony zkey (from `ceremony finalize`) as the instance's zkey, after verifying it")
    .option("--json", "print the artifact paths as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(setupOptions, flags);
      instanceOption(o.instance);
      const ctx = await runWithProgress(setupPhases(o.instance, { ptau: o.ptau, zkey: o.zkey }), {} as SetupContext);
      const p = ctx.prepared!;
      const summary = {
        instance: p.inst,
        constraints: p.r1cs.constraints,
        publicInputs: p.r1cs.publicInputs,
        r1cs: p.circuit.r1cs,
        wasm: p.circuit.wasm,
        zkey: p.keys.zkey,
        zkeySource: p.keys.source,
        phase2: p.keys.phase2.contributions.map((c) => `#${c.index} ${c.type}${c.name ? ` "${c.name}"` : ""}`).join(", "),
        verificationKey: p.keys.vkeyPath,
        verifier: p.keys.verifierSol,
      };
      process.stdout.write(
        o.json
          ? `${JSON.stringify({ ...summary, phase2: p.keys.phase2 }, null, 2)}\n`
          : `${Object.entries(summary)
              .map(([k, v]) => `${k.padEnd(16)} ${typeof v === "object" ? JSON.stringify(v) : v}`)
              .join("\n")}\n`,
      );
    });
}
