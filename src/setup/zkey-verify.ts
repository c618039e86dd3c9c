import * as snarkjs from "snarkjs";
import type { PhaseProgress } from "../phases/phase.js";
import { phase2InitZkey, type Phase2Inputs } from "./phase2-init.js";
import { snarkjsProgressLogger } from "./snarkjs-logger.js";

/** Outcome of verifying a zkey against its circuit and ptau. */
export interface ZkeyVerification {
  valid: boolean;
  /** snarkjs' reasons when it is not valid (e.g. "INVALID:  Invalid delta1", "L section does not match"). */
  reasons: string[];
}

/**
 * Verifies a zkey against the circuit's r1cs and the ptau: snarkjs `zKey.verifyFromInit` against the
 * locally computed initial zkey (phase2InitZkey), which is what `zKey.verifyFromR1cs` does in one
 * call. It checks every contribution's proof of knowledge and transcript chain, each beacon's key
 * against its public hash, that α, β, γ, IC and the A/B sections are the circuit's, and that δ, L and
 * H follow from the contributions (random linear combinations, one pairing each).
 * snarkjs prints some of its reasons with console.log; during the call those lines are captured
 * into `reasons`, so stdout stays clean.
 * @returns valid false with the reasons when it does not verify, or when snarkjs throws on a malformed file.
 * @throws Error `ptau: ...` when the initial zkey cannot be made from the ptau.
 */
export async function verifyZkey(inputs: Phase2Inputs, zkeyPath: string, onProgress?: (p: PhaseProgress) => void): Promise<ZkeyVerification> {
  const init = await phase2InitZkey(inputs, onProgress);
  const reasons: string[] = [];
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => {
    const line = args.map(String).join(" ");
    if (/^INVALID/.test(line)) reasons.push(line.trim());
    else consoleLog(...args);
  };
  try {
    const valid = await snarkjs.zKey.verifyFromInit(
      init,
      inputs.ptau,
      zkeyPath,
      snarkjsProgressLogger(onProgress, (e) => reasons.push(e.trim())),
    );
    return { valid: valid === true, reasons: valid === true ? [] : reasons.length ? reasons : ["snarkjs zkey verify returned false"] };
  } catch (e) {
    return { valid: false, reasons: [...reasons, `snarkjs could not read it: ${(e as Error).message}`] };
  } finally {
    console.log = consoleLog;
  }
}
