import { compileTestMain } from "../../src/circuits/compile.js";
import { WitnessTester } from "../../src/circuits/constraint-check.js";
import { SCALAR_FIELD } from "../../src/crypto/field.js";

/**
 * The WitnessTester of one template's test main (compileTestMain: build/circuits/test-mains/<name>/,
 * cached by content hash). The template's signals are named `main.<signal>` in it.
 */
export async function templateTester(name: string, includeFile: string, template: string, params: number[] = []): Promise<WitnessTester> {
  return WitnessTester.load(await compileTestMain(name, includeFile, template, params));
}

/** Value of a named signal in a witness of `tester`'s circuit. */
export function signalValue(tester: WitnessTester, witness: bigint[], name: string): bigint {
  return witness[tester.signalIndex(name)];
}

/** A witness with one named signal moved off its value (+1 mod r): what a prover who lies about it hands in. */
export function bumped(tester: WitnessTester, witness: bigint[], name: string): bigint[] {
  return tester.editWitness(witness, { [name]: signalValue(tester, witness, name) + 1n });
}

/** A field element for a negative integer (x mod r), as a prover hands in "-x". */
export const neg = (x: bigint): bigint => SCALAR_FIELD - x;

/** Circuit input as the witness calculator takes it: bigints (also nested in arrays) as decimal strings. */
export function circuitInput(input: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(input, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/** Escapes a signal name for a RegExp (`main.out[1]` -> `main\.out\[1\]`). */
export const escaped = (name: string): string => name.replace(/[.[\]]/g, "\\$&");

/** A RegExp that matches exactly the named signals. */
export const exactly = (...names: string[]): RegExp => new RegExp(`^(${names.map(escaped).join("|")})$`);
