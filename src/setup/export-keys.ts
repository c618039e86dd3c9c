import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { writeFileAtomic } from "../store/atomic-file.js";

/** Paths of an instance's Groth16 artifacts in its build folder. */
export interface Groth16Paths {
  zkey: string;
  vkeyPath: string;
  verifierSol: string;
}

/** The Groth16 artifact paths in build folder `dir`: circuit_final.zkey, verification_key.json, Groth16Verifier.sol. */
export function groth16Paths(dir: string): Groth16Paths {
  return { zkey: join(dir, "circuit_final.zkey"), vkeyPath: join(dir, "verification_key.json"), verifierSol: join(dir, "Groth16Verifier.sol") };
}

/**
 * Exports the verification key and the Solidity verifier of `paths.zkey` with snarkjs
 * (`zKey.exportVerificationKey`; `zKey.exportSolidityVerifier` from snarkjs' own template in its
 * package folder templates/, never edited by hand), each written atomically.
 * @returns the verification key (snarkjs JSON: protocol, curve, nPublic, vk_alpha_1, ..., IC).
 */
export async function exportGroth16Keys(paths: Groth16Paths): Promise<Record<string, unknown>> {
  const vkey = await snarkjs.zKey.exportVerificationKey(paths.zkey);
  writeFileAtomic(paths.vkeyPath, JSON.stringify(vkey, null, 2));
  const templatesDir = join(dirname(createRequire(import.meta.url).resolve("snarkjs")), "..", "templates");
  const templates = { groth16: readFileSync(join(templatesDir, "verifier_groth16.sol.ejs"), "utf8") };
  writeFileAtomic(paths.verifierSol, await snarkjs.zKey.exportSolidityVerifier(paths.zkey, templates));
  return vkey;
}
