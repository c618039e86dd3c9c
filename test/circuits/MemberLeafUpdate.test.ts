import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { SparseMerkleTree } from "../../src/state/sparse-merkle-tree.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// MemberLeafUpdate(N = 3, D = 3) (circuits/lib/member.circom): one leaf replaced in the tree of member
// chainId (RootSelector picks its root, MerkleLeafUpdate replaces the leaf); rootsOut is rootsIn with that
// member's root updated and every other root unchanged; disabled, rootsOut = rootsIn. Each rule: a valid
// witness passes the R1CS, an attack or an edited witness fails a constraint of that rule.
const N = 3;
const D = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 1_464;
let t: WitnessTester;
let trees: SparseMerkleTree[];

/** Leaf `index` of member `chainId` replaced by `newLeaf`: the input and the roots after it. */
function update(chainId: number, index: bigint, newLeaf: bigint, enabled = 1n) {
  const tree = trees[chainId];
  const input = {
    enabled,
    chainId: BigInt(chainId),
    rootsIn: trees.map((x) => x.root),
    index,
    siblings: tree.siblings(index),
    oldLeaf: tree.leaf(index),
    newLeaf,
  };
  const old = tree.leaf(index);
  tree.update(index, newLeaf);
  const rootsOut = trees.map((x) => x.root);
  tree.update(index, old);
  return { input, rootsOut };
}
const rootsOut = (w: bigint[]) => Array.from({ length: N }, (_, i) => signalValue(t, w, `main.rootsOut[${i}]`));

beforeAll(async () => {
  t = await templateTester("MemberLeafUpdate", "lib/member.circom", "MemberLeafUpdate", [N, D]);
  const poseidon = await getPoseidon();
  trees = Array.from({ length: N }, (_, c) => {
    const tree = new SparseMerkleTree(D, (l, r) => poseidon([l, r]));
    tree.update(1n, BigInt(100 + c));
    tree.update(4n, BigInt(200 + c));
    return tree;
  });
}, 300_000);

describe("MemberLeafUpdate(3, 3): valid updates pass the R1CS", () => {
  it.each([0, 1, 2])("a leaf of member %i: its root is updated, the others unchanged", async (chainId) => {
    const u = update(chainId, 4n, 999n);
    const w = await t.expectPass(circuitInput(u.input));
    expect(rootsOut(w)).toEqual(u.rootsOut);
    expect(signalValue(t, w, `main.select[${chainId}]`)).toBe(1n);
  });

  it("disabled: every root unchanged, whatever the path", async () => {
    const u = update(1, 4n, 999n, 0n);
    const w = await t.expectPass(circuitInput({ ...u.input, oldLeaf: 5n }));
    expect(rootsOut(w)).toEqual(u.input.rootsIn);
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("MemberLeafUpdate(3, 3): each rule refuses its attack", () => {
  it("a leaf proven against another member's root (chainId 0, the path of member 1's tree)", async () => {
    const u = update(1, 4n, 999n);
    t.expectConstraintFail(await t.attackWitness(circuitInput({ ...u.input, chainId: 0n })), /^main\.merkle\.oldPath\.root$/);
  });

  it("an unknown member (chainId N) selects nothing and fails the one-hot", async () => {
    const u = update(1, 4n, 999n);
    t.expectConstraintFail(await t.attackWitness(circuitInput({ ...u.input, chainId: BigInt(N) })), /^main\.select\[\d\]$/);
  });

  it.each([
    [1, 1],
    [1, 0],
    [1, 2],
  ])("an edited root after the update of member %i (rootsOut[%i]) fails a constraint on it", async (chainId, i) => {
    const w = await t.expectPass(circuitInput(update(chainId, 4n, 999n).input));
    t.expectConstraintFail(bumped(t, w, `main.rootsOut[${i}]`), exactly(`main.rootsOut[${i}]`));
  });
});
