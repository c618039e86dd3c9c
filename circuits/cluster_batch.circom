pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "lib/slot.circom";

// One batch of the joint settlement of an N-member chain-cluster: B operation slots over
// consecutive ticks [firstTick, lastTick]; each slot a debit lane (a signed TRANSFER or SEND) and a
// credit lane (delivery of one message). Proves the invariants of DESIGN.md:
//  1. each member's oldRoot goes to its newRoot by valid operations only (ClusterSlot);
//  2. for every ordered pair (src, dst) the inbox hash chain equals the outbox hash chain at
//     the end of the batch: every message sent is received exactly once, unchanged, in order;
//  3. every receive is within DELTA ticks of its send; ticks never go backwards;
//  4. every public input is bound; a NOOP slot changes nothing.
// Public inputs, in order: batchIndex, firstTick, lastTick, oldRoots[N], newRoots[N].
template ClusterBatch(N, D, B, DELTA) {
    var BALANCE_BITS = 128;
    var TICK_BITS = 32;
    assert(B >= 1 && B <= 4096);

    signal input batchIndex;          // public: position of the batch in the settlement sequence
    signal input firstTick;           // public: first tick covered by the batch
    signal input lastTick;            // public: last tick covered by the batch
    signal input oldRoots[N];         // public: member state roots before the batch
    signal input newRoots[N];         // public: member state roots after the batch

    // per-slot fields, see ClusterSlot for each: the tick, the debit lane, the credit lane
    signal input tick[B];
    signal input debitOn[B];
    signal input srcChain[B];
    signal input dstChain[B];
    signal input fromIndex[B];
    signal input toIndex[B];
    signal input tokenId[B];
    signal input amount[B];
    signal input nonce[B];
    signal input dataHash[B];
    signal input msgSeq[B];
    signal input sigR8x[B];
    signal input sigR8y[B];
    signal input sigS[B];
    signal input sender[B][5];
    signal input senderSiblings[B][D];
    signal input creditOn[B];
    signal input inSrcChain[B];
    signal input inDstChain[B];
    signal input inSeq[B];
    signal input inSendTick[B];
    signal input inRecipient[B];
    signal input inTokenId[B];
    signal input inAmount[B];
    signal input inDataHash[B];
    signal input recipient[B][5];
    signal input recipientSiblings[B][D];

    // batchIndex enters no other constraint: bind it (a public input in no constraint is malleable)
    signal batchIndexSquare <== batchIndex * batchIndex;

    // ticks: firstTick <= tick[0] <= ... <= tick[B-1] <= lastTick, all TICK_BITS wide
    component firstTickBits = Num2Bits(TICK_BITS);
    firstTickBits.in <== firstTick;
    component lastTickBits = Num2Bits(TICK_BITS);
    lastTickBits.in <== lastTick;
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
        slots[s].tick <== tick[s];
        slots[s].debitOn <== debitOn[s];
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
        slots[s].inSrcChain <== inSrcChain[s];
        slots[s].inDstChain <== inDstChain[s];
        slots[s].inSeq <== inSeq[s];
        slots[s].inSendTick <== inSendTick[s];
        slots[s].inRecipient <== inRecipient[s];
        slots[s].inTokenId <== inTokenId[s];
        slots[s].inAmount <== inAmount[s];
        slots[s].inDataHash <== inDataHash[s];
        for (var k = 0; k < 5; k++) {
            slots[s].sender[k] <== sender[s][k];
            slots[s].recipient[k] <== recipient[s][k];
        }
        for (var k = 0; k < D; k++) {
            slots[s].senderSiblings[k] <== senderSiblings[s][k];
            slots[s].recipientSiblings[k] <== recipientSiblings[s][k];
        }
    }

    for (var i = 0; i < N; i++) {
        slots[B - 1].rootsOut[i] === newRoots[i];
        for (var j = 0; j < N; j++) {
            // the batch closes drained: every message sent is delivered, once, unchanged, in order
            // (i == j: a TRANSFER is a message from a chain to itself)
            slots[B - 1].outboxOut[i][j] === slots[B - 1].inboxOut[i][j];
        }
    }
}
