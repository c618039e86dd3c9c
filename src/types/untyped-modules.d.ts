// Minimal typings for iden3 packages that ship none. Only the members this project uses.
declare module "circomlibjs" {
  export interface FieldLike {
    e(v: bigint | number | string): unknown;
    toObject(v: unknown): bigint;
  }
  export interface Poseidon {
    (inputs: (bigint | number)[]): unknown;
    F: FieldLike;
  }
  export interface Eddsa {
    F: FieldLike;
    prv2pub(prv: Uint8Array): [unknown, unknown];
    signPoseidon(prv: Uint8Array, msg: unknown): { R8: [unknown, unknown]; S: bigint };
    verifyPoseidon(msg: unknown, sig: { R8: [unknown, unknown]; S: bigint }, pub: [unknown, unknown]): boolean;
  }
  export function buildPoseidon(): Promise<Poseidon>;
  /** Poseidon as an EVM contract (circomlibjs poseidon_gencontract): `poseidon(uint256[n])`, 1 <= n <= 8. */
  export const poseidonContract: { createCode(nInputs: number): string; generateABI(nInputs: number): unknown[] };
  export function buildEddsa(): Promise<Eddsa>;
}
declare module "circom_runtime" {
  export interface WitnessCalculator {
    calculateWitness(input: Record<string, unknown>, sanityCheck?: boolean): Promise<bigint[]>;
    /** The witness as .wtns bytes (what snarkjs `wtns.calculate` writes). */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: Record<string, unknown>): Promise<WitnessCalculator>;
}
declare module "r1csfile" {
  export function readR1cs(
    fileName: string,
    loadConstraints?: boolean | Record<string, unknown>,
    loadMap?: boolean,
    singleThread?: boolean,
  ): Promise<{
    nConstraints: number;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    curve: {
      Fr: {
        e(v: bigint): unknown;
        mul(a: unknown, b: unknown): unknown;
        add(a: unknown, b: unknown): unknown;
        eq(a: unknown, b: unknown): boolean;
        zero: unknown;
      };
      terminate(): Promise<void>;
    };
    constraints: [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>][];
  }>;
}
declare module "snarkjs" {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  type Logger = { info(...a: unknown[]): void; debug(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void } | undefined;
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    /** Returns the contribution hash (64 bytes, BLAKE2b-512), or false after logging an invalid beacon hash. */
    beacon(
      oldZkey: string,
      newZkey: string,
      name: string | undefined,
      beaconHash: string,
      numIterationsExp: number,
      logger?: Logger,
    ): Promise<Uint8Array | false>;
    /** `entropy` is mixed with 64 random bytes of snarkjs' own; returns the contribution hash (64 bytes, BLAKE2b-512). */
    contribute(oldZkey: string, newZkey: string, name: string | undefined, entropy: string, logger?: Logger): Promise<Uint8Array>;
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
    verifyFromInit(initZkey: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkey: string, templates: Record<string, string>, logger?: Logger): Promise<string>;
  };
  export const wtns: {
    calculate(input: Record<string, unknown>, wasm: string, wtns: { type: "mem"; data?: Uint8Array }, options?: unknown): Promise<void>;
  };
  export const groth16: {
    prove(
      zkey: string | { type: "mem"; data: Uint8Array },
      wtns: { type: "mem"; data?: Uint8Array } | string,
      logger?: Logger,
      options?: { singleThread?: boolean },
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    fullProve(
      input: Record<string, unknown>,
      wasm: string,
      zkey: string,
      logger?: Logger,
      wtnsCalcOptions?: unknown,
      proverOptions?: { singleThread?: boolean },
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: Record<string, unknown>, publicSignals: string[], proof: Groth16Proof, logger?: Logger): Promise<boolean>;
  };
}
declare module "solc" {
  const solc: {
    /** Standard-JSON compile; `callbacks.import` resolves an import path solc cannot find among the sources. */
    compile(input: string, callbacks?: { import(path: string): { contents: string } | { error: string } }): string;
    version(): string;
  };
  export default solc;
}
declare module "ffjavascript" {
  export class F1Field {
    constructor(p: bigint);
  }
  /** ChaCha20 stream (ffjavascript src/chacha.js), seeded with 8 u32 words. */
  export class ChaCha {
    constructor(seed: number[]);
    nextU32(): number;
  }
  /** A field element or an affine/projective point in ffjavascript's wasm form (little-endian Montgomery bytes). */
  export type WasmValue = Uint8Array;
  export interface WasmField {
    n8: number;
    one: WasmValue;
    zero: WasmValue;
    e(v: bigint | number | string): WasmValue;
    add(a: WasmValue, b: WasmValue): WasmValue;
    mul(a: WasmValue, b: WasmValue): WasmValue;
    neg(a: WasmValue): WasmValue;
    inv(a: WasmValue): WasmValue;
    eq(a: WasmValue, b: WasmValue): boolean;
    fromRng(rng: ChaCha): WasmValue;
    toObject(a: WasmValue): bigint;
  }
  export interface WasmGroup {
    F: { n8: number };
    g: WasmValue;
    zero: WasmValue;
    add(a: WasmValue, b: WasmValue): WasmValue;
    neg(a: WasmValue): WasmValue;
    timesFr(p: WasmValue, k: WasmValue): WasmValue;
    toAffine(p: WasmValue): WasmValue;
    eq(a: WasmValue, b: WasmValue): boolean;
    fromRng(rng: ChaCha): WasmValue;
    fromObject(o: unknown): WasmValue;
    toObject(p: WasmValue): unknown[];
    /** Writes the affine point as uncompressed big-endian x ‖ y (what snarkjs hashes). */
    toRprUncompressed(buff: Uint8Array, offset: number, p: WasmValue): void;
  }
  /** The BN254 curve of ffjavascript (wasmcurves); the multi-threaded one is cached in globalThis.curve_bn128. */
  export interface Bn128 {
    G1: WasmGroup;
    G2: WasmGroup;
    Fr: WasmField;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<Bn128>;
  /** A curve by name ("bn128"): its scalar field order r and base field order q. */
  export function getCurveFromName(name: string, singleThread?: boolean): Promise<{ r: bigint; q: bigint; terminate(): Promise<void> }>;
}
