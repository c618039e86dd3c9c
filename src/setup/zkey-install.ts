import { copyFileSync, existsSync, rmSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { CircuitInstance } from "../circuits/manifest.js";
import type { CompiledCircuit } from "../circuits/compile.js";
import type { PhaseProgress } from "../phases/phase.js";
import { moveIntoPlace, removeStaleTemps, tempPathFor } from "../store/atomic-file.js";
import { exportGroth16Keys, groth16Paths } from "./export-keys.js";
import { stampOf, type Groth16Artifacts } from "./groth16-setup.js";
import { phase2Inputs } from "./phase2-init.js";
import { withInstanceLock } from "./setup-lock.js";
import { writeSetupStamp } from "./setup-stamp.js";
import { checkZkeyPhase2, ZkeyError } from "./zkey-guard.js";
import { verifyZkey } from "./zkey-verify.js";

/**
 * Installs a ceremony's final zkey as an instance's zkey (`setup --zkey`): copies it into the build
 * folder under a temporary name and refuses the copy unless the guard finds a secret contribution
 * (checkZkeyPhase2, a few kB read) and it verifies against the instance's r1cs and the ptau
 * (verifyZkey: every contribution, δ, and the key sections); then moves it to
 * build/circuits/<name>/circuit_final.zkey, exports the verification key and the Solidity
 * verifier from it as the development set-up does, and stamps the folder `installed` (setup.json),
 * so a later plain set-up keeps it (see setupGroth16 for the rule). Nothing in the build folder
 * changes when it is refused. Holds the instance's set-up lock.
 * @param zkeyFile the ceremony's final zkey.
 * @param ptauPath the ceremony's powers-of-tau file (default: the instance's bundled development file).
 * @throws Error `zkey: <file>: not found`; ZkeyError `insecure` (only beacons, or δ = γ) or `invalid`
 *   (does not verify, with snarkjs' reasons); Error `ptau: ...` when the ptau is missing or unusable.
 */
export async function installZkey(
  inst: CircuitInstance,
  circuit: CompiledCircuit,
  zkeyFile: string,
  ptauPath?: string,
  onProgress?: (p: PhaseProgress) => void,
): Promise<Groth16Artifacts> {
  const source = resolve(zkeyFile);
  if (!existsSync(source) || !statSync(source).isFile()) throw new Error(`zkey: ${zkeyFile}: not found`);
  const inputs = phase2Inputs(inst, circuit, ptauPath);
  return withInstanceLock(inst.name, async () => {
    const paths = groth16Paths(circuit.dir);
    removeStaleTemps(paths.zkey);
    const copy = tempPathFor(paths.zkey); // checked as copied: a later change to `source` cannot slip in
    try {
      copyFileSync(source, copy);
      await checkZkeyPhase2(copy, { label: zkeyFile });
      const check = await verifyZkey(inputs, copy, onProgress);
      if (!check.valid) {
        throw new ZkeyError(
          "invalid",
          `${zkeyFile} does not verify against instance "${inst.name}" (r1cs ${circuit.r1cs}) and ${inputs.ptau}: ${check.reasons.join("; ")}`,
        );
      }
      moveIntoPlace(copy, paths.zkey);
    } finally {
      rmSync(copy, { force: true });
    }
    const vkey = await exportGroth16Keys(paths);
    writeSetupStamp(circuit.dir, stampOf("installed", inputs, paths, { installedFrom: source, installedAt: new Date().toISOString() }));
    return { ...paths, vkey, cached: false, source: "installed" };
  });
}
