import { z } from "zod";
import { parseOptions } from "./options.js";
import { proverOptionFields, proverPathRule } from "../config/prover-options.js";

/** Options of `run`, from a JSON config file (`--config`) and flags; flags win. */
/** The options of `run`, one key per flag (camelCase). */
export const runOptionsShape = z.object({
  instance: z.string().min(1).default("default"),
  ptau: z.string().min(1).optional(),
  insecureDevZkey: z.boolean().default(false),
  genesis: z.string().min(1).optional(),
  operations: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  resume: z.boolean().default(false),
  ...proverOptionFields(1),
  settleBatches: z.coerce.number().int().min(1).max(64).default(4),
  governors: z.coerce.number().int().min(0).max(16).default(3),
  rpcUrl: z.url({ protocol: /^https?$/ }).optional(),
  privateKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits")
    .optional(),
  workloadOperations: z.coerce.number().int().min(1).max(100_000).default(32),
  crossChainShare: z.coerce.number().min(0).max(1).default(0.4),
  faults: z.boolean().default(true),
  seed: z.string().min(1).default("default"),
  json: z.boolean().default(false),
});

export const runConfigSchema = runOptionsShape.strict().refine(...proverPathRule);

export type RunConfig = z.infer<typeof runConfigSchema>;

/**
 * The `run` options from flags and an optional config file; SETTLEMENT_PRIVATE_KEY in the
 * environment gives `privateKey` when neither does.
 * @throws CliError (EXIT.USAGE) naming the field and the reason.
 */
export function loadRunConfig(flags: Record<string, unknown>, configPath?: string, env: NodeJS.ProcessEnv = process.env): RunConfig {
  return parseOptions(runConfigSchema, flags, configPath, { privateKey: env.SETTLEMENT_PRIVATE_KEY });
}
