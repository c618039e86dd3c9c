/*
 * The witness layout of one ClusterSlot of circuits/lib/slot.circom, as the executor fills it and
 * batchCircuitInput (batch-input.ts) lays it out into the ClusterBatch input: a tick, a debit lane and
 * a credit lane, every value a bigint below r. An account leaf's preimage is LEAF_FIELDS in order.
 */

/** The fields of an account leaf's Poseidon preimage, in order (AccountLeaf and LEAF_AX() … LEAF_NONCE() in circuits/lib/account.circom). */
export const LEAF_FIELDS = ["ax", "ay", "tokenId", "balance", "nonce"] as const;

/** Debit lane of a ClusterSlot (circuits/lib/slot.circom): a signed TRANSFER or SEND. */
export interface DebitLane {
  debitOn: bigint;
  srcChain: bigint;
  dstChain: bigint;
  fromIndex: bigint;
  toIndex: bigint;
  tokenId: bigint;
  amount: bigint;
  nonce: bigint;
  dataHash: bigint;
  msgSeq: bigint;
  sigR8x: bigint;
  sigR8y: bigint;
  sigS: bigint;
  /** Sender leaf before the debit: [ax, ay, tokenId, balance, nonce]. */
  sender: bigint[];
  /** Merkle path of the sender leaf, leaf level first (D entries). */
  senderSiblings: bigint[];
}

/** Credit lane of a ClusterSlot: delivery of one message to its recipient. */
export interface CreditLane {
  creditOn: bigint;
  inSrcChain: bigint;
  inDstChain: bigint;
  inSeq: bigint;
  inSendTick: bigint;
  inRecipient: bigint;
  inTokenId: bigint;
  inAmount: bigint;
  inDataHash: bigint;
  /** Recipient leaf before the credit: [ax, ay, tokenId, balance, nonce]. */
  recipient: bigint[];
  /** Merkle path of the recipient leaf (after the slot's debit lane), leaf level first. */
  recipientSiblings: bigint[];
}

/** Private inputs of one ClusterSlot, as bigints: its tick, a debit lane and a credit lane. */
export type SlotWitness = { tick: bigint } & DebitLane & CreditLane;

/** An empty debit lane (changes nothing). */
export function emptyDebit(depth: number): DebitLane {
  return {
    debitOn: 0n,
    srcChain: 0n,
    dstChain: 0n,
    fromIndex: 0n,
    toIndex: 0n,
    tokenId: 0n,
    amount: 0n,
    nonce: 0n,
    dataHash: 0n,
    msgSeq: 0n,
    sigR8x: 0n,
    sigR8y: 0n,
    sigS: 0n,
    sender: zeros(LEAF_FIELDS.length),
    senderSiblings: zeros(depth),
  };
}

/** An empty credit lane (changes nothing). */
export function emptyCredit(depth: number): CreditLane {
  return {
    creditOn: 0n,
    inSrcChain: 0n,
    inDstChain: 0n,
    inSeq: 0n,
    inSendTick: 0n,
    inRecipient: 0n,
    inTokenId: 0n,
    inAmount: 0n,
    inDataHash: 0n,
    recipient: zeros(LEAF_FIELDS.length),
    recipientSiblings: zeros(depth),
  };
}

/** A slot at `tick` from its lanes; a missing lane is empty. */
export function slotOf(tick: number, depth: number, debit?: DebitLane, credit?: CreditLane): SlotWitness {
  return { tick: BigInt(tick), ...(debit ?? emptyDebit(depth)), ...(credit ?? emptyCredit(depth)) };
}

/** A NOOP slot at `tick`: both lanes empty (ticks must not go backwards, so it carries one). */
export function noopSlot(tick: number, depth: number): SlotWitness {
  return slotOf(tick, depth);
}

function zeros(n: number): bigint[] {
  return Array.from({ length: n }, () => 0n);
}
