import { Option, type Command } from "commander";
import { z } from "zod";
import type { ProverBackend } from "../prover/prover-pool.js";
import { DEFAULT_NATIVE_THREADS, loadNativeAddon } from "../prover/native-prover.js";
import { FieldError } from "./field-error.js";

/**
 * The prover option group that `run`, `serve` and `prover` share: its zod fields (spread into each
 * command's options shape), its flags, the rule that `--prover rapidsnark` needs `--prover-path`, and
 * the backend they select.
 * @param minWorkers 0 where remote provers may do all the proving (`serve --redis-url`), else 1.
 */
export function proverOptionFields(minWorkers: 0 | 1) {
  return {
    workers: z.coerce.number().int().min(minWorkers).max(64).default(2),
    snarkjsThreads: z.boolean().default(false),
    ...proverBackendFields,
  };
}

/**
 * The backend part of the group (`--prover`, `--prover-path`, `--native-threads`), which the bench takes
 * alone (it sweeps the pool settings itself). `prover` unset: the native prover where it built, else snarkjs.
 */
export const proverBackendFields = {
  prover: z.enum(["snarkjs", "native", "rapidsnark"]).optional(),
  proverPath: z.string().min(1).optional(),
  nativeThreads: z.coerce.number().int().min(1).max(64).optional(),
  nativePrecompute: z.boolean().optional(),
};

/** The backend fields as parsed. */
export type ProverBackendOptions = { prover?: "snarkjs" | "native" | "rapidsnark"; proverPath?: string; nativeThreads?: number; nativePrecompute?: boolean };

/**
 * Adds the group's flags to a command.
 * @param workersHelp what `--workers` means for this command.
 */
export function addProverFlags(command: Command, workersHelp: string): Command {
  return addProverBackendFlags(
    command
      .option("--workers <n>", workersHelp)
      .option("--snarkjs-threads", "let snarkjs use its own worker threads inside each prover (default: off, single-threaded)"),
  );
}

/**
 * Adds the backend flags (`--prover`, `--prover-path`) to a command.
 * @param proverHelp what `--prover` means for this command.
 */
export function addProverBackendFlags(
  command: Command,
  proverHelp = "Groth16 prover: native (the project's C++ addon; the default where it built), snarkjs (the default where it did not), or rapidsnark (a binary)",
): Command {
  return command
    .addOption(new Option("--prover <backend>", proverHelp).choices(["snarkjs", "native", "rapidsnark"]))
    .option("--prover-path <file>", "rapidsnark-compatible prover binary: `prover <zkey> <wtns> <proof.json> <public.json>`")
    .option("--native-threads <n>", `threads inside each native proof (default: ${DEFAULT_NATIVE_THREADS}; one proof per worker per core measured faster)`)
    .option(
      "--native-precompute",
      "native prover: fixed-base tables per worker (faster MSMs; ~400 MiB more per worker and seconds to build at the default instance)",
    );
}

/** The rule of the group, for a schema's `.refine(...proverPathRule)`: `--prover rapidsnark` needs `--prover-path`. */
export const proverPathRule: [(c: ProverBackendOptions) => boolean, { path: string[]; message: string }] = [
  (c) => c.prover !== "rapidsnark" || c.proverPath !== undefined,
  { path: ["proverPath"], message: "required with --prover rapidsnark (path of a rapidsnark-compatible prover binary)" },
];

let fallbackSaid = false;

/**
 * The prover backend the options select. `--prover` unset: the native addon where it loads, else
 * snarkjs, saying why once per process (one console.warn line naming the reason).
 * @param warn where the one fallback line goes (default console.warn).
 * @throws FieldError (field `prover`) when `--prover native` is asked for and the addon is unavailable.
 */
export function proverBackend(c: ProverBackendOptions, warn: (line: string) => void = console.warn): ProverBackend {
  if (c.prover === "rapidsnark") return { kind: "rapidsnark", path: c.proverPath! };
  if (c.prover === "snarkjs") return { kind: "snarkjs" };
  const load = loadNativeAddon();
  if (load.ok) return { kind: "native", threads: c.nativeThreads ?? DEFAULT_NATIVE_THREADS, ...(c.nativePrecompute ? { precompute: true } : {}) };
  if (c.prover === "native") throw new FieldError("prover", `native is unavailable: ${load.reason}`);
  if (!fallbackSaid) warn(`${load.reason}; proving with snarkjs`);
  fallbackSaid = true;
  return { kind: "snarkjs" };
}

/** A backend in words, for titles and summaries: "native (1 thread per proof)", "snarkjs single-threaded", "rapidsnark <path>". */
export function backendLabel(b: ProverBackend | undefined, singleThread: boolean): string {
  if (b?.kind === "native") return `native (${b.threads} thread${b.threads === 1 ? "" : "s"} per proof${b.precompute ? ", fixed-base tables" : ""})`;
  if (b?.kind === "rapidsnark") return `rapidsnark ${b.path}`;
  return `snarkjs${singleThread ? " single-threaded" : ""}`;
}
