/**
 * The anvil guard: a tiny Node process between a parent and its anvil devnet, so the devnet ends
 * when the parent ends by any means, SIGKILL included (Linux has no parent-death signal that Node
 * can ask for, and a SIGKILL runs no handler in the parent).
 *
 * Run as `node anvil-guard.js <anvil binary> [anvil args...]` with stdin a pipe from the parent
 * (src/l1/anvil.ts `startAnvil` does this). The parent never writes to the pipe; the kernel closes
 * its end when the parent exits or is killed, and the guard then reads end-of-file and stops anvil
 * (SIGTERM, SIGKILL after KILL_AFTER_MS). SIGTERM, SIGINT or SIGHUP to the guard stop anvil too.
 * anvil's stdout and stderr are the guard's (the parent's pipes); the guard exits with anvil's exit
 * code, or 128 + the signal number when anvil was killed by a signal. When anvil cannot be spawned
 * the guard writes the reason to stderr and exits with 127.
 *
 * An entry point only (it runs on import): nothing to import from here.
 * Limit: a SIGKILL of the guard itself leaves anvil running (nothing watches the guard).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";

/** Grace time between SIGTERM and SIGKILL of anvil (ms). */
const KILL_AFTER_MS = 5_000;

function main(): void {
  const [binary, ...args] = process.argv.slice(2);
  if (!binary) {
    process.stderr.write("anvil-guard: usage: anvil-guard <anvil binary> [args...]\n");
    process.exit(2);
  }
  const anvil = spawn(binary, args, { stdio: ["ignore", "inherit", "inherit"] });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    anvil.kill("SIGTERM");
    setTimeout(() => anvil.kill("SIGKILL"), KILL_AFTER_MS).unref();
  };
  anvil.once("error", (e) => {
    process.stderr.write(`anvil-guard: cannot start ${binary}: ${e.message}\n`);
    process.exit(127);
  });
  anvil.once("exit", (code, signal) => {
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
  });
  // The parent's end of stdin closes when the parent dies: end-of-file (or an error) means "stop".
  process.stdin.on("data", () => {}); // the parent sends nothing; reading keeps the pipe watched
  process.stdin.once("end", stop);
  process.stdin.once("close", stop);
  process.stdin.once("error", stop);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, stop);
}

main();
