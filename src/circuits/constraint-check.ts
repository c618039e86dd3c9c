import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { F1Field } from "ffjavascript";
import { readR1cs } from "r1csfile";
import { SCALAR_FIELD } from "../crypto/field.js";
import type { CompiledCircuit } from "./compile.js";

/** A linear combination of an R1CS constraint: wire index (decimal string) → coefficient. */
type LinearCombination = Record<string, bigint>;

/**
 * Computes the full witness of a compiled circuit (circom's WASM witness calculator through
 * circom_runtime). circom checks every `===` while computing, so an input that breaks a
 * constraint throws here ("Assert Failed ... in template T line L").
 * @returns the witness vector; index 0 is the constant 1, public signals follow.
 */
export async function calculateWitness(wasmPath: string, input: Record<string, unknown>): Promise<bigint[]> {
  const wc = await WitnessCalculatorBuilder(readFileSync(wasmPath));
  return wc.calculateWitness(input, true);
}

/**
 * Computes the witness an attacker would hand the prover for `input`: every signal computed as the
 * circuit's hints (`<--`, `<==`) compute it, but a failed `===` assertion is recorded instead of
 * stopping the calculation (circom's WASM calls the runtime's exceptionHandler with code 4 and goes on
 * when it returns). The R1CS check, not the generator, then judges the witness.
 * @returns the witness and the messages of the assertions that failed while computing it.
 * @throws Error for every other runtime error (unknown signal, wrong input size, out of memory).
 */
export async function attackWitness(wasmPath: string, input: Record<string, unknown>): Promise<{ witness: bigint[]; failedAsserts: string[] }> {
  const memory = new WebAssembly.Memory({ initial: 32767 });
  const failedAsserts: string[] = [];
  let pending = "";
  let instance: WebAssembly.Instance | undefined;
  const exports = () => instance!.exports as Record<string, () => number>;
  const message = () => {
    let m = "";
    for (let c = exports().getMessageChar(); c !== 0; c = exports().getMessageChar()) m += String.fromCharCode(c);
    return m;
  };
  instance = await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(readFileSync(wasmPath))), {
    env: { memory },
    runtime: {
      printDebug: () => {},
      showSharedRWMemory: () => {},
      printErrorMessage: () => {
        pending += `${message()}\n`;
      },
      writeBufferMessage: () => {
        message();
      },
      exceptionHandler: (code: number) => {
        if (code !== 4) throw new Error(`witness calculator error ${code}: ${pending}`);
        failedAsserts.push(pending.trim());
        pending = "";
      },
    },
  });
  const wc = await WitnessCalculatorBuilder(instance as unknown as Uint8Array);
  return { witness: await wc.calculateWitness(input, true), failedAsserts };
}

/**
 * Checks witnesses against the R1CS of one compiled circuit, independently of the witness calculator
 * (circomkit's WitnessTester verbs: expectPass, expectFail, editWitness, expectConstraintFail,
 * expectConstraintCount). Constraints ⟨A,w⟩·⟨B,w⟩ = ⟨C,w⟩ are evaluated over the BN254 scalar field
 * with plain bigints (ffjavascript F1Field); signal names come from circom's .sym file, so a test can
 * say *which* template's constraint an edited witness breaks.
 */
export class WitnessTester {
  private constructor(
    readonly circuit: CompiledCircuit,
    private readonly constraints: [LinearCombination, LinearCombination, LinearCombination][],
    private readonly names: Map<number, string[]>,
    private readonly indexByName: Map<string, number>,
  ) {}

  /** Reads the circuit's r1cs (all constraints) and .sym once. */
  static async load(circuit: CompiledCircuit): Promise<WitnessTester> {
    const r1cs = await readR1cs(circuit.r1cs, { loadConstraints: true, loadMap: false, F: new F1Field(SCALAR_FIELD) });
    const names = new Map<number, string[]>();
    const indexByName = new Map<string, number>();
    for (const line of readFileSync(circuit.sym, "utf8").split("\n")) {
      const [, varIdx, , name] = line.split(",");
      const idx = Number(varIdx);
      if (!name) continue;
      indexByName.set(name, idx);
      if (idx >= 0) names.set(idx, [...(names.get(idx) ?? []), name]);
    }
    return new WitnessTester(circuit, r1cs.constraints as never, names, indexByName);
  }

  /** Number of R1CS constraints. */
  get constraintCount(): number {
    return this.constraints.length;
  }

  /**
   * Asserts the constraint count (a pinned number: a change to the circuit shows up here).
   * @throws Error when it differs.
   */
  expectConstraintCount(expected: number): void {
    if (this.constraintCount !== expected) throw new Error(`constraints: expected ${expected}, the circuit has ${this.constraintCount}`);
  }

  /**
   * Computes the witness of a valid input and checks every constraint.
   * @returns the witness.
   * @throws Error when the generator refuses the input or a constraint is violated.
   */
  async expectPass(input: Record<string, unknown>): Promise<bigint[]> {
    const witness = await calculateWitness(this.circuit.wasm, input);
    const violated = this.violated(witness);
    if (violated.length > 0) throw new Error(`expected a valid witness; ${violated.length} constraints violated, first: ${this.describe(violated[0])}`);
    return witness;
  }

  /**
   * Asserts that the witness generator refuses `input` (circom's `===` assertions). This tests the
   * generator; pair it with expectConstraintFail on the attack witness to test the constraints.
   * @throws Error when the generator accepts it.
   */
  async expectFail(input: Record<string, unknown>): Promise<void> {
    try {
      await calculateWitness(this.circuit.wasm, input);
    } catch {
      return;
    }
    throw new Error("expected the witness generator to refuse the input; it accepted it");
  }

  /** The attack witness of `input` (see attackWitness): what a malicious prover computes. */
  async attackWitness(input: Record<string, unknown>): Promise<bigint[]> {
    return (await attackWitness(this.circuit.wasm, input)).witness;
  }

  /**
   * A copy of `witness` with the named signals set (e.g. `{"main.newRoots[1]": 5n}`); values are reduced mod r.
   * @throws Error naming the signal when it is unknown or was eliminated by the optimiser.
   */
  editWitness(witness: bigint[], edits: Record<string, bigint>): bigint[] {
    const out = [...witness];
    for (const [name, value] of Object.entries(edits)) out[this.signalIndex(name)] = ((value % SCALAR_FIELD) + SCALAR_FIELD) % SCALAR_FIELD;
    return out;
  }

  /**
   * Asserts that `witness` violates at least one constraint and, when `where` is given, that one of the
   * violated constraints involves a signal whose name matches it (so the test fails for the right reason).
   * @returns the indices of the violated constraints.
   * @throws Error when every constraint holds, or none of the violated ones touches a matching signal.
   */
  expectConstraintFail(witness: bigint[], where?: RegExp): number[] {
    const violated = this.violated(witness);
    if (violated.length === 0) throw new Error("expected a violated constraint; every constraint holds");
    if (where && !violated.some((i) => this.signalsOf(i).some((n) => where.test(n)))) {
      throw new Error(
        `expected a violated constraint on a signal matching ${where}; violated: ${violated
          .slice(0, 3)
          .map((i) => this.describe(i))
          .join("; ")}`,
      );
    }
    return violated;
  }

  /** Indices of every constraint the witness violates. */
  violated(witness: bigint[]): number[] {
    const r = SCALAR_FIELD;
    const evalLc = (lc: LinearCombination) => {
      let acc = 0n;
      for (const idx in lc) acc += lc[idx] * witness[Number(idx)];
      return acc % r;
    };
    const out: number[] = [];
    this.constraints.forEach(([a, b, c], i) => {
      if ((evalLc(a) * evalLc(b) - evalLc(c)) % r !== 0n) out.push(i);
    });
    return out;
  }

  /**
   * Witness index of a named signal (circom .sym: labelIdx,varIdx,componentIdx,name).
   * @throws Error when the signal is unknown or was optimised away (varIdx -1) by --O2.
   */
  signalIndex(name: string): number {
    const idx = this.indexByName.get(name);
    if (idx === undefined) throw new Error(`signal ${name}: not in ${this.circuit.sym}`);
    if (idx < 0) throw new Error(`signal ${name}: eliminated by the optimiser (no witness slot)`);
    return idx;
  }

  /** Names of every signal a constraint involves (all labels of each wire). */
  signalsOf(constraint: number): string[] {
    const [a, b, c] = this.constraints[constraint];
    const wires = new Set([...Object.keys(a), ...Object.keys(b), ...Object.keys(c)].map(Number));
    return [...wires].flatMap((w) => this.names.get(w) ?? []);
  }

  private describe(constraint: number): string {
    return `#${constraint} on ${this.signalsOf(constraint).slice(0, 4).join(", ")}`;
  }
}
