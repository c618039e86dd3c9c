import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, mainSource, type CircuitInstance } from "./manifest.js";

const run = promisify(execFile);

/** Paths of a compiled instance, under build/circuits/<name>/. */
export interface CompiledCircuit {
  dir: string;
  r1cs: string;
  wasm: string;
  sym: string;
  /** Content hash of the sources and parameters the artifacts were built from. */
  sourceHash: string;
}

/** SHA-256 over the circuit sources (circuits/**.circom) and the instance parameters. */
export function circuitSourceHash(inst: CircuitInstance): string {
  const h = createHash("sha256");
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(".circom")) h.update(relative(REPO_ROOT, p)).update(readFileSync(p));
    }
  };
  walk(join(REPO_ROOT, "circuits"));
  h.update(JSON.stringify({ ...inst, ptau: undefined }));
  return h.digest("hex");
}

/**
 * Compiles an instance with circom 2 (npm `circom2`, WASI; `--O2`), into build/circuits/<name>/.
 * Cached by content hash: when build/circuits/<name>/source.sha256 matches, nothing is run.
 * circom2 reads files under the working directory only, so it runs from the repository root.
 * @throws Error with circom's output when compilation fails.
 */
export async function compileInstance(inst: CircuitInstance): Promise<CompiledCircuit & { cached: boolean }> {
  const dir = join(REPO_ROOT, "build/circuits", inst.name);
  const sourceHash = circuitSourceHash(inst);
  const out = { dir, r1cs: join(dir, "main.r1cs"), wasm: join(dir, "main_js/main.wasm"), sym: join(dir, "main.sym"), sourceHash };
  const stamp = join(dir, "source.sha256");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === sourceHash && existsSync(out.r1cs) && existsSync(out.wasm)) {
    return { ...out, cached: true };
  }
  mkdirSync(dir, { recursive: true });
  const main = join(dir, "main.circom");
  writeFileSync(main, mainSource(inst, relative(dir, join(REPO_ROOT, "circuits/cluster_batch.circom"))));
  const circom = join(REPO_ROOT, "node_modules/circom2/cli.js");
  try {
    await run(
      process.execPath,
      [circom, relative(REPO_ROOT, main), "--r1cs", "--wasm", "--sym", "--O2", "-l", "node_modules", "-o", relative(REPO_ROOT, dir)],
      { cwd: REPO_ROOT, maxBuffer: 64 << 20 },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`circom2 failed for instance "${inst.name}": ${e.stderr || e.stdout || e.message}`);
  }
  writeFileSync(stamp, sourceHash);
  return { ...out, cached: false };
}
