import { describe, expect, it } from "vitest";
import { decodeOperation, encodeOperation, isMalformed } from "../src/protocol/operation-codec.js";
import { SCALAR_FIELD } from "../src/crypto/field.js";
import { makeCluster, sendOp } from "./helpers/cluster-fixture.js";

describe("workload operation codec (JSONL)", () => {
  it("round-trips a signed SEND", async () => {
    const fx = await makeCluster(2, 4);
    const op = fx.sign(sendOp(0, 1, 0n, 1n, 30n, 0n));
    expect(decodeOperation(encodeOperation(op), 1)).toEqual(op);
  });

  it.each([
    ["{not json", "(line)", /not JSON/],
    ['{"type":"BURN"}', "type", /./],
    [
      '{"type":"TRANSFER","chainId":0,"from":"0","to":"1","tokenId":"1","amount":"-5","nonce":"0","signature":{"R8x":"1","R8y":"1","S":"1"}}',
      "amount",
      /decimal integer/,
    ],
    ['{"type":"TRANSFER","chainId":0,"from":"0","to":"1","tokenId":"1","amount":"5","nonce":"0","signature":{"R8x":"1","R8y":"1"}}', "signature.S", /./],
    [
      '{"type":"TRANSFER","chainId":0,"from":"0","to":"1","tokenId":"1","amount":"5","nonce":"0","extra":1,"signature":{"R8x":"1","R8y":"1","S":"1"}}',
      "(line)",
      /extra/,
    ],
  ])("rejects %s naming the field", (text, field, reason) => {
    const r = decodeOperation(text, 7);
    expect(isMalformed(r)).toBe(true);
    expect(r).toMatchObject({ line: 7, field });
    expect((r as { reason: string }).reason).toMatch(reason);
  });

  it.each(["amount", "nonce", "dataHash", "to"])("refuses %s = r (the BN254 scalar field order) and accepts r - 1: no value is reduced later", (field) => {
    const line = (v: bigint) =>
      JSON.stringify({
        type: "TRANSFER",
        chainId: 0,
        from: "0",
        to: "1",
        tokenId: "1",
        amount: "5",
        nonce: "0",
        signature: { R8x: "1", R8y: "1", S: "1" },
        [field]: v.toString(),
      });
    expect(decodeOperation(line(SCALAR_FIELD), 3)).toEqual({ line: 3, field, reason: "must be below the BN254 scalar field order r" });
    expect(isMalformed(decodeOperation(line(SCALAR_FIELD - 1n), 3))).toBe(false);
  });

  it("refuses a signature scalar >= r (signature.S)", () => {
    const text = JSON.stringify({
      type: "TRANSFER",
      chainId: 0,
      from: "0",
      to: "1",
      tokenId: "1",
      amount: "5",
      nonce: "0",
      signature: { R8x: "1", R8y: "1", S: (SCALAR_FIELD + 5n).toString() },
    });
    expect(decodeOperation(text, 1)).toMatchObject({ field: "signature.S" });
  });

  it("defaults dstChain to chainId and dataHash to 0 for a TRANSFER", () => {
    const r = decodeOperation(
      '{"type":"TRANSFER","chainId":1,"from":2,"to":3,"tokenId":1,"amount":"5","nonce":0,"signature":{"R8x":"1","R8y":"2","S":"3"}}',
      1,
    );
    expect(r).toMatchObject({ dstChain: 1, dataHash: 0n, from: 2n, to: 3n });
  });
});

describe("the HTTP API's JSON Schema of a signed operation", () => {
  it("is derived from the one zod schema: the same fields, required ones, bounds and no extra keys", async () => {
    const { signedOperationJsonSchema } = await import("../src/protocol/operation-codec.js");
    const schema = signedOperationJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { maximum?: number; additionalProperties?: boolean; anyOf?: { maxLength?: number }[] }>;
    };
    expect(schema.required).toEqual(["type", "chainId", "from", "to", "tokenId", "amount", "nonce", "signature"]);
    expect(Object.keys(schema.properties)).toEqual(["type", "chainId", "dstChain", "from", "to", "tokenId", "amount", "nonce", "dataHash", "signature"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.signature.additionalProperties).toBe(false);
    expect(schema.properties.chainId.maximum).toBe(65535);
    expect(schema.properties.amount.anyOf?.[0].maxLength).toBe(78);
    expect("$schema" in schema).toBe(false); // embedded in the request body's schema
  });
});
