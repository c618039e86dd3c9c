import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import * as snarkjs from "snarkjs";
import { REPO_ROOT, type CircuitInstance } from "../circuits/manifest.js";
import type { CompiledCircuit } from "../circuits/compile.js";
import type { PhaseProgress } from "../pipeline/phases.js";

/** Artifacts of a Groth16 set-up, beside the compiled circuit. */
export interface Groth16Keys {
  zkey: string;
  vkeyPath: string;
  verifierSol: string;
  vkey: Record<string, unknown>;
  cached: boolean;
}

function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Groth16 set-up of a compiled instance (Groth, "On the Size of Pairing-based Non-interactive
 * Arguments", EUROCRYPT 2016; snarkjs `zkey new` then a beacon as the phase-2 contribution), the
 * verification key, and the Solidity verifier exported by snarkjs from its own template (never
 * edited by hand). Cached by content hash of the r1cs and the ptau: a second run does nothing.
 *
 * The beacon makes the phase-2 contribution deterministic and public: development only, like the
 * bundled ptau files. Production runs a multi-party phase 2 on a ceremony ptau.
 * @param ptauPath powers-of-tau file prepared for phase 2; relative paths resolve from the repo root.
 * @param onProgress called with snarkjs' progress counts (constraints processed, points written, key applied).
 * @throws Error naming `ptau` when the file is missing.
 */
export async function setupGroth16(inst: CircuitInstance, circuit: CompiledCircuit, ptauPath = inst.ptau,
                                   onProgress?: (p: PhaseProgress) => void): Promise<Groth16Keys> {
  const ptau = isAbsolute(ptauPath) ? ptauPath : join(REPO_ROOT, ptauPath);
  if (!existsSync(ptau)) throw new Error(`ptau: file not found: ${ptau}`);
  const dir = circuit.dir;
  const out = { zkey: join(dir, "circuit_final.zkey"), vkeyPath: join(dir, "verification_key.json"), verifierSol: join(dir, "Groth16Verifier.sol") };
  const stamp = join(dir, "setup.sha256");
  const setupHash = createHash("sha256").update(fileSha256(circuit.r1cs)).update(fileSha256(ptau)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === setupHash && [out.zkey, out.vkeyPath, out.verifierSol].every(existsSync)) {
    return { ...out, vkey: JSON.parse(readFileSync(out.vkeyPath, "utf8")), cached: true };
  }
  const phase1 = join(dir, "circuit_0000.zkey");
  const logger = snarkjsProgressLogger(onProgress);
  await snarkjs.zKey.newZKey(circuit.r1cs, ptau, phase1, logger);
  const beaconHash = createHash("sha256").update(`cluster-settlement dev beacon:${setupHash}`).digest("hex");
  await snarkjs.zKey.beacon(phase1, `${out.zkey}.tmp`, "development beacon", beaconHash, 10, logger);
  renameSync(`${out.zkey}.tmp`, out.zkey);
  rmSync(phase1);
  const vkey = await snarkjs.zKey.exportVerificationKey(out.zkey);
  writeFileSync(out.vkeyPath, JSON.stringify(vkey, null, 2));
  const templatesDir = join(dirname(createRequire(import.meta.url).resolve("snarkjs")), "..", "templates");
  const templates = { groth16: readFileSync(join(templatesDir, "verifier_groth16.sol.ejs"), "utf8") };
  writeFileSync(out.verifierSol, await snarkjs.zKey.exportSolidityVerifier(out.zkey, templates));
  writeFileSync(stamp, setupHash);
  return { ...out, vkey, cached: false };
}

/**
 * A snarkjs logger that turns its progress messages ("processing constraints: 20000/63024",
 * "Applying key: L Section: 1024/65536") into counts; every other message is dropped.
 */
function snarkjsProgressLogger(onProgress?: (p: PhaseProgress) => void) {
  const progress = (message: unknown) => {
    const m = /^(.*?):?\s+(\d+)\/(\d+)$/.exec(String(message));
    if (m && onProgress) onProgress({ label: m[1].replace(/:$/, ""), done: Number(m[2]), total: Number(m[3]) });
  };
  return { debug: progress, info: progress, warn: () => {}, error: () => {} };
}
