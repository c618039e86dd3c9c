import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { SparseMerkleTree } from "../../src/state/sparse-merkle-tree.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// MerkleRoot(D = 3) (circuits/lib/merkle.circom): the root of a depth-D Poseidon tree from a leaf, its
// path bits and its siblings (leaf level first), as src/state/sparse-merkle-tree.ts. A valid witness
// passes the R1CS; an edited root or node fails it.
const D = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 723;
let t: WitnessTester;
let tree: SparseMerkleTree;
let hash2: (l: bigint, r: bigint) => bigint;
const bits = (index: number) => Array.from({ length: D }, (_, i) => BigInt((index >> i) & 1));
const input = (index: number) => circuitInput({ leaf: tree.leaf(BigInt(index)), pathBits: bits(index), siblings: tree.siblings(BigInt(index)) });

beforeAll(async () => {
  t = await templateTester("MerkleRoot", "lib/merkle.circom", "MerkleRoot", [D]);
  const poseidon = await getPoseidon();
  hash2 = (l, r) => poseidon([l, r]);
  tree = new SparseMerkleTree(D, hash2);
  [5n, 6n, 7n, 8n].forEach((v, i) => {
    tree.update(BigInt(i * 2 + 1), v);
  });
}, 300_000);

describe("MerkleRoot(3): the root of a leaf and its path", () => {
  it.each([0, 1, 5, 7])("leaf %i gives the tree's root", async (index) => {
    const w = await t.expectPass(input(index));
    expect(signalValue(t, w, "main.root")).toBe(tree.root);
  });

  it("a wrong sibling gives another root (the same as rootFromPath's)", async () => {
    const i = input(5) as { leaf: string; pathBits: string[]; siblings: string[] };
    i.siblings[1] = "12345";
    const w = await t.expectPass(i);
    expect(signalValue(t, w, "main.root")).toBe(SparseMerkleTree.rootFromPath(tree.leaf(5n), 5n, i.siblings.map(BigInt), hash2));
    expect(signalValue(t, w, "main.root")).not.toBe(tree.root);
  });

  it("an edited root fails a constraint on it", async () => {
    const w = await t.expectPass(input(5));
    t.expectConstraintFail(bumped(t, w, "main.root"), exactly("main.root"));
  });

  it("an edited left input of a level fails a constraint on it", async () => {
    const w = await t.expectPass(input(5));
    t.expectConstraintFail(bumped(t, w, "main.left[1]"), exactly("main.left[1]"));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
