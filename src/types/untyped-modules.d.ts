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
  export function buildEddsa(): Promise<Eddsa>;
}
declare module "circom_runtime" {
  export interface WitnessCalculator {
    calculateWitness(input: Record<string, unknown>, sanityCheck?: boolean): Promise<bigint[]>;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: Record<string, unknown>): Promise<WitnessCalculator>;
}
declare module "r1csfile" {
  export function readR1cs(fileName: string, loadConstraints?: boolean | Record<string, unknown>, loadMap?: boolean, singleThread?: boolean): Promise<{
    nConstraints: number;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    curve: { Fr: { e(v: bigint): unknown; mul(a: unknown, b: unknown): unknown; add(a: unknown, b: unknown): unknown; eq(a: unknown, b: unknown): boolean; zero: unknown }; terminate(): Promise<void> };
    constraints: [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>][];
  }>;
}
declare module "snarkjs" {
  export interface Groth16Proof { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string }
  type Logger = { info(...a: unknown[]): void; debug(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void } | undefined;
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    beacon(oldZkey: string, newZkey: string, name: string, beaconHash: string, numIterationsExp: number, logger?: Logger): Promise<unknown>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkey: string, templates: Record<string, string>, logger?: Logger): Promise<string>;
  };
  export const wtns: {
    calculate(input: Record<string, unknown>, wasm: string, wtns: { type: "mem"; data?: Uint8Array }, options?: unknown): Promise<void>;
  };
  export const groth16: {
    prove(zkey: string | { type: "mem"; data: Uint8Array }, wtns: { type: "mem"; data?: Uint8Array } | string, logger?: Logger, options?: { singleThread?: boolean }): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    fullProve(input: Record<string, unknown>, wasm: string, zkey: string, logger?: Logger, wtnsCalcOptions?: unknown, proverOptions?: { singleThread?: boolean }): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: Record<string, unknown>, publicSignals: string[], proof: Groth16Proof, logger?: Logger): Promise<boolean>;
  };
}
declare module "solc" {
  const solc: { compile(input: string): string; version(): string };
  export default solc;
}
declare module "ffjavascript" {
  export class F1Field { constructor(p: bigint); }
  export function buildBn128(singleThread?: boolean): Promise<{ terminate(): Promise<void> }>;
}
