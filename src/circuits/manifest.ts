import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { FieldError } from "../config/field-error.js";

/** Repository root: the nearest folder above this module (src/ or dist/src/) that holds circuits/instances.json. */
export const REPO_ROOT = findRepoRoot(import.meta.dirname);

function findRepoRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "circuits/instances.json"))) return dir;
  }
  throw new Error(`no circuits/instances.json above ${start}`);
}

const instanceSchema = z.object({
  template: z.literal("ClusterBatch"),
  members: z.number().int().min(2).max(8), // L1 recomputes the roots commitment with circomlibjs' Poseidon contract (<= 8 inputs)
  depth: z.number().int().min(2).max(32),
  slots: z.number().int().min(1).max(4096),
  deltaTicks: z.number().int().min(1),
  ptau: z.string().min(1),
});

/** One circuit instance of circuits/instances.json: template parameters N, D, B, Δ and its ptau file. */
export type CircuitInstance = z.infer<typeof instanceSchema> & { name: string };

/**
 * Reads circuits/instances.json (the circuit manifest, after MACI's circuit manifests).
 * @throws Error naming the instance and field when the manifest is invalid or the name is unknown.
 */
export function loadInstance(name: string, manifestPath = join(REPO_ROOT, "circuits/instances.json")): CircuitInstance {
  const raw = JSON.parse(readFileSync(manifestPath, "utf8")) as { instances?: Record<string, unknown> };
  const entry = raw.instances?.[name];
  if (entry === undefined) {
    throw new FieldError(`instance`, `unknown circuit instance "${name}" (known: ${Object.keys(raw.instances ?? {}).join(", ")})`);
  }
  const parsed = instanceSchema.safeParse(entry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`instances.${name}.${issue.path.join(".")}: ${issue.message}`);
  }
  return { ...parsed.data, name };
}

/** Source of the generated main component of an instance (public inputs of ClusterBatch, in circuit order). */
export function mainSource(inst: CircuitInstance, includePath: string): string {
  return [
    "pragma circom 2.1.0;",
    `// Generated from circuits/instances.json ("${inst.name}"); do not edit.`,
    `include "${includePath}";`,
    `component main {public [header, oldRootsCommitment, newRootsCommitment, pubdataCommitment, newRoots]} = ` +
      `ClusterBatch(${inst.members}, ${inst.depth}, ${inst.slots}, ${inst.deltaTicks});`,
    "",
  ].join("\n");
}
