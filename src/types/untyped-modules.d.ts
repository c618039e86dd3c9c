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
  export function readR1cs(fileName: string, loadConstraints?: boolean, loadMap?: boolean, singleThread?: boolean): Promise<{
    nConstraints: number;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    curve: { Fr: { e(v: bigint): unknown; mul(a: unknown, b: unknown): unknown; add(a: unknown, b: unknown): unknown; eq(a: unknown, b: unknown): boolean; zero: unknown }; terminate(): Promise<void> };
    constraints: [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>][];
  }>;
}
