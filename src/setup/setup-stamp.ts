import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { REPO_ROOT, type CircuitInstance } from "../circuits/manifest.js";
import { writeFileAtomic } from "../store/atomic-file.js";

/** SHA-256 of a file's bytes, hex. */
export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * The powers-of-tau file of a set-up: `ptau`, or the instance's bundled development file; a
 * relative path resolves from the repository root (as circuits/instances.json names them).
 * @throws Error `ptau: file not found: <path>`.
 */
export function resolvePtau(inst: CircuitInstance, ptau?: string): string {
  const p = ptau ?? inst.ptau;
  const path = isAbsolute(p) ? p : join(REPO_ROOT, p);
  if (!existsSync(path)) throw new Error(`ptau: file not found: ${path}`);
  return path;
}

/** Stamp file of a Groth16 set-up, in the instance's build folder. Version 2: dev set-ups have a secret contribution. */
export const STAMP_FILE = "setup.json";

const stampSchema = z.object({
  version: z.literal(2),
  /** `dev`: made by setupGroth16 on this machine; `installed`: a ceremony's zkey installed with `setup --zkey`. */
  source: z.enum(["dev", "installed"]),
  r1csSha256: z.string(),
  ptauSha256: z.string(),
  zkeySha256: z.string(),
  vkeySha256: z.string(),
  verifierSha256: z.string(),
  installedFrom: z.string().optional(),
  installedAt: z.string().optional(),
});

/**
 * Record of the set-up an instance's build folder holds: what it was made from (r1cs, ptau), where
 * its zkey came from, and a hash of each artifact, so a changed file is never taken for the cached one.
 */
export type SetupStamp = z.infer<typeof stampSchema>;

/** The stamp in `dir`, or undefined when there is none or it is of another version (an old beacon-only set-up). */
export function readSetupStamp(dir: string): SetupStamp | undefined {
  const path = join(dir, STAMP_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = stampSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the stamp of `dir` atomically (last, after every artifact it names). */
export function writeSetupStamp(dir: string, stamp: SetupStamp): void {
  writeFileAtomic(join(dir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** True when each artifact exists and has the hash the stamp recorded. */
export function artifactsMatch(stamp: SetupStamp, paths: { zkey: string; vkeyPath: string; verifierSol: string }): boolean {
  return [
    [paths.zkey, stamp.zkeySha256],
    [paths.vkeyPath, stamp.vkeySha256],
    [paths.verifierSol, stamp.verifierSha256],
  ].every(([p, h]) => existsSync(p) && fileSha256(p) === h);
}
