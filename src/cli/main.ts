#!/usr/bin/env node
/**
 * cluster-settle: the command-line interface of the joint-settlement prover. One binary, one file per
 * subcommand under src/cli/commands/. Exit codes: src/cli/cli-error.ts.
 */
import { Command } from "commander";
import { isError } from "ethers";
import { releaseSnarkjsCurve } from "../prover/release-curve.js";
import { ZkeyError } from "../setup/zkey-guard.js";
import { CliError, EXIT } from "./cli-error.js";
import { ceremonyCommand } from "./commands/ceremony.js";
import { devnetCommand } from "./commands/devnet.js";
import { keysCommand } from "./commands/keys.js";
import { proverCommand } from "./commands/prover.js";
import { ptauCommand } from "./commands/ptau.js";
import { runCommand } from "./commands/run.js";
import { serveCommand } from "./commands/serve.js";
import { setupCommand } from "./commands/setup.js";
import { syncCommand } from "./commands/sync.js";
import { exitCommand } from "./commands/exit.js";
import { confirmCommand } from "./commands/confirm.js";
import { challengeCommand } from "./commands/challenge.js";
import { proposalCommand } from "./commands/proposal.js";
import { governCommand } from "./commands/govern.js";
import { verifyCommand } from "./commands/verify.js";
import { workloadCommand } from "./commands/workload.js";
import { describeRevert } from "../l1/revert.js";

const program = new Command("cluster-settle")
  .description(
    "Joint settlement of a chain-cluster: execute member chains in lockstep, prove every batch with Groth16 " +
      "(circom, snarkjs), settle all member roots on L1 at once.",
  )
  .addCommand(runCommand())
  .addCommand(serveCommand())
  .addCommand(proverCommand())
  .addCommand(setupCommand())
  .addCommand(ceremonyCommand())
  .addCommand(keysCommand())
  .addCommand(workloadCommand())
  .addCommand(syncCommand())
  .addCommand(exitCommand())
  .addCommand(confirmCommand())
  .addCommand(challengeCommand())
  .addCommand(governCommand())
  .addCommand(proposalCommand())
  .addCommand(verifyCommand())
  .addCommand(devnetCommand())
  .addCommand(ptauCommand());

/** Exit code for an error: CliError carries its own; a refused zkey is a failed check; ethers errors are L1 failures. */
function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof ZkeyError) return EXIT.CHECK_FAILED;
  if (
    isError(e, "CALL_EXCEPTION") ||
    isError(e, "NETWORK_ERROR") ||
    isError(e, "SERVER_ERROR") ||
    isError(e, "TIMEOUT") ||
    isError(e, "INSUFFICIENT_FUNDS") ||
    isError(e, "NONCE_EXPIRED")
  )
    return EXIT.L1;
  return EXIT.FAILURE;
}

/** One line for an error; a reverted settlement shows its decoded custom error. */
function describe(e: unknown): string {
  const revert = describeRevert(e);
  if (revert) return `L1 reverted: ${revert}`;
  return (e as { shortMessage?: string }).shortMessage ?? (e as Error).message ?? String(e);
}

const withSubcommands = (c: Command): Command[] => [c, ...c.commands.flatMap(withSubcommands)];
for (const command of withSubcommands(program)) {
  command.showHelpAfterError().exitOverride((err) => {
    throw new CliError(err.message, err.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  });
}

try {
  await program.parseAsync();
  process.exitCode = EXIT.OK;
} catch (e) {
  const code = exitCodeOf(e);
  if (code !== EXIT.OK && !(e instanceof CliError && /^error: /.test(e.message))) process.stderr.write(`error: ${describe(e)}\n`);
  process.exitCode = code;
} finally {
  await releaseSnarkjsCurve();
}
