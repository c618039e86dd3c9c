import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { accountFields, accountLeaf, type Account } from "../../src/state/account.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// AccountLeaf() (circuits/lib/account.circom): out = Poseidon(ax, ay, tokenId, balance, nonce), the leaf
// hash of both lanes before and after their update. Valid witnesses pass the R1CS; an edited one fails it.
/** Constraints of the test main, pinned: a change to the template shows up here. Poseidon(5). */
const CONSTRAINTS = 321;
let t: WitnessTester;
let poseidon: (x: bigint[]) => bigint;
const account: Account = { ax: 11n, ay: 22n, tokenId: 3n, balance: 1000n, nonce: 4n };
const input = (a: Account) => circuitInput({ fields: accountFields(a) });

beforeAll(async () => {
  t = await templateTester("AccountLeaf", "lib/account.circom", "AccountLeaf");
  poseidon = await getPoseidon();
}, 300_000);

describe("AccountLeaf: out is the leaf hash of src/state/account.ts", () => {
  it("a leaf passes, and its hash is accountLeaf's", async () => {
    const w = await t.expectPass(input(account));
    expect(signalValue(t, w, "main.out")).toBe(accountLeaf(poseidon, account));
  });

  it.each(["ax", "ay", "tokenId", "balance", "nonce"] as const)("%s is hashed in its LEAF_* place", async (field) => {
    const changed = { ...account, [field]: account[field] + 1n };
    const w = await t.expectPass(input(changed));
    expect(signalValue(t, w, "main.out")).toBe(accountLeaf(poseidon, changed));
  });

  it("an edited leaf hash fails a constraint on it", async () => {
    const w = await t.expectPass(input(account));
    t.expectConstraintFail(bumped(t, w, "main.out"), exactly("main.out"));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
