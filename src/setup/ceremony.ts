import { randomBytes } from "node:crypto";
import * as snarkjs from "snarkjs";
import type { PhaseProgress } from "../phases/phase.js";
import { writeViaTemp } from "../store/atomic-file.js";
import { snarkjsProgressLogger } from "./snarkjs-logger.js";

/**
 * Phase-2 steps of a Groth16 ceremony on snarkjs zkeys (the MPC of Bowe, Gabizon, Miers, "Scalable
 * Multi-party Computation for zk-SNARK Parameters in the Random Beacon Model", 2017, as snarkjs
 * implements it): a secret contribution, and the closing beacon.
 */

/** BLAKE2b-512 contribution hash (64 bytes) as 128 hex digits. */
const hex = (hash: Uint8Array) => Buffer.from(hash).toString("hex");

/**
 * Adds one secret contribution to a zkey: snarkjs `zKey.contribute(in, out, name, entropy)`, with
 * 64 bytes of OS entropy (node:crypto randomBytes; snarkjs mixes in 64 random bytes of its own and
 * derives the contribution key δ' from both). The entropy lives only in this process's memory: it
 * is never written, logged or returned, and its buffer is zeroed afterwards (its hex copy, a JS
 * string, is left to the garbage collector). Soundness of the final zkey needs only one contributor
 * whose entropy is gone. `out` is written through a temporary file.
 * @param name the contributor's name, stored in the zkey (snarkjs keeps its first 64 characters).
 * @returns the contribution hash (128 hex digits), which the contributor publishes.
 * @throws Error from snarkjs when `inZkey` is not a Groth16 zkey.
 */
export async function contributeZkey(inZkey: string, outZkey: string, name?: string, onProgress?: (p: PhaseProgress) => void): Promise<string> {
  const entropy = randomBytes(64);
  try {
    const hash = await writeViaTemp(outZkey, (tmp) => snarkjs.zKey.contribute(inZkey, tmp, name, entropy.toString("hex"), snarkjsProgressLogger(onProgress)));
    return hex(hash);
  } finally {
    entropy.fill(0);
  }
}

/**
 * Closes a phase 2 with a public random beacon: snarkjs `zKey.beacon(in, out, name, beaconHash, 10)`;
 * the key is derived from the beacon by 2^10 iterations of SHA-256 and a ChaCha stream (snarkjs
 * `rngFromBeaconParams`), so anyone can recompute and check it. A beacon adds no secrecy: its value
 * must be unknown when the last contribution is made (a future L1 block hash, announced in advance),
 * so that no contributor could choose their key knowing it.
 * @param beaconHashHex the beacon value, hex without 0x (1 to 255 bytes).
 * @returns the contribution hash of the beacon (128 hex digits).
 * @throws Error `beacon: ...` when snarkjs refuses the beacon value.
 */
export async function beaconZkey(
  inZkey: string,
  outZkey: string,
  name: string | undefined,
  beaconHashHex: string,
  onProgress?: (p: PhaseProgress) => void,
): Promise<string> {
  if (!/^([0-9a-f]{2}){1,255}$/i.test(beaconHashHex)) throw new Error(`beacon: must be 1 to 255 bytes of hex without 0x, got ${JSON.stringify(beaconHashHex)}`);
  const errors: string[] = [];
  const hash = await writeViaTemp(outZkey, async (tmp) => {
    const h = await snarkjs.zKey.beacon(
      inZkey,
      tmp,
      name,
      beaconHashHex,
      10,
      snarkjsProgressLogger(onProgress, (e) => errors.push(e)),
    );
    if (!(h instanceof Uint8Array)) throw new Error(`beacon: snarkjs refused it: ${errors.join("; ")}`);
    return h;
  });
  return hex(hash);
}
