import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../src/circuits/manifest.js";

const run = promisify(execFile);

/** The built CLI (`npm test` builds first). */
export const CLI = join(REPO_ROOT, "dist/src/cli/main.js");

/** Runs the built CLI from the repository root; resolves with the exit code and both streams (never rejects on a non-zero exit). */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
