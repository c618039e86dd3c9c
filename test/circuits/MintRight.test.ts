import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { ETH_TOKEN_ID, NATIVE_TOKEN_BASE, nativeTokenId, nativeTokenOwner } from "../../src/protocol/token.js";
import { circuitInput, exactly, templateTester } from "./template-tester.js";

// MintRight() (circuits/lib/operation.circom): who may MINT a cluster-native token. Token id
// NATIVE_TOKEN_BASE + 16 * minterIndex + ownerChain names the one chain that mints it and the leaf on it
// that signs its mints (nativeTokenId in src/protocol/token.ts): with isMint = 1 the minting chain must be
// the owner and the signing leaf the minter; with isMint = 0 nothing is asked. Each rule: a valid witness
// passes the R1CS, and an attack witness fails the template's one constraint.
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 1;
let t: WitnessTester;

type In = { isMint: bigint; srcChain: bigint; fromIndex: bigint; tokenId: bigint };
/** A MINT of the token of minter leaf 5 on chain 3, by that leaf on that chain, unless `over` says otherwise. */
const TOKEN = nativeTokenId(3, 5n);
const input = (over: Partial<In> = {}) => circuitInput({ isMint: 1n, srcChain: 3n, fromIndex: 5n, tokenId: TOKEN, ...over });
const RULE = ["main.isMint", "main.srcChain", "main.fromIndex", "main.tokenId"];

beforeAll(async () => {
  t = await templateTester("MintRight", "lib/operation.circom", "MintRight");
}, 300_000);

describe("MintRight: the owner chain's minter leaf mints; any operation that is not a MINT passes", () => {
  it("a MINT by the minter leaf on the owner chain", async () => {
    await t.expectPass(input());
    expect(TOKEN).toBe(NATIVE_TOKEN_BASE + 16n * 5n + 3n);
    expect(nativeTokenOwner(TOKEN)).toEqual({ chainId: 3, minterIndex: 5n });
  });

  it.each([
    ["ETH", { tokenId: ETH_TOKEN_ID }],
    ["another chain's native token", { srcChain: 1n }],
    ["a native token by another leaf", { fromIndex: 6n }],
  ])("isMint = 0: a TRANSFER or SEND of %s asks nothing of the token", async (_name, over) => {
    await t.expectPass(input({ isMint: 0n, ...over }));
  });

  it("the first and last native ids: chain 0's leaf 0, chain 15's leaf 2047", async () => {
    await t.expectPass(input({ srcChain: 0n, fromIndex: 0n, tokenId: NATIVE_TOKEN_BASE }));
    await t.expectPass(input({ srcChain: 15n, fromIndex: 2047n, tokenId: (1n << 16n) - 1n }));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("MintRight: each rule refuses its attack", () => {
  it.each([
    ["a mint on a non-owner chain (chain 2 mints chain 3's token)", { srcChain: 2n }],
    ["a mint by a leaf other than the minter (leaf 4 on the owner chain)", { fromIndex: 4n }],
    ["a mint of an L1-bridged token (ETH: only L1 mints it)", { tokenId: ETH_TOKEN_ID }],
    ["a mint of the neighbouring owner's token (id + 1: chain 4's leaf 5)", { tokenId: TOKEN + 1n }],
  ])("%s", async (_name, over) => {
    t.expectConstraintFail(await t.attackWitness(input(over)), exactly(...RULE));
  });
});

describe("nativeTokenId / nativeTokenOwner (src/protocol/token.ts)", () => {
  it("round-trip every owner chain, and refuse ids that are not cluster-native", () => {
    for (let c = 0; c < 16; c++) expect(nativeTokenOwner(nativeTokenId(c, 9n))).toEqual({ chainId: c, minterIndex: 9n });
    expect(nativeTokenOwner(ETH_TOKEN_ID)).toBeUndefined();
    expect(nativeTokenOwner(NATIVE_TOKEN_BASE - 1n)).toBeUndefined();
    expect(nativeTokenOwner(1n << 16n)).toBeUndefined();
    expect(() => nativeTokenId(16, 0n)).toThrow(/^ownerChain: /);
    expect(() => nativeTokenId(0, 2048n)).toThrow(/^minterIndex: /);
  });
});
