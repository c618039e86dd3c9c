/** Exit codes of the CLI: a script can tell failure kinds apart. */
export const EXIT = {
  OK: 0,
  /** Unexpected failure (a bug, a crashed worker, a full disk). */
  FAILURE: 1,
  /** Bad flags or config file: the message names the field. */
  USAGE: 2,
  /** Bad input file (genesis, keys, workload, proof file): the message names the file and field. */
  INPUT: 3,
  /** The L1 failed: RPC error or a reverted settlement (with its decoded custom error). */
  L1: 4,
  /** A check failed: a proof does not verify, or on-chain roots differ from the executor's. */
  CHECK_FAILED: 5,
} as const;

/** An error the CLI reports as one line, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliError";
  }
}
