import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CircuitInstance } from "../circuits/manifest.js";
import type { CompiledCircuit } from "../circuits/compile.js";
import type { PhaseProgress } from "../phases/phase.js";
import { removeStaleTemps, writeViaTemp } from "../store/atomic-file.js";
import { beaconZkey, contributeZkey } from "./ceremony.js";
import { exportGroth16Keys, groth16Paths, type Groth16Paths } from "./export-keys.js";
import { phase2InitZkey, phase2Inputs, type Phase2Inputs } from "./phase2-init.js";
import { withInstanceLock } from "./setup-lock.js";
import { artifactsMatch, fileSha256, readSetupStamp, STAMP_FILE, writeSetupStamp, type SetupStamp } from "./setup-stamp.js";
import { ZkeyError, type Phase2Check } from "./zkey-guard.js";

/** Artifacts of a Groth16 set-up, beside the compiled circuit, with what the zkey guard found. */
export interface Groth16Keys extends Groth16Paths {
  vkey: Record<string, unknown>;
  /** True when the set-up was found done (nothing was computed). */
  cached: boolean;
  /** `dev`: made on this machine by setupGroth16; `installed`: a ceremony's zkey installed with `setup --zkey`. */
  source: "dev" | "installed";
  /** The guard's reading of the zkey's phase 2 (checkZkeyPhase2). */
  phase2: Phase2Check;
}

/** A set-up before the guard has read it. */
export type Groth16Artifacts = Omit<Groth16Keys, "phase2">;

/**
 * The development Groth16 set-up of a compiled instance (Groth, "On the Size of Pairing-based
 * Non-interactive Arguments", EUROCRYPT 2016): snarkjs `zkey new` (phase2InitZkey), one secret
 * contribution with 64 bytes of OS entropy (node:crypto randomBytes, kept only in memory and never
 * written or logged), then a public beacon; the verification key, and the Solidity verifier exported
 * by snarkjs from its own template (never edited by hand). So nobody, this machine included once the
 * process ends, knows δ; but nobody else can check that either: it is a one-party phase 2 on a
 * one-party development ptau. Production runs a ceremony (`cluster-settle ceremony`) and installs
 * its zkey (`setup --zkey`, installZkey). The set-up is not deterministic: remote provers copy the zkey.
 *
 * Cached by the stamp build/circuits/<name>/setup.json (setup-stamp.ts): a second run does nothing
 * when the r1cs and ptau are those of the stamp and every artifact has its recorded hash. An older
 * stamp (setup.sha256 of the beacon-only set-up) is not read, so such a zkey is redone.
 * An installed ceremony zkey is never replaced silently: it stays in use while the r1cs is the one it
 * was verified against (and an explicit `ptauPath`, if given, is the ptau it was verified with);
 * otherwise this throws, and the operator installs a new zkey or deletes setup.json to go back to a
 * development set-up. One process sets up an instance at a time (withInstanceLock); the others wait
 * and find the cache.
 * @param ptauPath powers-of-tau file prepared for phase 2 (default: the instance's bundled development file);
 *   relative paths resolve from the repo root.
 * @param onProgress called with snarkjs' progress counts (constraints processed, points written, key applied).
 * @throws Error naming `ptau` when the file is missing; ZkeyError (kind `mismatch`) when an installed zkey
 *   no longer fits the instance; Error `lock: ...` when another process holds the set-up for hours.
 */
export async function setupGroth16(
  inst: CircuitInstance,
  circuit: CompiledCircuit,
  ptauPath?: string,
  onProgress?: (p: PhaseProgress) => void,
): Promise<Groth16Artifacts> {
  const inputs = phase2Inputs(inst, circuit, ptauPath);
  return withInstanceLock(inst.name, async () => {
    const paths = groth16Paths(circuit.dir);
    const stamp = readSetupStamp(circuit.dir);
    if (stamp?.source === "installed") return keepInstalled(inst, circuit.dir, stamp, inputs, ptauPath !== undefined);
    if (stamp?.source === "dev" && stamp.r1csSha256 === inputs.r1csSha256 && stamp.ptauSha256 === inputs.ptauSha256 && artifactsMatch(stamp, paths)) {
      return { ...paths, vkey: readVkey(paths), cached: true, source: "dev" };
    }
    removeStaleTemps(paths.zkey);
    const init = await phase2InitZkey(inputs, onProgress);
    await writeViaTemp(paths.zkey, async (zkey) => {
      const contributed = `${zkey}.contributed`;
      try {
        await contributeZkey(init, contributed, "development contribution (OS entropy, discarded)", onProgress);
        const beacon = createHash("sha256").update(`cluster-settlement dev beacon:${inputs.r1csSha256}:${inputs.ptauSha256}`).digest("hex");
        await beaconZkey(contributed, zkey, "development beacon", beacon, onProgress);
      } finally {
        rmSync(contributed, { force: true });
      }
    });
    const vkey = await exportGroth16Keys(paths);
    writeSetupStamp(circuit.dir, stampOf("dev", inputs, paths));
    rmSync(join(circuit.dir, "setup.sha256"), { force: true }); // the stamp of the old beacon-only set-up
    return { ...paths, vkey, cached: false, source: "dev" };
  });
}

/** The stamp of a finished set-up whose artifacts are at `paths`. */
export function stampOf(
  source: SetupStamp["source"],
  inputs: Phase2Inputs,
  paths: Groth16Paths,
  extra: Pick<SetupStamp, "installedFrom" | "installedAt"> = {},
): SetupStamp {
  return {
    version: 2,
    source,
    r1csSha256: inputs.r1csSha256,
    ptauSha256: inputs.ptauSha256,
    zkeySha256: fileSha256(paths.zkey),
    vkeySha256: fileSha256(paths.vkeyPath),
    verifierSha256: fileSha256(paths.verifierSol),
    ...extra,
  };
}

/** An installed zkey, kept when it still fits; otherwise a ZkeyError that says what changed and what to do. */
function keepInstalled(inst: CircuitInstance, dir: string, stamp: SetupStamp, inputs: Phase2Inputs, ptauGiven: boolean): Groth16Artifacts {
  const paths = groth16Paths(dir);
  const from = `the ceremony zkey installed for instance "${inst.name}" (from ${stamp.installedFrom ?? "?"} at ${stamp.installedAt ?? "?"})`;
  const remedy = `install a new one with \`cluster-settle setup --instance ${inst.name} --zkey FILE\`, or delete ${join(dir, STAMP_FILE)} to go back to a development set-up`;
  if (stamp.r1csSha256 !== inputs.r1csSha256)
    throw new ZkeyError("mismatch", `${from} was verified against another r1cs (the circuit changed since): ${remedy}`);
  if (ptauGiven && stamp.ptauSha256 !== inputs.ptauSha256)
    throw new ZkeyError("mismatch", `${from} was verified against another ptau than ${inputs.ptau}: ${remedy}`);
  if (!artifactsMatch(stamp, paths)) throw new ZkeyError("mismatch", `${from}: its files in ${dir} changed since it was installed: ${remedy}`);
  return { ...paths, vkey: readVkey(paths), cached: true, source: "installed" };
}

function readVkey(paths: Groth16Paths): Record<string, unknown> {
  return JSON.parse(readFileSync(paths.vkeyPath, "utf8"));
}
