pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/slot.circom";
include "lib/pubdata.circom";

// Commitment to the N member roots of one cluster deployment: Poseidon(domain, Poseidon(roots)).
// Nested so that L1 can recompute it with circomlibjs' Poseidon contracts (at most 8 inputs each).
template RootsCommitment(N) {
    assert(N >= 2 && N <= 16);
    signal input domain;         // signing domain of the cluster deployment
    signal input roots[N];       // member state roots, index = chainId
    signal output out;           // Poseidon(domain, Poseidon(roots))
    out <== Poseidon(2)([domain, Poseidon(N)(roots)]);
}

// One batch of the joint settlement of an N-member chain-cluster: B operation slots over
// consecutive ticks [firstTick, lastTick]; each slot a debit lane (a signed TRANSFER, SEND, WITHDRAW
// or MINT) and a credit lane (delivery of one message or one L1 deposit). Proves the invariants of DESIGN.md:
//  1. each member's oldRoot goes to its newRoot by valid operations only (ClusterSlot: a DebitLane
//     and a CreditLane, circuits/lib/slot.circom);
//  2. for every ordered pair (src, dst) the inbox hash chain equals the outbox hash chain at
//     the end of the batch: every message sent is received exactly once, unchanged, in order;
//  3. every receive is within DELTA ticks of its send; ticks never go backwards;
//  4. every public input is bound; a NOOP slot changes nothing;
//  5. the published data (pubdata, circuits/lib/pubdata.circom) is what the slots did: its Poseidon
//     hash chain is the public input pubdataCommitment, which the contract recomputes from calldata.
// Public inputs, in order (N + 4 of them; chosen by measured gas, see README): header,
// oldRootsCommitment, newRootsCommitment, pubdataCommitment, newRoots[N]. The header packs
// batchIndex * 2^64 + firstTick * 2^32 + lastTick; a roots commitment is RootsCommitment: Poseidon(domain, Poseidon(roots[0..N-1])).
// The contract keeps the commitment of the current roots, so the old roots need not be public.
//
// Domain: every signed digest and both roots commitments carry the cluster's signing domain
// (keccak256(L1 chain id, cluster id) mod r, computed by the contract at deployment). The domain is a
// private input, bound by induction: the contract computes the genesis commitment itself and passes
// its stored commitment as oldRootsCommitment, so a proof can only start from (and therefore only
// continue with, and only accept signatures for) this deployment's domain.
template ClusterBatch(N, D, B, DELTA) {
    var BALANCE_BITS = 128;
    var TICK_BITS = 32;
    var TICK_SPAN_BITS = 16;          // lastTick - firstTick < 2^16: no batch can jump far into the tick space
    assert(N >= 2 && N <= 16);
    assert(D >= 2 && D <= 32);
    assert(DELTA >= 1 && DELTA < 2 ** TICK_SPAN_BITS);
    assert(B >= 1 && B <= 4096);

    signal input header;              // public: batchIndex * 2^64 + firstTick * 2^32 + lastTick
    signal input oldRootsCommitment;  // public: RootsCommitment(domain, oldRoots), the contract's stored commitment
    signal input newRootsCommitment;  // public: RootsCommitment(domain, newRoots), stored by the contract after settling
    signal input pubdataCommitment;   // public: Poseidon hash chain of every slot's pubdata words (PubdataChainStep)
    signal input newRoots[N];         // public: member state roots after the batch
    signal input batchIndex;          // position of the batch in the settlement sequence, 64 bits
    signal input firstTick;           // first tick covered by the batch, 32 bits
    signal input lastTick;            // last tick covered by the batch, 32 bits
    signal input oldRoots[N];         // member state roots before the batch
    signal input domain;              // signing domain of the cluster deployment (see above)

    // per-slot fields, one entry per slot (see ClusterSlot, DebitLane and CreditLane)
    signal input tick[B];             // cluster tick of the slot
    signal input debitOn[B];          // debit lane: 1 holds a signed TRANSFER, SEND, WITHDRAW or MINT, 0 empty
    signal input isWithdraw[B];       // debit lane: 1 the operation is a WITHDRAW
    signal input isMint[B];           // debit lane: 1 the operation is a MINT of a cluster-native token
    signal input srcChain[B];         // debit lane: chain of the sender
    signal input dstChain[B];         // debit lane: chain of the recipient (= srcChain for a TRANSFER)
    signal input fromIndex[B];        // debit lane: sender's leaf index on srcChain
    signal input toIndex[B];          // debit lane: recipient's leaf index on dstChain; L1 address of a WITHDRAW
    signal input tokenId[B];          // debit lane: token moved
    signal input amount[B];           // debit lane: amount moved, BALANCE_BITS bits
    signal input nonce[B];            // debit lane: sender's nonce
    signal input dataHash[B];         // debit lane: payload hash of the message
    signal input msgSeq[B];           // debit lane: sequence number of the message in its pair
    signal input sigR8x[B];           // debit lane: EdDSA signature point R8, x
    signal input sigR8y[B];           // debit lane: EdDSA signature point R8, y
    signal input sigS[B];             // debit lane: EdDSA signature scalar S
    signal input sender[B][LEAF_FIELDS()]; // debit lane: sender leaf preimage before, indexed by LEAF_*
    signal input senderSiblings[B][D];     // debit lane: Merkle path of the sender leaf
    signal input creditOn[B];         // credit lane: 1 credits a message or an L1 deposit, 0 empty
    signal input isDeposit[B];        // credit lane: 1 the credit is an L1 deposit
    signal input refund[B];           // credit lane: 1 the deposit is refunded on L1
    signal input recipientEmpty[B];   // credit lane: 1 the refunded deposit's leaf is empty
    signal input inSrcChain[B];       // credit lane: message source chain
    signal input inDstChain[B];       // credit lane: message destination chain
    signal input inSeq[B];            // credit lane: message sequence number in its pair
    signal input inSendTick[B];       // credit lane: tick the message was sent at
    signal input inRecipient[B];      // credit lane: recipient leaf index on inDstChain
    signal input inTokenId[B];        // credit lane: token of the message
    signal input inAmount[B];         // credit lane: amount of the message
    signal input inDataHash[B];       // credit lane: payload hash of the message
    signal input recipient[B][LEAF_FIELDS()]; // credit lane: recipient leaf preimage before, indexed by LEAF_*
    signal input recipientSiblings[B][D];     // credit lane: Merkle path of the recipient leaf

    // header: the three fields packed without overlap (each range-checked)
    _ <== Num2Bits(64)(batchIndex);   // batchIndex < 2^64
    header === batchIndex * 2 ** 64 + firstTick * 2 ** 32 + lastTick;

    // roots commitments: Poseidon(domain, Poseidon(roots)), the old one as the contract stores it
    signal oldCommitment <== RootsCommitment(N)(domain, oldRoots); // Poseidon(domain, Poseidon(oldRoots))
    signal newCommitment <== RootsCommitment(N)(domain, newRoots); // Poseidon(domain, Poseidon(newRoots))
    oldRootsCommitment === oldCommitment;
    newRootsCommitment === newCommitment;

    // ticks: firstTick <= tick[0] <= ... <= tick[B-1] <= lastTick, all TICK_BITS wide
    _ <== Num2Bits(TICK_BITS)(firstTick);
    _ <== Num2Bits(TICK_BITS)(lastTick);
    component tickSpanBits = Num2Bits(TICK_SPAN_BITS); // 0 <= lastTick - firstTick < 2^TICK_SPAN_BITS
    tickSpanBits.in <== lastTick - firstTick;
    component tickStep[B + 1];
    for (var s = 0; s <= B; s++) {
        tickStep[s] = Num2Bits(TICK_BITS);
        tickStep[s].in <== (s == B ? lastTick : tick[s]) - (s == 0 ? firstTick : tick[s - 1]);
    }

    component slots[B];
    for (var s = 0; s < B; s++) {
        slots[s] = ClusterSlot(N, D, DELTA, BALANCE_BITS, TICK_BITS);
        for (var i = 0; i < N; i++) {
            slots[s].rootsIn[i] <== s == 0 ? oldRoots[i] : slots[s - 1].rootsOut[i];
            for (var j = 0; j < N; j++) {
                slots[s].outboxIn[i][j] <== s == 0 ? 0 : slots[s - 1].outboxOut[i][j];
                slots[s].inboxIn[i][j] <== s == 0 ? 0 : slots[s - 1].inboxOut[i][j];
            }
        }
        slots[s].domain <== domain;
        slots[s].tick <== tick[s];
        slots[s].debitOn <== debitOn[s];
        slots[s].isWithdraw <== isWithdraw[s];
        slots[s].isMint <== isMint[s];
        slots[s].srcChain <== srcChain[s];
        slots[s].dstChain <== dstChain[s];
        slots[s].fromIndex <== fromIndex[s];
        slots[s].toIndex <== toIndex[s];
        slots[s].tokenId <== tokenId[s];
        slots[s].amount <== amount[s];
        slots[s].nonce <== nonce[s];
        slots[s].dataHash <== dataHash[s];
        slots[s].msgSeq <== msgSeq[s];
        slots[s].sigR8x <== sigR8x[s];
        slots[s].sigR8y <== sigR8y[s];
        slots[s].sigS <== sigS[s];
        slots[s].creditOn <== creditOn[s];
        slots[s].isDeposit <== isDeposit[s];
        slots[s].refund <== refund[s];
        slots[s].recipientEmpty <== recipientEmpty[s];
        slots[s].inSrcChain <== inSrcChain[s];
        slots[s].inDstChain <== inDstChain[s];
        slots[s].inSeq <== inSeq[s];
        slots[s].inSendTick <== inSendTick[s];
        slots[s].inRecipient <== inRecipient[s];
        slots[s].inTokenId <== inTokenId[s];
        slots[s].inAmount <== inAmount[s];
        slots[s].inDataHash <== inDataHash[s];
        slots[s].sender <== sender[s];
        slots[s].senderSiblings <== senderSiblings[s];
        slots[s].recipient <== recipient[s];
        slots[s].recipientSiblings <== recipientSiblings[s];
    }

    // pubdata: each slot's words, hashed in slot order; the chain's end is the public input
    signal words[B][PUBDATA_WORDS()]; // words[s]: slot s's published words
    signal pubdataChain[B + 1];       // pubdataChain[s]: hash chain over slots 0..s-1
    pubdataChain[0] <== 0;
    for (var s = 0; s < B; s++) {
        words[s] <== SlotPubdata(D)(
            debitOn[s], isWithdraw[s], isMint[s], creditOn[s], isDeposit[s], refund[s],
            srcChain[s], dstChain[s], inSrcChain[s], inDstChain[s],
            fromIndex[s], toIndex[s], tokenId[s], amount[s], dataHash[s],
            inRecipient[s], inTokenId[s], inAmount[s]);
        pubdataChain[s + 1] <== PubdataChainStep()(pubdataChain[s], words[s]);
    }
    pubdataCommitment === pubdataChain[B];

    for (var i = 0; i < N; i++) {
        slots[B - 1].rootsOut[i] === newRoots[i];
        for (var j = 0; j < N; j++) {
            // the batch closes drained: every message sent is delivered, once, unchanged, in order
            // (i == j: a TRANSFER is a message from a chain to itself)
            slots[B - 1].outboxOut[i][j] === slots[B - 1].inboxOut[i][j];
        }
    }
}
