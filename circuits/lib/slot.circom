pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "merkle.circom";

// One-hot selector of a member chain id: out[i] = (chainId == i); chainId must be in 0..N-1.
template ChainSelector(N) {
    assert(N >= 2 && N <= 16);
    signal input chainId;       // member id
    signal output out[N];       // one-hot: out[i] = 1 iff chainId == i
    component eq[N];
    var total = 0;
    for (var i = 0; i < N; i++) {
        eq[i] = IsEqual();
        eq[i].in[0] <== chainId;
        eq[i].in[1] <== i;
        out[i] <== eq[i].out;
        total += out[i];
    }
    total === 1;                // an unknown chain id selects nothing and fails here
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
    component next = Poseidon(2);
    next.inputs[0] <== selected;
    next.inputs[1] <== msgHash;
    for (var i = 0; i < N; i++) {
        for (var j = 0; j < N; j++) {
            accOut[i][j] <== accIn[i][j] + pairSel[i][j] * (next.out - accIn[i][j]);
        }
    }
}

// One operation slot of a cluster batch at one tick: a debit lane, then a credit lane.
//
// Every transfer of value is a message: a TRANSFER is a message from a chain to itself
// (srcChain == dstChain), a SEND one to another member. The debit lane executes a signed user
// operation and appends its message to outbox(src -> dst); the credit lane delivers one message
// (sent in this slot or an earlier one of the batch) and appends it to inbox(src -> dst). The batch
// requires inbox == outbox for every pair at its end, so every message is delivered exactly once,
// unchanged, in per-pair order; within one tick a delivery may precede its send in slot order
// (conservation holds per batch, which is what settles). Each lane does only the work it needs:
// one Merkle leaf update each, a signature only on the debit lane.
//
// Account leaf:  Poseidon(pubKeyAx, pubKeyAy, tokenId, balance, nonce)                      (DESIGN.md)
// Signed digest: Poseidon(domain, opType, srcChain, dstChain, fromIndex, toIndex, tokenId, amount, nonce, dataHash),
//                opType 1 = TRANSFER (dst = src), 2 = SEND; EdDSA-Poseidon over Baby Jubjub (circomlib).
// Message hash:  Poseidon(srcChain, dstChain, seq, sendTick, recipient, tokenId, amount, dataHash).
// Either lane may be empty (debitOn = 0 / creditOn = 0): it then changes nothing.
template ClusterSlot(N, D, DELTA, BALANCE_BITS, TICK_BITS) {
    assert(N >= 2 && N <= 16);
    assert(D >= 2 && D <= 32);
    assert(DELTA >= 1 && DELTA < 2 ** TICK_BITS);
    assert(BALANCE_BITS >= 8 && BALANCE_BITS <= 200);
    assert(TICK_BITS >= 8 && TICK_BITS <= 64);

    // ---- cluster state before the slot
    signal input rootsIn[N];          // state root of each member chain
    signal input outboxIn[N][N];      // outbox hash chain of each ordered pair [src][dst] in this batch
    signal input inboxIn[N][N];       // inbox hash chain of each ordered pair [src][dst] in this batch
    signal input tick;                // cluster tick of the slot (both lanes)
    signal input domain;              // signing domain of the cluster deployment (in every signed digest)

    // ---- debit lane: a signed TRANSFER or SEND
    signal input debitOn;             // 1: the lane holds an operation; 0: empty
    signal input srcChain;            // chain of the sender
    signal input dstChain;            // chain of the recipient (= srcChain for a TRANSFER)
    signal input fromIndex;           // sender's leaf index on srcChain
    signal input toIndex;             // recipient's leaf index on dstChain
    signal input tokenId;             // token moved
    signal input amount;              // amount moved, BALANCE_BITS bits
    signal input nonce;               // sender's nonce, must equal the leaf's
    signal input dataHash;            // payload hash of the message
    signal input msgSeq;              // sequence number of the message in its (src, dst) pair
    signal input sigR8x;              // EdDSA signature point R8, x
    signal input sigR8y;              // EdDSA signature point R8, y
    signal input sigS;                // EdDSA signature scalar S
    signal input sender[5];           // sender leaf before: ax, ay, tokenId, balance, nonce
    signal input senderSiblings[D];   // Merkle path of the sender leaf in srcChain's tree

    // ---- credit lane: delivery of one message
    signal input creditOn;            // 1: the lane delivers a message; 0: empty
    signal input inSrcChain;          // message source chain
    signal input inDstChain;          // message destination chain (the credited one)
    signal input inSeq;               // message sequence number in its pair
    signal input inSendTick;          // tick the message was sent at
    signal input inRecipient;         // recipient leaf index on inDstChain
    signal input inTokenId;           // token of the message
    signal input inAmount;            // amount of the message (range-checked where it was sent)
    signal input inDataHash;          // payload hash of the message
    signal input recipient[5];        // recipient leaf before the credit: ax, ay, tokenId, balance, nonce
    signal input recipientSiblings[D];// Merkle path of the recipient leaf after the debit lane

    // ---- cluster state after the slot
    signal output rootsOut[N];
    signal output outboxOut[N][N];
    signal output inboxOut[N][N];

    debitOn * (debitOn - 1) === 0;
    creditOn * (creditOn - 1) === 0;

    // ================= debit lane
    component src = ChainSelector(N);
    src.chainId <== srcChain;
    component dst = ChainSelector(N);
    dst.chainId <== dstChain;
    component isTransfer = IsEqual();          // a message to its own chain
    isTransfer.in[0] <== srcChain;
    isTransfer.in[1] <== dstChain;

    component amountBits = Num2Bits(BALANCE_BITS);
    amountBits.in <== amount;
    (sender[2] - tokenId) * debitOn === 0;     // token id kept
    (sender[4] - nonce) * debitOn === 0;       // nonce matches the leaf
    signal debited <== debitOn * (sender[3] - amount);
    component debitedBits = Num2Bits(BALANCE_BITS); // no overdraft: balance - amount >= 0
    debitedBits.in <== debited;

    signal srcTerms[N];                        // rootsIn[i] selected by srcChain
    var srcRoot = 0;
    for (var i = 0; i < N; i++) {
        srcTerms[i] <== src.out[i] * rootsIn[i];
        srcRoot += srcTerms[i];
    }
    component senderOld = Poseidon(5);
    component senderNew = Poseidon(5);
    for (var k = 0; k < 5; k++) { senderOld.inputs[k] <== sender[k]; }
    senderNew.inputs[0] <== sender[0];
    senderNew.inputs[1] <== sender[1];
    senderNew.inputs[2] <== sender[2];
    senderNew.inputs[3] <== sender[3] - amount;
    senderNew.inputs[4] <== sender[4] + 1;
    component debit = MerkleLeafUpdate(D);
    debit.enabled <== debitOn;
    debit.oldRoot <== srcRoot;
    debit.index <== fromIndex;
    debit.oldLeaf <== senderOld.out;
    debit.newLeaf <== senderNew.out;
    for (var i = 0; i < D; i++) { debit.siblings[i] <== senderSiblings[i]; }
    signal rootsMid[N];                        // roots after the debit lane
    for (var i = 0; i < N; i++) {
        rootsMid[i] <== rootsIn[i] + src.out[i] * (debit.newRoot - srcRoot);
    }

    component digest = Poseidon(10);           // what the sender signed
    digest.inputs[0] <== domain;               // no replay on another deployment or L1
    digest.inputs[1] <== 2 - isTransfer.out;   // opType: 1 TRANSFER, 2 SEND
    digest.inputs[2] <== srcChain;
    digest.inputs[3] <== dstChain;
    digest.inputs[4] <== fromIndex;
    digest.inputs[5] <== toIndex;
    digest.inputs[6] <== tokenId;
    digest.inputs[7] <== amount;
    digest.inputs[8] <== nonce;
    digest.inputs[9] <== dataHash;
    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== debitOn;
    sig.Ax <== sender[0];
    sig.Ay <== sender[1];
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== digest.out;

    component sentHash = Poseidon(8);          // the message this operation sends, stamped with the tick
    sentHash.inputs[0] <== srcChain;
    sentHash.inputs[1] <== dstChain;
    sentHash.inputs[2] <== msgSeq;
    sentHash.inputs[3] <== tick;
    sentHash.inputs[4] <== toIndex;
    sentHash.inputs[5] <== tokenId;
    sentHash.inputs[6] <== amount;
    sentHash.inputs[7] <== dataHash;
    component outbox = PairChainAppend(N);
    outbox.enabled <== debitOn;
    outbox.msgHash <== sentHash.out;
    for (var i = 0; i < N; i++) {
        outbox.src[i] <== src.out[i];
        outbox.dst[i] <== dst.out[i];
        for (var j = 0; j < N; j++) { outbox.accIn[i][j] <== outboxIn[i][j]; }
    }

    // ================= credit lane
    component inSrc = ChainSelector(N);
    inSrc.chainId <== inSrcChain;
    component inDst = ChainSelector(N);
    inDst.chainId <== inDstChain;

    signal lag <== creditOn * (tick - inSendTick);
    component lagBits = Num2Bits(TICK_BITS);   // sent no later than delivered
    lagBits.in <== lag;
    signal slack <== creditOn * (inSendTick + DELTA - tick);
    component slackBits = Num2Bits(TICK_BITS); // delivered within DELTA ticks of the send
    slackBits.in <== slack;

    (recipient[2] - inTokenId) * creditOn === 0; // token id kept
    signal credited <== creditOn * (recipient[3] + inAmount);
    component creditedBits = Num2Bits(BALANCE_BITS); // no overflow
    creditedBits.in <== credited;

    signal dstTerms[N];                        // rootsMid[i] selected by inDstChain
    var dstRoot = 0;
    for (var i = 0; i < N; i++) {
        dstTerms[i] <== inDst.out[i] * rootsMid[i];
        dstRoot += dstTerms[i];
    }
    component recipientOld = Poseidon(5);
    component recipientNew = Poseidon(5);
    for (var k = 0; k < 5; k++) { recipientOld.inputs[k] <== recipient[k]; }
    recipientNew.inputs[0] <== recipient[0];
    recipientNew.inputs[1] <== recipient[1];
    recipientNew.inputs[2] <== recipient[2];
    recipientNew.inputs[3] <== recipient[3] + inAmount;
    recipientNew.inputs[4] <== recipient[4];
    component credit = MerkleLeafUpdate(D);
    credit.enabled <== creditOn;
    credit.oldRoot <== dstRoot;
    credit.index <== inRecipient;
    credit.oldLeaf <== recipientOld.out;
    credit.newLeaf <== recipientNew.out;
    for (var i = 0; i < D; i++) { credit.siblings[i] <== recipientSiblings[i]; }
    for (var i = 0; i < N; i++) {
        rootsOut[i] <== rootsMid[i] + inDst.out[i] * (credit.newRoot - dstRoot);
    }

    component receivedHash = Poseidon(8);      // the delivered message
    receivedHash.inputs[0] <== inSrcChain;
    receivedHash.inputs[1] <== inDstChain;
    receivedHash.inputs[2] <== inSeq;
    receivedHash.inputs[3] <== inSendTick;
    receivedHash.inputs[4] <== inRecipient;
    receivedHash.inputs[5] <== inTokenId;
    receivedHash.inputs[6] <== inAmount;
    receivedHash.inputs[7] <== inDataHash;
    component inbox = PairChainAppend(N);
    inbox.enabled <== creditOn;
    inbox.msgHash <== receivedHash.out;
    for (var i = 0; i < N; i++) {
        inbox.src[i] <== inSrc.out[i];
        inbox.dst[i] <== inDst.out[i];
        for (var j = 0; j < N; j++) { inbox.accIn[i][j] <== inboxIn[i][j]; }
    }
    for (var i = 0; i < N; i++) {
        for (var j = 0; j < N; j++) {
            outboxOut[i][j] <== outbox.accOut[i][j];
            inboxOut[i][j] <== inbox.accOut[i][j];
        }
    }
}
