import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { operationDigest, type SignedOperation } from "../../src/protocol/operation.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// OperationDigest() (circuits/lib/operation.circom): what the sender signs, Poseidon(domain, opType,
// srcChain, dstChain, fromIndex, toIndex, tokenId, amount, nonce, dataHash) with opType 1 for a TRANSFER
// (dstChain == srcChain), 2 for a SEND, 4 for a WITHDRAW (isWithdraw = 1, dstChain == srcChain) and 6 for a
// MINT (isMint = 1, dstChain == srcChain): opType 2 - isTransfer + 3 * isWithdraw + 5 * isMint. A valid
// witness passes the R1CS and equals src/protocol/operation.ts; an edited digest, opType flag, isWithdraw or
// isMint fails it.
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 461;
const DOMAIN = 123_456_789n;
let t: WitnessTester;
let poseidon: (x: bigint[]) => bigint;

type Op = Omit<SignedOperation, "signature">;
const send: Op = { type: "SEND", chainId: 1, dstChain: 0, from: 2n, to: 3n, tokenId: 1n, amount: 30n, nonce: 4n, dataHash: 7n };
const transfer: Op = { ...send, type: "TRANSFER", dstChain: 1, dataHash: 0n };
/** A WITHDRAW of 30 from leaf 2 on chain 1 to an L1 address (a uint160). */
const withdraw: Op = { ...transfer, type: "WITHDRAW", to: 0xbeef_0000_0000_0000_0000_0000_0000_0000_0000_cafen };
/** A MINT of 30 of chain 1's native token by its minter leaf 2 to leaf 3. */
const mint: Op = { ...transfer, type: "MINT", tokenId: 32768n + 16n * 2n + 1n };
const input = (op: Op, domain = DOMAIN) =>
  circuitInput({
    domain,
    isWithdraw: op.type === "WITHDRAW" ? 1n : 0n,
    isMint: op.type === "MINT" ? 1n : 0n,
    srcChain: BigInt(op.chainId),
    dstChain: BigInt(op.dstChain),
    fromIndex: op.from,
    toIndex: op.to,
    tokenId: op.tokenId,
    amount: op.amount,
    nonce: op.nonce,
    dataHash: op.dataHash,
  });

beforeAll(async () => {
  t = await templateTester("OperationDigest", "lib/operation.circom", "OperationDigest");
  poseidon = await getPoseidon();
}, 300_000);

describe("OperationDigest: out is operationDigest of src/protocol/operation.ts", () => {
  it.each([
    ["SEND (opType 2)", send],
    ["TRANSFER (opType 1)", transfer],
    ["WITHDRAW (opType 4)", withdraw],
    ["MINT (opType 6)", mint],
  ])("a %s passes, and its digest is operationDigest's", async (_name, op) => {
    const w = await t.expectPass(input(op));
    expect(signalValue(t, w, "main.out")).toBe(operationDigest(poseidon, DOMAIN, op));
    expect(signalValue(t, w, "main.isTransfer")).toBe(op.type === "SEND" ? 0n : 1n); // dstChain == srcChain
  });

  it("a WITHDRAW's digest is not the TRANSFER's of the same fields (a signed TRANSFER cannot be run as a WITHDRAW, nor back)", async () => {
    const asTransfer = { ...withdraw, type: "TRANSFER" } as const;
    const w = await t.expectPass(input(withdraw));
    expect(signalValue(t, w, "main.out")).not.toBe(operationDigest(poseidon, DOMAIN, asTransfer));
    expect(signalValue(t, await t.expectPass(input(asTransfer)), "main.out")).toBe(operationDigest(poseidon, DOMAIN, asTransfer));
  });

  it("a MINT's digest is not the TRANSFER's of the same fields (a signed TRANSFER of the minter cannot be run as a MINT)", async () => {
    const w = await t.expectPass(input(mint));
    expect(signalValue(t, w, "main.out")).not.toBe(operationDigest(poseidon, DOMAIN, { ...mint, type: "TRANSFER" }));
    expect(signalValue(t, w, "main.out")).not.toBe(operationDigest(poseidon, DOMAIN, { ...mint, type: "WITHDRAW" }));
  });

  it("the domain is in the digest (another deployment signs another digest)", async () => {
    const w = await t.expectPass(input(send, DOMAIN + 1n));
    expect(signalValue(t, w, "main.out")).toBe(operationDigest(poseidon, DOMAIN + 1n, send));
  });

  it("an edited digest fails a constraint on it", async () => {
    const w = await t.expectPass(input(send));
    t.expectConstraintFail(bumped(t, w, "main.out"), exactly("main.out"));
  });

  it.each([
    ["SEND", send],
    ["TRANSFER", transfer],
    ["WITHDRAW", withdraw],
    ["MINT", mint],
  ])("a flipped opType flag of a %s fails its IsEqual", async (_name, op) => {
    const w = await t.expectPass(input(op));
    const flipped = t.editWitness(w, { "main.isTransfer": 1n - signalValue(t, w, "main.isTransfer") });
    t.expectConstraintFail(flipped, /^main\.(isTransfer|IsEqual_\d+_\d+\.)/);
  });

  it("an edited isWithdraw of a WITHDRAW (its digest kept) fails a constraint on it (in the digest's Poseidon)", async () => {
    const w = await t.expectPass(input(withdraw));
    t.expectConstraintFail(t.editWitness(w, { "main.isWithdraw": 0n }), exactly("main.isWithdraw"));
  });

  it("an edited isMint of a MINT (its digest kept) fails a constraint on it (in the digest's Poseidon)", async () => {
    const w = await t.expectPass(input(mint));
    t.expectConstraintFail(t.editWitness(w, { "main.isMint": 0n }), exactly("main.isMint"));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
