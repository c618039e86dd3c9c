import { Option, type Command } from "commander";
import { z } from "zod";
import type { ProverBackend } from "../prover/prover-pool.js";

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

/** The backend part of the group (`--prover`, `--prover-path`), which the bench takes alone (it sweeps the pool settings itself). */
export const proverBackendFields = {
  prover: z.enum(["snarkjs", "rapidsnark"]).default("snarkjs"),
  proverPath: z.string().min(1).optional(),
};

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
export function addProverBackendFlags(command: Command, proverHelp = "Groth16 prover: snarkjs (default) or rapidsnark (a native binary)"): Command {
  return command
    .addOption(new Option("--prover <backend>", proverHelp).choices(["snarkjs", "rapidsnark"]))
    .option("--prover-path <file>", "rapidsnark-compatible prover binary: `prover <zkey> <wtns> <proof.json> <public.json>`");
}

/** The rule of the group, for a schema's `.refine(...proverPathRule)`: `--prover rapidsnark` needs `--prover-path`. */
export const proverPathRule: [(c: { prover: "snarkjs" | "rapidsnark"; proverPath?: string }) => boolean, { path: string[]; message: string }] = [
  (c) => c.prover !== "rapidsnark" || c.proverPath !== undefined,
  { path: ["proverPath"], message: "required with --prover rapidsnark (path of a rapidsnark-compatible prover binary)" },
];

/** The prover backend the options select. */
export function proverBackend(c: { prover: "snarkjs" | "rapidsnark"; proverPath?: string }): ProverBackend {
  return c.prover === "rapidsnark" ? { kind: "rapidsnark", path: c.proverPath! } : { kind: "snarkjs" };
}
