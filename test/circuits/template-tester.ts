import { readFileSync } from "node:fs";
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

/**
 * Every named signal of `tester`'s circuit that has a witness slot, with its index (circom .sym:
 * labelIdx,varIdx,componentIdx,name; a name with varIdx -1 is an alias the optimiser folded into another
 * wire, and is left out). For witnesses edited component-wide, and to find an anonymous component's name.
 */
export function namedSignals(tester: WitnessTester): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(tester.circuit.sym, "utf8").split("\n")) {
    const [, varIdx, , name] = line.split(",");
    if (name && Number(varIdx) >= 0) out.set(name, Number(varIdx));
  }
  return out;
}

/**
 * The one named signal (with a witness slot) whose name matches `pattern` and whose value in `witness` is
 * `value`: the canonical name of a wire an alias points to (e.g. the AccountLeaf output that is a
 * MemberLeafUpdate's newLeaf). @throws Error unless exactly one matches.
 */
export function signalNamed(tester: WitnessTester, witness: bigint[], pattern: RegExp, value: bigint): string {
  const hits = [...namedSignals(tester)].filter(([n, i]) => pattern.test(n) && witness[i] === value).map(([n]) => n);
  if (hits.length !== 1) throw new Error(`signals matching ${pattern} with value ${value}: expected one, found ${hits.length} (${hits.join(", ")})`);
  return hits[0];
}

/**
 * A valid witness edited so that the MemberLeafUpdate named `update` (e.g. "main.senderUpdate") leaves its
 * leaf as it was, consistently everywhere but at the leaf: its new Merkle path is its old one (every
 * `merkle.newPath.*` wire set to its `merkle.oldPath.*` twin), its new root is the old root, `roots` (the
 * update's rootsOut, by canonical name) are `rootsIn`, and `newLeaf` (the canonical name of its newLeaf wire)
 * holds the old leaf. What a prover hands in to keep a leaf that the lane must change: only the constraints
 * that compute the new leaf can then fail.
 */
export function leafKept(
  tester: WitnessTester,
  witness: bigint[],
  update: string,
  at: { newLeaf: string; oldLeaf: bigint; rootsOut: string[]; rootsIn: bigint[] },
): bigint[] {
  const names = namedSignals(tester);
  const edits: Record<string, bigint> = {};
  const newPath = `${update}.merkle.newPath.`;
  for (const [name] of names) {
    if (!name.startsWith(newPath)) continue;
    const twin = names.get(`${update}.merkle.oldPath.${name.slice(newPath.length)}`);
    if (twin !== undefined) edits[name] = witness[twin];
  }
  edits[`${update}.merkle.newRoot`] = witness[tester.signalIndex(`${update}.merkle.oldPath.root`)];
  at.rootsOut.forEach((name, i) => {
    edits[name] = at.rootsIn[i];
  });
  edits[at.newLeaf] = at.oldLeaf;
  return tester.editWitness(witness, edits);
}

/**
 * A valid witness edited so that the one PairChainAppend(N) of the circuit appends, although its `enabled`
 * is 0: its selectors set for the pair (src, dst), the pair's chain value set to Poseidon(accIn, msgHash) (its
 * `next`, unchanged when accIn[src][dst] is 0, as here: the caller passes a table of zeros), the other entries
 * kept. `accOut` names the circuit's output table (e.g. "main.outboxOut"). What a prover hands in to append a
 * message that the lane must not append: only the constraints that gate the append can then fail.
 */
export function appendedAnyway(tester: WitnessTester, witness: bigint[], n: number, src: number, dst: number, accOut: string): bigint[] {
  const names = namedSignals(tester);
  const appends = [...names.keys()].filter((k) => /^main\.PairChainAppend_\d+_\d+\.next$/.test(k));
  if (appends.length !== 1) throw new Error(`expected one PairChainAppend in the circuit, found ${appends.length}`);
  const prefix = appends[0].replace(/\.next$/, "");
  const next = witness[names.get(`${prefix}.next`)!];
  const edits: Record<string, bigint> = {};
  const set = (name: string, v: bigint) => {
    if (names.has(name)) edits[name] = v;
  };
  for (let i = 0; i < n; i++) {
    set(`${prefix}.rowSel[${i}]`, i === src ? 1n : 0n);
    for (let j = 0; j < n; j++) {
      set(`${prefix}.pairSel[${i}][${j}]`, i === src && j === dst ? 1n : 0n);
      if (i === src && j === dst) set(`${accOut}[${i}][${j}]`, next);
    }
  }
  return tester.editWitness(witness, edits);
}
