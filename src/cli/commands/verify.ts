import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import * as snarkjs from "snarkjs";
import { REPO_ROOT } from "../../circuits/manifest.js";
import { CliError, EXIT } from "../cli-error.js";
import { instanceOption, parseOptions } from "../options.js";

const verifyOptions = z
  .object({
    instance: z.string().min(1).optional(),
    vkey: z.string().min(1).optional(),
    json: z.boolean().default(false),
  })
  .strict();

const proofFileSchema = z.object({
  instance: z.string().optional(),
  batchIndex: z.number().int().nonnegative().optional(),
  proof: z.object({
    pi_a: z.array(z.string()),
    pi_b: z.array(z.array(z.string())),
    pi_c: z.array(z.string()),
    protocol: z.literal("groth16"),
    curve: z.string(),
  }),
  publicSignals: z.array(z.string().regex(/^[0-9]+$/, "must be a decimal integer")),
});

/** `verify`: checks a Groth16 proof file with snarkjs.groth16.verify. */
export function verifyCommand(): Command {
  return new Command("verify")
    .description(
      "Check a batch proof file (runs/<run>/proofs/NNNNNN.json: proof and public signals) against the verification " +
        "key of its circuit instance with snarkjs.groth16.verify. Exit 0 when valid, 5 when not.",
    )
    .argument("<proof-file>", "JSON with `proof` and `publicSignals` (and `instance`, as `run` writes it)")
    .option("--instance <name>", "circuit instance whose verification key to use (default: the file's `instance`)")
    .option("--vkey <file>", "verification_key.json to use instead of an instance's")
    .option("--json", "print the result as JSON")
    .action(async (proofFile: string, flags: Record<string, unknown>) => {
      const o = parseOptions(verifyOptions, flags);
      let file: z.infer<typeof proofFileSchema>;
      try {
        const parsed = proofFileSchema.safeParse(JSON.parse(readFileSync(proofFile, "utf8")));
        if (!parsed.success) throw new Error(`${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
        file = parsed.data;
      } catch (e) {
        throw new CliError(`${proofFile}: ${(e as Error).message}`, EXIT.INPUT);
      }
      let vkeyPath = o.vkey;
      if (!vkeyPath) {
        const name = o.instance ?? file.instance;
        if (!name) throw new CliError("--instance: the proof file names no instance; give --instance or --vkey", EXIT.USAGE);
        instanceOption(name);
        vkeyPath = join(REPO_ROOT, "build/circuits", name, "verification_key.json");
        if (!existsSync(vkeyPath)) throw new CliError(`--instance: no verification key for "${name}" yet; run \`setup --instance ${name}\` first`, EXIT.USAGE);
      }
      const vkey = JSON.parse(readFileSync(vkeyPath, "utf8"));
      if (vkey.nPublic !== file.publicSignals.length) {
        throw new CliError(`publicSignals: ${file.publicSignals.length} values, but the verification key takes ${vkey.nPublic}`, EXIT.CHECK_FAILED);
      }
      const valid = await snarkjs.groth16.verify(vkey, file.publicSignals, file.proof);
      const header = BigInt(file.publicSignals[0]); // batchIndex * 2^64 + firstTick * 2^32 + lastTick
      const result = {
        valid,
        proofFile,
        verificationKey: vkeyPath,
        batchIndex: String(header >> 64n),
        firstTick: String((header >> 32n) & 0xffffffffn),
        lastTick: String(header & 0xffffffffn),
      };
      process.stdout.write(
        o.json
          ? `${JSON.stringify(result)}\n`
          : `${valid ? "valid" : "INVALID"}: ${proofFile} (batch ${result.batchIndex}, ticks ${result.firstTick}..${result.lastTick}) against ${vkeyPath}\n`,
      );
      if (!valid) throw new CliError("proof: snarkjs.groth16.verify rejected the proof", EXIT.CHECK_FAILED);
    });
}
