import type { SlotWitness } from "../circuits/witness-layout.js";

/*
 * Published data (pubdata) of a batch: each slot's PUBDATA_WORDS field elements, laid out as
 * SlotPubdata in circuits/lib/pubdata.circom (the one layout; ClusterSettlement decodes it on L1 and
 * `sync` replays it), bound to the proof by one public input, the Poseidon hash chain over the slots.
 */

/** Field elements each slot publishes (PUBDATA_WORDS() in circuits/lib/pubdata.circom). */
export const PUBDATA_WORDS = 5;
/** Width of a token id in the packed word (TOKEN_BITS() in circuits/lib/pubdata.circom): ids are below 2^16. */
export const TOKEN_BITS = 16;
/** Largest token id + 1. */
export const TOKEN_LIMIT = 1n << BigInt(TOKEN_BITS);

/** The slot fields the pubdata words are made of (SlotPubdata's inputs in circuits/lib/pubdata.circom, in its order). */
export const PUBDATA_FIELDS = [
  "debitOn",
  "isWithdraw",
  "isMint",
  "creditOn",
  "isDeposit",
  "refund",
  "srcChain",
  "dstChain",
  "inSrcChain",
  "inDstChain",
  "fromIndex",
  "toIndex",
  "tokenId",
  "amount",
  "dataHash",
  "inRecipient",
  "inTokenId",
  "inAmount",
] as const;

/** Bit offsets of the packed word 1 (see circuits/lib/pubdata.circom). */
const AT = { amount: 0n, tokenId: 128n, inTokenId: 144n, flags: 160n, chains: 166n, fromIndex: 182n } as const;
const FLAG = { debitOn: 1n, isWithdraw: 2n, creditOn: 4n, isDeposit: 8n, refund: 16n, isMint: 32n } as const;
/** Width of the flags field of word 1. */
const FLAG_BITS = 6n;

/** What one slot did, as its published words say (decoded; field names as in the circuit's slot). */
export interface SlotRecord {
  debitOn: boolean;
  isWithdraw: boolean;
  /** The debit lane minted (the sender is the token's minter; its balance is kept). */
  isMint: boolean;
  creditOn: boolean;
  isDeposit: boolean;
  refund: boolean;
  srcChain: number;
  dstChain: number;
  inSrcChain: number;
  inDstChain: number;
  fromIndex: bigint;
  /** Recipient leaf index of a message, or the L1 address (uint160) of a WITHDRAW. */
  toIndex: bigint;
  tokenId: bigint;
  amount: bigint;
  dataHash: bigint;
  inRecipient: bigint;
  inTokenId: bigint;
  inAmount: bigint;
}

const mask = (bits: bigint) => (1n << bits) - 1n;

/**
 * The PUBDATA_WORDS words of one slot (SlotPubdata in circuits/lib/pubdata.circom).
 * @throws RangeError naming the field when a packed value is out of its bit field (a token id of 2^16 or more, ...).
 */
export function slotPubdataWords(s: SlotWitness): bigint[] {
  const check = (field: string, v: bigint, bits: bigint) => {
    if (v < 0n || v > mask(bits)) throw new RangeError(`${field}: ${v} does not fit ${bits} bits of the pubdata word`);
    return v;
  };
  const flags =
    s.debitOn * FLAG.debitOn +
    s.isWithdraw * FLAG.isWithdraw +
    s.isMint * FLAG.isMint +
    s.creditOn * FLAG.creditOn +
    s.isDeposit * FLAG.isDeposit +
    s.refund * FLAG.refund;
  const chains =
    check("srcChain", s.srcChain, 4n) |
    (check("dstChain", s.dstChain, 4n) << 4n) |
    (check("inSrcChain", s.inSrcChain, 4n) << 8n) |
    (check("inDstChain", s.inDstChain, 4n) << 12n);
  const word1 =
    check("amount", s.amount, 128n) |
    (check("tokenId", s.tokenId, BigInt(TOKEN_BITS)) << AT.tokenId) |
    (check("inTokenId", s.inTokenId, BigInt(TOKEN_BITS)) << AT.inTokenId) |
    (flags << AT.flags) |
    (chains << AT.chains) |
    (check("fromIndex", s.fromIndex, 32n) << AT.fromIndex);
  return [s.dataHash, word1, s.toIndex, s.inAmount, s.inRecipient];
}

/** Decodes one slot's words (inverse of slotPubdataWords). @throws RangeError when `words` is not PUBDATA_WORDS long. */
export function decodeSlotPubdata(words: bigint[]): SlotRecord {
  if (words.length !== PUBDATA_WORDS) throw new RangeError(`pubdata: a slot has ${PUBDATA_WORDS} words, got ${words.length}`);
  const [dataHash, w, toIndex, inAmount, inRecipient] = words;
  const flags = (w >> AT.flags) & mask(FLAG_BITS);
  const chains = (w >> AT.chains) & mask(16n);
  return {
    debitOn: (flags & FLAG.debitOn) !== 0n,
    isWithdraw: (flags & FLAG.isWithdraw) !== 0n,
    isMint: (flags & FLAG.isMint) !== 0n,
    creditOn: (flags & FLAG.creditOn) !== 0n,
    isDeposit: (flags & FLAG.isDeposit) !== 0n,
    refund: (flags & FLAG.refund) !== 0n,
    srcChain: Number(chains & 15n),
    dstChain: Number((chains >> 4n) & 15n),
    inSrcChain: Number((chains >> 8n) & 15n),
    inDstChain: Number((chains >> 12n) & 15n),
    fromIndex: (w >> AT.fromIndex) & mask(32n),
    toIndex,
    tokenId: (w >> AT.tokenId) & mask(BigInt(TOKEN_BITS)),
    amount: w & mask(128n),
    dataHash,
    inRecipient,
    inTokenId: (w >> AT.inTokenId) & mask(BigInt(TOKEN_BITS)),
    inAmount,
  };
}

/** Splits a batch's flat pubdata (B * PUBDATA_WORDS words, slot order) into decoded slot records. @throws RangeError when the length is not a multiple of PUBDATA_WORDS. */
export function decodeBatchPubdata(words: bigint[]): SlotRecord[] {
  if (words.length % PUBDATA_WORDS !== 0) throw new RangeError(`pubdata: ${words.length} words is not a whole number of slots of ${PUBDATA_WORDS}`);
  return Array.from({ length: words.length / PUBDATA_WORDS }, (_, s) => decodeSlotPubdata(words.slice(s * PUBDATA_WORDS, (s + 1) * PUBDATA_WORDS)));
}

/**
 * The public input pubdataCommitment of a batch: the Poseidon hash chain over its slots,
 * acc = 0, acc = Poseidon(acc, words of slot s) for s = 0..B-1 (PubdataChainStep in circuits/lib/pubdata.circom).
 * @param words the batch's flat pubdata (B * PUBDATA_WORDS words, slot order).
 */
export function pubdataCommitment(poseidon: (x: bigint[]) => bigint, words: bigint[]): bigint {
  let acc = 0n;
  for (let s = 0; s < words.length; s += PUBDATA_WORDS) acc = poseidon([acc, ...words.slice(s, s + PUBDATA_WORDS)]);
  return acc;
}
