/**
 * Piscina worker: checks EdDSA-Poseidon signatures of signed operations (circomlibjs verifyPoseidon,
 * ~20 ms each on the reference machine), off the service's event loop. Used by SignaturePool.
 */
import { EddsaSigner } from "../src/crypto/eddsa.js";
import { getPoseidon } from "../src/crypto/poseidon.js";
import { operationDigest } from "../src/protocol/operation.js";
import { parseOperation } from "../src/workload/operation-codec.js";

/** One signature to check: the operation as the API received it (parsed JSON) and the sender's public key (decimal strings). */
export interface SignatureCheck {
  operation: unknown;
  ax: string;
  ay: string;
}

/** @returns for each check, whether the signature is the sender's over the operation digest (false when the operation does not parse). */
export default async function verifySignatures(checks: SignatureCheck[]): Promise<boolean[]> {
  const [signer, poseidon] = await Promise.all([EddsaSigner.create(), getPoseidon()]);
  return checks.map((c) => {
    const op = parseOperation(c.operation);
    if ("reason" in op) return false;
    return signer.verify(operationDigest(poseidon, op), op.signature, BigInt(c.ax), BigInt(c.ay));
  });
}
