import { buildEddsa, type Eddsa } from "circomlibjs";
import type { Signature } from "../protocol/operation.js";

let instance: Promise<Eddsa> | undefined;

/** A Baby Jubjub key pair: 32-byte private key and public point (Ax, Ay). */
export interface KeyPair {
  privateKey: Uint8Array;
  ax: bigint;
  ay: bigint;
}

/**
 * EdDSA over Baby Jubjub with Poseidon (circomlibjs `eddsa`, verified in-circuit by circomlib's
 * EdDSAPoseidonVerifier; EIP-2494 curve).
 */
export class EddsaSigner {
  private constructor(private readonly eddsa: Eddsa) {}

  /** Loads the circomlibjs EdDSA instance (WASM field arithmetic; built once per process). */
  static async create(): Promise<EddsaSigner> {
    instance ??= buildEddsa();
    return new EddsaSigner(await instance);
  }

  /**
   * Derives the public key of a 32-byte private key.
   * @throws Error when privateKey is not 32 bytes.
   */
  keyPair(privateKey: Uint8Array): KeyPair {
    if (privateKey.length !== 32) throw new Error(`privateKey: expected 32 bytes, got ${privateKey.length}`);
    const [x, y] = this.eddsa.prv2pub(privateKey);
    return { privateKey, ax: this.eddsa.F.toObject(x), ay: this.eddsa.F.toObject(y) };
  }

  /** Signs a field element (the operation digest). */
  sign(privateKey: Uint8Array, digest: bigint): Signature {
    const sig = this.eddsa.signPoseidon(privateKey, this.eddsa.F.e(digest));
    return { R8x: this.eddsa.F.toObject(sig.R8[0]), R8y: this.eddsa.F.toObject(sig.R8[1]), S: sig.S };
  }

  /** Verifies a signature of `digest` under public key (ax, ay). Returns false on mismatch. */
  verify(digest: bigint, sig: Signature, ax: bigint, ay: bigint): boolean {
    const F = this.eddsa.F;
    return this.eddsa.verifyPoseidon(F.e(digest), { R8: [F.e(sig.R8x), F.e(sig.R8y)], S: sig.S }, [F.e(ax), F.e(ay)]);
  }
}
