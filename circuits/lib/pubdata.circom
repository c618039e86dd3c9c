pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// Published data (pubdata) of a batch: what a node needs to replay every member's state from L1
// alone, and what the settlement contract reads to move assets (deposits consumed, withdrawals,
// cross-chain flows per member and token). Each slot publishes PUBDATA_WORDS() field elements; the
// batch binds them to one public input, a Poseidon hash chain over the slots (PubdataChainStep), that
// ClusterSettlement recomputes from calldata with circomlibjs' Poseidon contract of 6 inputs.
// Poseidon, not SHA-256: measured in the README (constraints per slot against gas per slot).
//
// Layout of one slot's words (src/protocol/pubdata.ts encodes and decodes the same, and
// ClusterSettlement reads it):
//   word 0: dataHash (the debit lane's message payload hash, a field element)
//   word 1: amount | tokenId << 128 | inTokenId << 144 | flags << 160 | chains << 166 | fromIndex << 182
//           flags = debitOn | isWithdraw << 1 | creditOn << 2 | isDeposit << 3 | refund << 4 | isMint << 5
//           chains = srcChain | dstChain << 4 | inSrcChain << 8 | inDstChain << 12
//   word 2: toIndex (recipient leaf index of a message; the L1 address of a WITHDRAW)
//   word 3: inAmount
//   word 4: inRecipient
// Word 1 packs only range-checked values (amount 128 bits, token ids TOKEN_BITS(), flags boolean,
// chains below N <= 16, fromIndex below 2^D with D <= 32), so it has one decoding; the other words
// are whole field elements.
function PUBDATA_WORDS() { return 5; }
function TOKEN_BITS() { return 16; }

// The PUBDATA_WORDS() words of one slot (layout above). Range-checks both token ids to TOKEN_BITS();
// the caller guarantees the other ranges of word 1 (AccountDebit: amount; ChainSelector: chains;
// MerkleLeafUpdate: fromIndex; booleanity of the flags).
template SlotPubdata(D) {
    assert(D >= 2 && D <= 32);
    signal input debitOn;       // debit lane holds an operation
    signal input isWithdraw;    // the operation is a WITHDRAW
    signal input isMint;        // the operation is a MINT
    signal input creditOn;      // credit lane credits a message or a deposit
    signal input isDeposit;     // the credit is an L1 deposit
    signal input refund;        // the deposit is refunded on L1 (no leaf can take it)
    signal input srcChain;      // debit lane: sender's chain
    signal input dstChain;      // debit lane: recipient's chain
    signal input inSrcChain;    // credit lane: message source chain
    signal input inDstChain;    // credit lane: credited chain
    signal input fromIndex;     // debit lane: sender's leaf index
    signal input toIndex;       // debit lane: recipient's leaf index, or the L1 address of a WITHDRAW
    signal input tokenId;       // debit lane: token
    signal input amount;        // debit lane: amount
    signal input dataHash;      // debit lane: payload hash
    signal input inRecipient;   // credit lane: credited leaf index
    signal input inTokenId;     // credit lane: token
    signal input inAmount;      // credit lane: amount
    signal output words[PUBDATA_WORDS()]; // the slot's published words

    _ <== Num2Bits(TOKEN_BITS())(tokenId);    // tokenId < 2^16
    _ <== Num2Bits(TOKEN_BITS())(inTokenId);  // inTokenId < 2^16
    var flags = debitOn + isWithdraw * 2 + creditOn * 4 + isDeposit * 8 + refund * 16 + isMint * 32;
    var chains = srcChain + dstChain * 2 ** 4 + inSrcChain * 2 ** 8 + inDstChain * 2 ** 12;
    words[0] <== dataHash;
    words[1] <== amount + tokenId * 2 ** 128 + inTokenId * 2 ** 144 + flags * 2 ** 160 + chains * 2 ** 166 + fromIndex * 2 ** 182;
    words[2] <== toIndex;
    words[3] <== inAmount;
    words[4] <== inRecipient;
}

// One step of the batch's pubdata hash chain: out = Poseidon(acc, words[0..4]) (circomlib Poseidon,
// Grassi et al. 2019). The chain starts at 0; its value after the last slot is the public input
// pubdataCommitment.
template PubdataChainStep() {
    signal input acc;                     // chain value before this slot
    signal input words[PUBDATA_WORDS()];  // the slot's published words
    signal output out;                    // chain value after this slot
    out <== Poseidon(1 + PUBDATA_WORDS())([acc, words[0], words[1], words[2], words[3], words[4]]);
}
