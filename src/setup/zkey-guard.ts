import { readZkeyPhase2, type ZkeyContribution, type ZkeyPhase2 } from "./zkey-file.js";

/** Why a zkey was refused; the message starts with `zkey:` and says why. Callers test `instanceof` and read `kind`. */
export class ZkeyError extends Error {
  readonly field = "zkey";
  /**
   * @param kind `insecure`: phase 2 has no secret contribution; `invalid`: it does not verify against the
   *   circuit and ptau; `mismatch`: an installed zkey no longer fits the instance.
   */
  constructor(
    readonly kind: "insecure" | "invalid" | "mismatch",
    reason: string,
  ) {
    super(`zkey: ${reason}`);
    this.name = "ZkeyError";
  }
}

/** What the guard found in a zkey's phase 2 (carried by PreparedInstance.keys.phase2). */
export interface Phase2Check {
  contributions: Pick<ZkeyContribution, "index" | "name" | "type" | "hash">[];
  /**
   * True when phase 2 holds at least one contribution that is not a beacon (so δ is unknown to anyone who
   * did not keep that contribution's entropy). A file cannot show that the entropy was destroyed:
   * that is the 1-of-n trust of the ceremony.
   */
  secure: boolean;
  /** Why it is not secure (only when `secure` is false). */
  weakness?: string;
}

/** Label and text of the row a run summary shows for an insecure zkey in use (accepted with --insecure-dev-zkey). */
export const INSECURE_ZKEY_LABEL = "INSECURE DEV ZKEY";
export const INSECURE_ZKEY_TEXT = "phase 2 has no secret contribution; anyone can forge proofs";
/** The warning serve and prover log for an insecure zkey in use. */
export const INSECURE_ZKEY_WARNING = `${INSECURE_ZKEY_LABEL}: ${INSECURE_ZKEY_TEXT}`;

/**
 * Why a phase 2 lets anyone forge proofs, or undefined when it holds a secret contribution.
 * A Groth16 proof is sound only while δ's discrete log is unknown: with δ = γ (no contribution) it is 1,
 * and a beacon's key is derived from its public hash (snarkjs `zkey_beacon.js`: `rngFromBeaconParams`,
 * then `Fr.fromRng`), so a chain of beacons alone gives δ to everyone.
 */
export function phase2Weakness(p: ZkeyPhase2): string | undefined {
  if (p.contributions.length === 0 || p.deltaEqualsGamma) {
    return "phase 2 has no contribution (δ = γ): δ is known, anyone can forge proofs; run a ceremony (`cluster-settle ceremony`)";
  }
  if (p.contributions.every((c) => c.type === "beacon")) {
    return (
      `phase 2 holds only beacon contributions (${p.contributions.length}), whose keys follow from public data: ` +
      "anyone can recompute δ and forge proofs; it needs at least one secret contribution (`cluster-settle ceremony contribute`)"
    );
  }
  return undefined;
}

/**
 * The zkey guard: reads a zkey's phase 2 and refuses one that has no secret contribution (only beacons,
 * or δ = γ), before anything is proven or deployed with it. It checks structure, not validity: a zkey
 * is verified against its circuit and ptau by `setup --zkey` and `ceremony verify`.
 * @param zkeyPath a .zkey file.
 * @param o.allowInsecureDevZkey accept such a zkey (development only); the result then says `secure: false`.
 * @param o.label how errors name the file (default `zkeyPath`).
 * @throws ZkeyError (kind `insecure`, message `zkey: <path>: ...`) when phase 2 is insecure and not allowed;
 *   Error `zkey: <path>: ...` when the file cannot be read as a Groth16 zkey.
 */
export async function checkZkeyPhase2(zkeyPath: string, o: { allowInsecureDevZkey?: boolean; label?: string } = {}): Promise<Phase2Check> {
  const phase2 = await readZkeyPhase2(zkeyPath);
  const weakness = phase2Weakness(phase2);
  if (weakness && !o.allowInsecureDevZkey) {
    throw new ZkeyError("insecure", `${o.label ?? zkeyPath}: ${weakness} (for development only, run, serve and prover accept it with --insecure-dev-zkey)`);
  }
  const contributions = phase2.contributions.map(({ index, name, type, hash }) => ({ index, name, type, hash }));
  return weakness ? { contributions, secure: false, weakness } : { contributions, secure: true };
}
