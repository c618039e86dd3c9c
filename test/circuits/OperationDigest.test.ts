import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { operationDigest, type SignedOperation } from "../../src/protocol/operation.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// OperationDigest() (circuits/lib/operation.circom): what the sender signs, Poseidon(domain, opType,
// srcChain, dstChain, fromIndex, toIndex, tokenId, amount, nonce, dataHash) with opType 1 for a TRANSFER
// (dstChain == srcChain) and 2 for a SEND. A valid witness passes the R1CS and equals
// src/protocol/operation.ts; an edited digest or opType flag fails it.
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 461;
const DOMAIN = 123_456_789n;
let t: WitnessTester;
let poseidon: (x: bigint[]) => bigint;

type Op = Omit<SignedOperation, "signature">;
const send: Op = { type: "SEND", chainId: 1, dstChain: 0, from: 2n, to: 3n, tokenId: 1n, amount: 30n, nonce: 4n, dataHash: 7n };
const transfer: Op = { ...send, type: "TRANSFER", dstChain: 1, dataHash: 0n };
const input = (op: Op, domain = DOMAIN) =>
  circuitInput({
    domain,
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
  ])("a %s passes, and its digest is operationDigest's", async (_name, op) => {
    const w = await t.expectPass(input(op));
    expect(signalValue(t, w, "main.out")).toBe(operationDigest(poseidon, DOMAIN, op));
    expect(signalValue(t, w, "main.isTransfer")).toBe(op.type === "TRANSFER" ? 1n : 0n);
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
  ])("a flipped opType flag of a %s fails its IsEqual", async (_name, op) => {
    const w = await t.expectPass(input(op));
    const flipped = t.editWitness(w, { "main.isTransfer": 1n - signalValue(t, w, "main.isTransfer") });
    t.expectConstraintFail(flipped, /^main\.(isTransfer|IsEqual_\d+_\d+\.)/);
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
