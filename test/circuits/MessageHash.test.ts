import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { messageHash, type Message } from "../../src/protocol/operation.js";
import { bumped, circuitInput, exactly, templateTester, signalValue } from "./template-tester.js";

// MessageHash() (circuits/lib/message.circom): Poseidon(srcChain, dstChain, seq, sendTick, recipient,
// tokenId, amount, dataHash), the one hash of the outbox (debit lane) and the inbox (credit lane).
// A valid witness passes the R1CS and equals src/protocol/operation.ts; an edited one fails it.
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 402;
let t: WitnessTester;
let poseidon: (x: bigint[]) => bigint;
const message: Message = { srcChain: 1, dstChain: 0, seq: 3n, sendTick: 17, recipient: 5n, tokenId: 2n, amount: 30n, dataHash: 99n };
const input = (m: Message) => circuitInput({ ...m, srcChain: BigInt(m.srcChain), dstChain: BigInt(m.dstChain), sendTick: BigInt(m.sendTick) });

beforeAll(async () => {
  t = await templateTester("MessageHash", "lib/message.circom", "MessageHash");
  poseidon = await getPoseidon();
}, 300_000);

describe("MessageHash: out is messageHash of src/protocol/operation.ts", () => {
  it("a message passes, and its hash is messageHash's", async () => {
    const w = await t.expectPass(input(message));
    expect(signalValue(t, w, "main.out")).toBe(messageHash(poseidon, message));
  });

  it.each(["srcChain", "dstChain", "seq", "sendTick", "recipient", "tokenId", "amount", "dataHash"] as const)("%s is hashed in its place", async (field) => {
    const changed = { ...message, [field]: typeof message[field] === "number" ? (message[field] as number) + 1 : (message[field] as bigint) + 1n };
    const w = await t.expectPass(input(changed));
    expect(signalValue(t, w, "main.out")).toBe(messageHash(poseidon, changed));
  });

  it("an edited message hash fails a constraint on it", async () => {
    const w = await t.expectPass(input(message));
    t.expectConstraintFail(bumped(t, w, "main.out"), exactly("main.out"));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});
