import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { CompiledCircuit } from "../circuits/compile.js";
import { REPO_ROOT, type CircuitInstance } from "../circuits/manifest.js";
import type { PhaseProgress } from "../phases/phase.js";
import { removeStaleTemps, writeViaTemp } from "../store/atomic-file.js";
import { LOCK_DIR, withFileLock } from "./setup-lock.js";
import { fileSha256, resolvePtau } from "./setup-stamp.js";
import { snarkjsProgressLogger } from "./snarkjs-logger.js";

/** Folder of the cached initial zkeys: build/phase2-init/. */
export const PHASE2_INIT_DIR = join(REPO_ROOT, "build/phase2-init");

/** The inputs of a phase 2: the instance's r1cs and a ptau file, with their SHA-256 (hex). */
export interface Phase2Inputs {
  instance: string;
  r1cs: string;
  r1csSha256: string;
  ptau: string;
  ptauSha256: string;
}

/**
 * The phase-2 inputs of a compiled instance: its r1cs and `ptau` (default: the instance's bundled
 * development file; relative paths from the repository root), hashed.
 * @throws Error `ptau: file not found: <path>`.
 */
export function phase2Inputs(inst: CircuitInstance, circuit: Pick<CompiledCircuit, "r1cs">, ptau?: string): Phase2Inputs {
  const ptauPath = resolvePtau(inst, ptau);
  return { instance: inst.name, r1cs: circuit.r1cs, r1csSha256: fileSha256(circuit.r1cs), ptau: ptauPath, ptauSha256: fileSha256(ptauPath) };
}

/**
 * The initial phase-2 zkey of a circuit: snarkjs `zKey.newZKey(r1cs, ptau)` (phase 1 evaluated at the
 * circuit's QAP, no contribution yet: δ = γ). It is a pure function of the r1cs and the ptau, and the
 * slow part of every phase-2 step (about a minute for the `test` instance on 2 cores), so it is made
 * once and cached as build/phase2-init/<instance>-<hash>.zkey, keyed by the two files' SHA-256
 * (older ones of the instance are removed). A ceremony's `init` copies it; `verify` and `setup --zkey`
 * check a zkey against it (snarkjs `verifyFromInit`, the second half of `verifyFromR1cs`); the
 * development set-up contributes on top of it. Computed here, from local files: it is trusted as
 * much as the r1cs it came from. One process computes it at a time (a lock per instance).
 * @throws Error `ptau: ...` when snarkjs refuses the ptau (too small for the circuit, not prepared for phase 2,
 *   another curve); Error from snarkjs when a file is malformed.
 */
export async function phase2InitZkey(inputs: Phase2Inputs, onProgress?: (p: PhaseProgress) => void): Promise<string> {
  const key = createHash("sha256").update(`${inputs.r1csSha256}:${inputs.ptauSha256}`).digest("hex").slice(0, 16);
  const path = join(PHASE2_INIT_DIR, `${inputs.instance}-${key}.zkey`);
  if (existsSync(path)) return path;
  mkdirSync(PHASE2_INIT_DIR, { recursive: true });
  mkdirSync(LOCK_DIR, { recursive: true });
  return withFileLock(join(LOCK_DIR, `phase2-init-${inputs.instance}`), `initial zkey of instance "${inputs.instance}"`, async () => {
    if (existsSync(path)) return path; // made by the process we waited for
    removeStaleTemps(path);
    await writeViaTemp(path, async (tmp) => {
      const errors: string[] = [];
      const result = await snarkjs.zKey.newZKey(
        inputs.r1cs,
        inputs.ptau,
        tmp,
        snarkjsProgressLogger(onProgress, (e) => errors.push(e)),
      );
      if (result === -1) throw new Error(`ptau: ${inputs.ptau}: snarkjs zkey new refused it for instance "${inputs.instance}": ${errors.join("; ")}`);
    });
    for (const f of readdirSync(PHASE2_INIT_DIR)) {
      if (f.startsWith(`${inputs.instance}-`) && f.endsWith(".zkey") && join(PHASE2_INIT_DIR, f) !== path) rmSync(join(PHASE2_INIT_DIR, f), { force: true });
    }
    return path;
  });
}
