/*
 * The witness layout of one ClusterSlot of circuits/lib/slot.circom, as the executor fills it and
 * batchCircuitInput (batch-input.ts) lays it out into the ClusterBatch input: a tick, a debit lane and
 * a credit lane, every value a bigint below r. An account leaf's preimage is LEAF_FIELDS in order.
 */

/** The fields of an account leaf's Poseidon preimage, in order (AccountLeaf and LEAF_AX() … LEAF_NONCE() in circuits/lib/account.circom). */
export const LEAF_FIELDS = ["ax", "ay", "tokenId", "balance", "nonce"] as const;

/** Debit lane of a ClusterSlot (circuits/lib/slot.circom): a signed TRANSFER, SEND, WITHDRAW or MINT. */
export interface DebitLane {
  debitOn: bigint;
  /** 1 for a WITHDRAW (toIndex is then the L1 address paid). */
  isWithdraw: bigint;
  /** 1 for a MINT (the sender is the token's minter leaf; its balance is kept). */
  isMint: bigint;
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

/** Credit lane of a ClusterSlot: delivery of one message to its recipient, or of one L1 deposit. */
export interface CreditLane {
  creditOn: bigint;
  /** 1 for an L1 deposit. */
  isDeposit: bigint;
  /** 1 when the deposit is refunded on L1 (no leaf can take it; the leaf is unchanged). */
  refund: bigint;
  /** 1 when the refunded deposit's leaf is empty (its hash is 0). */
  recipientEmpty: bigint;
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
    isWithdraw: 0n,
    isMint: 0n,
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
    isDeposit: 0n,
    refund: 0n,
    recipientEmpty: 0n,
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
