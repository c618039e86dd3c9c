import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { noopSlot, slotOf, type SlotWitness } from "../../src/circuits/witness-layout.js";
import { decodeSlotPubdata, PUBDATA_FIELDS, PUBDATA_WORDS, slotPubdataWords, TOKEN_LIMIT, type SlotRecord } from "../../src/protocol/pubdata.js";
import { SCALAR_FIELD } from "../../src/crypto/field.js";
import { MINTER_LEAF, NATIVE_HOLDER_LEAF, addNativeToken, execute, makeCluster, mintOp, sendOp } from "../helpers/cluster-fixture.js";
import { bumped, circuitInput, exactly, namedSignals, templateTester, signalValue } from "./template-tester.js";

// SlotPubdata(D = 3) (circuits/lib/pubdata.circom): the PUBDATA_WORDS published words of one slot (word 0
// dataHash; word 1 amount | tokenId << 128 | inTokenId << 144 | flags << 160 | chains << 166 | fromIndex << 182;
// word 2 toIndex; word 3 inAmount; word 4 inRecipient), both token ids range-checked to 16 bits. A valid
// witness passes the R1CS and its words are slotPubdataWords' of src/protocol/pubdata.ts, which
// decodeSlotPubdata reads back; a token id of 2^16 fails its Num2Bits, an edited word a constraint on it.
const D = 3;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 32;
let t: WitnessTester;

const input = (s: SlotWitness) => circuitInput(Object.fromEntries(PUBDATA_FIELDS.map((k) => [k, s[k]])));
const words = (w: bigint[]) => Array.from({ length: PUBDATA_WORDS }, (_, i) => signalValue(t, w, `main.words[${i}]`));
/** What a slot did, as decodeSlotPubdata must read it back. */
const record = (s: SlotWitness): SlotRecord => ({
  debitOn: s.debitOn === 1n,
  isWithdraw: s.isWithdraw === 1n,
  isMint: s.isMint === 1n,
  creditOn: s.creditOn === 1n,
  isDeposit: s.isDeposit === 1n,
  refund: s.refund === 1n,
  srcChain: Number(s.srcChain),
  dstChain: Number(s.dstChain),
  inSrcChain: Number(s.inSrcChain),
  inDstChain: Number(s.inDstChain),
  fromIndex: s.fromIndex,
  toIndex: s.toIndex,
  tokenId: s.tokenId,
  amount: s.amount,
  dataHash: s.dataHash,
  inRecipient: s.inRecipient,
  inTokenId: s.inTokenId,
  inAmount: s.inAmount,
});

const ADDRESS = 0xd00d_0000_0000_0000_0000_0000_0000_0000_0000_beefn;
/** The slots of the tests, from src/state: a WITHDRAW with a credited deposit, a SEND delivered at once, a refunded deposit, a NOOP, a MINT delivered at once, and every packed field at its largest. */
async function slots(): Promise<Record<string, SlotWitness>> {
  const fx = await makeCluster(2, D);
  const deposit = { index: 0n, chainId: 1, to: 1n, tokenId: 1n, amount: 40n, depositor: "0x00000000000000000000000000000000000000aa" };
  const withdraw = fx.state.applyWithdraw(
    fx.sign({ type: "WITHDRAW", chainId: 1, dstChain: 1, from: 0n, to: ADDRESS, tokenId: 1n, amount: 30n, nonce: 0n, dataHash: 0n }),
  );
  const withdrawAndDeposit = slotOf(1, D, withdraw, fx.state.applyDeposit(deposit));
  const send = execute(fx, sendOp(0, 1, 1n, 0n, 20n, 0n), 2).slot;
  const refund = slotOf(3, D, undefined, fx.state.applyDeposit({ ...deposit, index: 1n, chainId: 0, to: 6n }));
  const { tokenId, minterKey } = addNativeToken(fx, 0);
  const minted = fx.state.applySigned(fx.sign(mintOp(0, MINTER_LEAF, NATIVE_HOLDER_LEAF, tokenId, 25n, 0n), minterKey), 6, 0n);
  const mint = slotOf(6, D, minted.debit, fx.state.applyCredit(minted.message));
  const ones = (bits: number) => (1n << BigInt(bits)) - 1n;
  const largest: SlotWitness = {
    ...noopSlot(4, D),
    ...{ debitOn: 1n, isWithdraw: 1n, isMint: 1n, creditOn: 1n, isDeposit: 1n, refund: 1n },
    ...{ srcChain: 15n, dstChain: 15n, inSrcChain: 15n, inDstChain: 15n, fromIndex: ones(32) },
    ...{ amount: ones(128), tokenId: ones(16), inTokenId: ones(16), toIndex: ones(160) },
    ...{ dataHash: SCALAR_FIELD - 1n, inAmount: SCALAR_FIELD - 1n, inRecipient: SCALAR_FIELD - 1n },
  };
  return {
    "a WITHDRAW and a credited deposit": withdrawAndDeposit,
    "a SEND and its delivery": send,
    "a refunded deposit": refund,
    "a NOOP": noopSlot(5, D),
    "a MINT and its delivery": mint,
    "every packed field at its largest": largest,
  };
}

beforeAll(async () => {
  t = await templateTester("SlotPubdata", "lib/pubdata.circom", "SlotPubdata", [D]);
}, 300_000);

describe("SlotPubdata(3): the words are slotPubdataWords of src/protocol/pubdata.ts", () => {
  it("each slot passes; its words are slotPubdataWords', and decodeSlotPubdata reads the slot back", async () => {
    for (const [name, s] of Object.entries(await slots())) {
      const w = await t.expectPass(input(s));
      expect(words(w), name).toEqual(slotPubdataWords(s));
      expect(decodeSlotPubdata(words(w)), name).toEqual(record(s));
    }
  });

  it("a WITHDRAW's words: the flags debitOn | isWithdraw and the L1 address in word 2; the deposit's flags creditOn | isDeposit", async () => {
    const s = (await slots())["a WITHDRAW and a credited deposit"];
    const w = await t.expectPass(input(s));
    expect((words(w)[1] >> 160n) & 63n).toBe(1n + 2n + 4n + 8n);
    expect(words(w)[2]).toBe(ADDRESS);
    expect(decodeSlotPubdata(words(w))).toMatchObject({ isWithdraw: true, isDeposit: true, refund: false, inAmount: 40n, inDstChain: 1, inRecipient: 1n });
  });

  it("a refund's flags: creditOn | isDeposit | refund", async () => {
    const w = await t.expectPass(input((await slots())["a refunded deposit"]));
    expect((words(w)[1] >> 160n) & 63n).toBe(4n + 8n + 16n);
  });

  it("a MINT's flags: debitOn | isMint | creditOn (its message credited on its own chain)", async () => {
    const w = await t.expectPass(input((await slots())["a MINT and its delivery"]));
    expect((words(w)[1] >> 160n) & 63n).toBe(1n + 32n + 4n);
    expect(decodeSlotPubdata(words(w))).toMatchObject({ isMint: true, isWithdraw: false, srcChain: 0, dstChain: 0, fromIndex: MINTER_LEAF, amount: 25n });
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("SlotPubdata(3): each rule refuses its attack", () => {
  // A valid witness with the token id moved to 2^16 and word 1 packed with it (its Num2Bits bits kept): only
  // the range check can fail. (inTokenId has no wire of its own: the optimiser expresses it through word 1.)
  it.each([
    ["tokenId", 128n],
    ["inTokenId", 144n],
  ] as const)("a %s of 2^16 fails its Num2Bits (slotPubdataWords refuses it too)", async (field, at) => {
    const w = await t.expectPass(input(noopSlot(1, D)));
    const edits: Record<string, bigint> = { "main.words[1]": signalValue(t, w, "main.words[1]") + (TOKEN_LIMIT << at) };
    if (namedSignals(t).has(`main.${field}`)) edits[`main.${field}`] = TOKEN_LIMIT;
    const violated = t.expectConstraintFail(t.editWitness(w, edits), /^main\.Num2Bits_\d+_\d+\./);
    for (const c of violated)
      expect(
        t.signalsOf(c).some((n) => /^main\.Num2Bits_\d+_\d+\./.test(n)),
        `constraint #${c} on ${t.signalsOf(c)}`,
      ).toBe(true);
    expect(() => slotPubdataWords({ ...noopSlot(1, D), [field]: TOKEN_LIMIT })).toThrow(new RegExp(`^${field}: `));
  });

  it("why: unchecked, a tokenId of 2^16 would publish the word of inTokenId 1 (two slots, one word)", () => {
    expect(TOKEN_LIMIT << 128n).toBe(slotPubdataWords({ ...noopSlot(1, D), inTokenId: 1n })[1]);
  });

  it("an edited word 1 (the packed word) fails a constraint on it", async () => {
    const w = await t.expectPass(input((await slots())["a WITHDRAW and a credited deposit"]));
    t.expectConstraintFail(bumped(t, w, "main.words[1]"), exactly("main.words[1]"));
  });

  it.each([
    [0, "dataHash"],
    [2, "toIndex"],
    [3, "inAmount"],
    [4, "inRecipient"],
  ])("word %i is the wire of %s itself (so it cannot differ from it; the batch binds the input)", (i, field) => {
    const names = namedSignals(t);
    expect(names.has(`main.words[${i}]`)).toBe(true);
    expect(names.has(`main.${field}`)).toBe(false);
  });
});
