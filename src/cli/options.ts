import { readFileSync } from "node:fs";
import type { z } from "zod";
import { CliError, EXIT } from "./cli-error.js";
import { loadInstance, type CircuitInstance } from "../circuits/manifest.js";
import { FieldError } from "../config/field-error.js";

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Validates a command's options: an optional JSON config file merged with flags (flags win).
 * An error names the field as the user wrote it: `--workers` for a flag, `<file>: workers` for the
 * config file, and the reason.
 * @param flags commander's parsed options (camelCase; undefined when not given; `config` is ignored).
 * @param configPath JSON object file with the same keys in camelCase, optional.
 * @param extra values from elsewhere (environment), used when neither flag nor file gives them.
 * @throws CliError (EXIT.USAGE) naming the field and the reason.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  flags: Record<string, unknown>,
  configPath?: string,
  extra: Record<string, unknown> = {},
): z.infer<S> {
  let fromFile: Record<string, unknown> = {};
  if (configPath) {
    try {
      fromFile = JSON.parse(readFileSync(configPath, "utf8"));
    } catch (e) {
      throw new CliError(`--config: cannot read ${configPath}: ${(e as Error).message}`, EXIT.USAGE);
    }
    if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile))
      throw new CliError(`--config: ${configPath} must hold a JSON object`, EXIT.USAGE);
  }
  const given = Object.fromEntries(Object.entries(flags).filter(([k, v]) => v !== undefined && k !== "config"));
  const definedExtra = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse({ ...definedExtra, ...fromFile, ...given });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const keys = (issue as { keys?: string[] }).keys;
  const key = String(issue.path[0] ?? keys?.[0] ?? "");
  const where = key in fromFile && !(key in given) ? `${configPath}: ${key}` : `--${kebab(key)}`;
  const message = issue.code === "unrecognized_keys" ? `unknown option (known: ${knownKeys(schema).join(", ")})` : issue.message;
  throw new CliError(`${where}: ${message}`, EXIT.USAGE);
}

function knownKeys(schema: z.ZodType): string[] {
  const def = (schema as unknown as { def?: { shape?: object; in?: z.ZodType; schema?: z.ZodType } }).def;
  if (def?.shape) return Object.keys(def.shape);
  const inner = def?.in ?? def?.schema;
  return inner ? knownKeys(inner) : [];
}

/**
 * The circuit instance named by `--instance` (or the flag `flag`, e.g. `--next-instance`).
 * @throws CliError (EXIT.USAGE) naming the flag when circuits/instances.json has no such instance.
 */
export function instanceOption(name: string, flag = "--instance"): CircuitInstance {
  try {
    return loadInstance(name);
  } catch (e) {
    if (e instanceof FieldError) throw new CliError(`${flag}: ${e.reason}`, EXIT.USAGE);
    throw e;
  }
}

/**
 * The CLI's error for a failure of a command, mapped by type (never by parsing the message): a
 * FieldError whose field is one of the command's options names its flag (`rpcUrl` → `--rpc-url`)
 * and exits with EXIT.L1 for the L1's URL, EXIT.USAGE for the data folder, EXIT.INPUT otherwise; a
 * FieldError of a file or record (`genesis.members`, `store`) keeps its message (EXIT.INPUT).
 * @param options the command's option shape (camelCase keys).
 * @returns the CliError, or `e` itself when it is no FieldError (main reports ethers errors and bugs).
 */
export function cliErrorOf(e: unknown, options: object): unknown {
  if (!(e instanceof FieldError)) return e;
  if (!(e.field in options)) return new CliError(e.message, EXIT.INPUT);
  const exit = e.field === "rpcUrl" ? EXIT.L1 : e.field === "dataDir" ? EXIT.USAGE : EXIT.INPUT;
  return new CliError(`--${kebab(e.field)}: ${e.reason}`, exit);
}
