import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { SparseMerkleTree } from "../../src/state/sparse-merkle-tree.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// MerkleLeafUpdate(D = 3) (circuits/lib/merkle.circom): when enabled, oldLeaf sits at index under oldRoot
// and newRoot is the root with newLeaf in its place; disabled, newRoot = oldRoot and the path is not
// checked; the index has D bits. Each rule: a valid witness passes the R1CS, an attack fails that rule.
const D = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 1_451;
let t: WitnessTester;
let tree: SparseMerkleTree;
let hash2: (l: bigint, r: bigint) => bigint;

/** The update of leaf `index` to `newLeaf` in `tree`, and the root after it. */
function update(index: bigint, newLeaf: bigint, enabled = 1n) {
  const after = new SparseMerkleTree(D, hash2);
  for (let i = 0n; i < 8n; i++) after.update(i, tree.leaf(i));
  after.update(index, newLeaf);
  const input = { enabled, oldRoot: tree.root, index, siblings: tree.siblings(index), oldLeaf: tree.leaf(index), newLeaf };
  return { input, root: after.root };
}

beforeAll(async () => {
  t = await templateTester("MerkleLeafUpdate", "lib/merkle.circom", "MerkleLeafUpdate", [D]);
  const poseidon = await getPoseidon();
  hash2 = (l, r) => poseidon([l, r]);
  tree = new SparseMerkleTree(D, hash2);
  [5n, 6n, 7n].forEach((v, i) => {
    tree.update(BigInt(i * 3), v);
  });
}, 300_000);

describe("MerkleLeafUpdate(3): valid updates pass the R1CS", () => {
  it.each([0n, 3n, 7n])("leaf %i replaced: newRoot is the tree's root after the update", async (index) => {
    const u = update(index, 99n);
    const w = await t.expectPass(circuitInput(u.input));
    expect(signalValue(t, w, "main.newRoot")).toBe(u.root);
  });

  it("disabled: newRoot = oldRoot, whatever the path", async () => {
    const u = update(3n, 99n, 0n);
    const w = await t.expectPass(circuitInput({ ...u.input, siblings: [1n, 2n, 3n], oldLeaf: 4n }));
    expect(signalValue(t, w, "main.newRoot")).toBe(tree.root);
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("MerkleLeafUpdate(3): each rule refuses its attack", () => {
  it("an old leaf that is not at the index (the Merkle check)", async () => {
    const u = update(3n, 99n);
    t.expectConstraintFail(await t.attackWitness(circuitInput({ ...u.input, oldLeaf: 66n })), /^main\.oldPath\.root$/);
  });

  it("a wrong sibling (the Merkle check)", async () => {
    const u = update(3n, 99n);
    const siblings = [...u.input.siblings];
    siblings[2] += 1n;
    t.expectConstraintFail(await t.attackWitness(circuitInput({ ...u.input, siblings })), /^main\.oldPath\.root$/);
  });

  it("an index of 2^D (outside the tree)", async () => {
    const u = update(0n, 99n);
    t.expectConstraintFail(await t.attackWitness(circuitInput({ ...u.input, index: 8n })), /^main\.indexBits\./);
  });

  it("an edited new root fails a constraint on it", async () => {
    const w = await t.expectPass(circuitInput(update(3n, 99n).input));
    t.expectConstraintFail(bumped(t, w, "main.newRoot"), exactly("main.newRoot"));
  });
});
