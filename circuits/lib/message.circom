pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// Hash of a message: Poseidon(srcChain, dstChain, seq, sendTick, recipient, tokenId, amount, dataHash)
// (messageHash in src/protocol/operation.ts). The one message hash of the circuit: the debit lane
// hashes the message it appends to the outbox with it, the credit lane the one it appends to the
// inbox, so the two hashes cannot drift apart.
template MessageHash() {
    signal input srcChain;      // chain that sent the message
    signal input dstChain;      // chain it is delivered to
    signal input seq;           // sequence number of the message in its (srcChain, dstChain) pair
    signal input sendTick;      // tick it was sent at
    signal input recipient;     // recipient leaf index on dstChain
    signal input tokenId;       // token moved
    signal input amount;        // amount moved
    signal input dataHash;      // payload hash
    signal output out;          // message hash
    out <== Poseidon(8)([srcChain, dstChain, seq, sendTick, recipient, tokenId, amount, dataHash]);
}

// Appends a message hash to the hash chain of one ordered pair (src, dst) of an N x N table of
// chains: acc'[src][dst] = Poseidon(acc[src][dst], msgHash) when enabled; every other entry unchanged.
template PairChainAppend(N) {
    assert(N >= 2 && N <= 16);
    signal input enabled;       // 1: append; 0: pass the table through (caller asserts booleanity)
    signal input src[N];        // one-hot source chain
    signal input dst[N];        // one-hot destination chain
    signal input msgHash;       // hash of the appended message
    signal input accIn[N][N];   // hash chains before, [src][dst]
    signal output accOut[N][N]; // hash chains after

    signal rowSel[N];           // src[i] gated by enabled
    signal pairSel[N][N];       // 1 only at the appended pair, when enabled
    signal terms[N][N];         // pairSel * accIn, summed into the selected chain value
    var selected = 0;
    for (var i = 0; i < N; i++) {
        rowSel[i] <== enabled * src[i];
        for (var j = 0; j < N; j++) {
            pairSel[i][j] <== rowSel[i] * dst[j];
            terms[i][j] <== pairSel[i][j] * accIn[i][j];
            selected += terms[i][j];
        }
    }
    signal next <== Poseidon(2)([selected, msgHash]); // the selected chain with msgHash appended
    for (var i = 0; i < N; i++) {
        for (var j = 0; j < N; j++) {
            accOut[i][j] <== accIn[i][j] + pairSel[i][j] * (next - accIn[i][j]);
        }
    }
}

// A delivery within the bound of DESIGN.md: sendTick <= tick <= sendTick + DELTA when enabled (both
// differences range-checked to TICK_BITS bits, so neither can wrap around the field).
template DeliveryWindow(DELTA, TICK_BITS) {
    assert(TICK_BITS >= 8 && TICK_BITS <= 64);
    assert(DELTA >= 1 && DELTA < 2 ** TICK_BITS);
    signal input enabled;       // 1: a delivery; 0: checks off (caller asserts booleanity)
    signal input sendTick;      // tick the message was sent at
    signal input tick;          // tick it is delivered at

    signal lag <== enabled * (tick - sendTick);            // ticks since the send (0 when disabled)
    component lagBits = Num2Bits(TICK_BITS);               // sent no later than delivered
    lagBits.in <== lag;
    signal slack <== enabled * (sendTick + DELTA - tick);  // ticks left before the bound (0 when disabled)
    component slackBits = Num2Bits(TICK_BITS);             // delivered within DELTA ticks of the send
    slackBits.in <== slack;
}
