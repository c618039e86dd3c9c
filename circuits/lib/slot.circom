pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "merkle.circom";

// One operation slot of a cluster batch: NOOP (0), TRANSFER (1), SEND (2) or RECEIVE (3).
//
// Account leaf:  Poseidon(pubKeyAx, pubKeyAy, tokenId, balance, nonce)          (DESIGN.md)
// Signed digest: Poseidon(opType, chainId, peerChainId, fromIndex, toIndex, tokenId, amount, nonce, dataHash)
// Message hash:  Poseidon(srcChain, dstChain, seq, sendTick, recipient, tokenId, amount, dataHash)
// Signatures: EdDSA over Baby Jubjub with Poseidon (circomlib EdDSAPoseidonVerifier).
// Outbox/inbox of each ordered pair (src, dst) are hash chains acc' = Poseidon(acc, msgHash).
//
// TRANSFER: debit `fromIndex` and credit `toIndex` on chainId, signed by the sender.
// SEND:     debit `fromIndex` on chainId (the source), append the message to outbox(chainId -> peerChainId).
// RECEIVE:  credit `toIndex` on chainId (the destination), append the message to inbox(peerChainId -> chainId),
//           only if sendTick <= tick <= sendTick + DELTA. The message is the authority: no signature.
// NOOP:     changes nothing.
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

    // ---- the operation
    signal input opType;              // 0 NOOP, 1 TRANSFER, 2 SEND, 3 RECEIVE
    signal input tick;                // cluster tick at which the slot executes
    signal input chainId;             // member whose state changes: source of TRANSFER/SEND, destination of RECEIVE
    signal input peerChainId;         // other end of the message (destination of SEND, source of RECEIVE); = chainId otherwise
    signal input fromIndex;           // sender's leaf index (TRANSFER, SEND); 0 otherwise
    signal input toIndex;             // recipient's leaf index (on the destination chain for SEND/RECEIVE)
    signal input tokenId;             // token moved
    signal input amount;              // amount moved, BALANCE_BITS bits
    signal input nonce;               // sender's nonce, must equal the leaf's nonce (TRANSFER, SEND)
    signal input dataHash;            // message payload hash (SEND, RECEIVE); 0 for TRANSFER
    signal input msgSeq;              // message sequence number in its (src, dst) pair (SEND, RECEIVE)
    signal input msgSendTick;         // tick at which the message was sent (SEND: = tick)
    signal input sigR8x;              // EdDSA signature point R8, x
    signal input sigR8y;              // EdDSA signature point R8, y
    signal input sigS;                // EdDSA signature scalar S
    signal input sender[5];           // sender leaf before the slot: ax, ay, tokenId, balance, nonce
    signal input senderSiblings[D];   // Merkle path of the sender leaf in chainId's tree before the slot
    signal input recipient[5];        // recipient leaf after the debit: ax, ay, tokenId, balance, nonce
    signal input recipientSiblings[D];// Merkle path of the recipient leaf after the debit

    // ---- cluster state after the slot
    signal output rootsOut[N];
    signal output outboxOut[N][N];
    signal output inboxOut[N][N];

    // ---- operation type flags: one-hot, and opType = 1*isTransfer + 2*isSend + 3*isReceive
    signal isNoop; signal isTransfer; signal isSend; signal isReceive;
    isNoop <-- opType == 0 ? 1 : 0;
    isTransfer <-- opType == 1 ? 1 : 0;
    isSend <-- opType == 2 ? 1 : 0;
    isReceive <-- opType == 3 ? 1 : 0;
    isNoop * (isNoop - 1) === 0;
    isTransfer * (isTransfer - 1) === 0;
    isSend * (isSend - 1) === 0;
    isReceive * (isReceive - 1) === 0;
    isNoop + isTransfer + isSend + isReceive === 1;
    opType === isTransfer + 2 * isSend + 3 * isReceive;
    signal debitEnabled <== isTransfer + isSend;     // slot debits the sender (and is signed)
    signal creditEnabled <== isTransfer + isReceive; // slot credits the recipient
    signal isCross <== isSend + isReceive;           // slot carries a cross-chain message

    // ---- chain selectors: chainId and peerChainId are members 0..N-1
    component chainEq[N]; component peerEq[N];
    signal selChain[N]; signal selPeer[N];
    var chainSum = 0; var peerSum = 0;
    for (var i = 0; i < N; i++) {
        chainEq[i] = IsEqual(); chainEq[i].in[0] <== chainId; chainEq[i].in[1] <== i;
        peerEq[i] = IsEqual(); peerEq[i].in[0] <== peerChainId; peerEq[i].in[1] <== i;
        selChain[i] <== chainEq[i].out;
        selPeer[i] <== peerEq[i].out;
        chainSum += selChain[i]; peerSum += selPeer[i];
    }
    chainSum === 1;
    peerSum === 1;
    (peerChainId - chainId) * isTransfer === 0;       // a TRANSFER stays on its chain
    component samePeer = IsEqual();
    samePeer.in[0] <== chainId; samePeer.in[1] <== peerChainId;
    samePeer.out * isCross === 0;                      // a message goes to another member
    fromIndex * (1 - debitEnabled) === 0;              // unused sender index is zero

    // ---- range checks: amount fits BALANCE_BITS
    component amountBits = Num2Bits(BALANCE_BITS);
    amountBits.in <== amount;

    // ---- root of the chain this slot acts on
    var selectedRoot = 0;
    signal rootTerms[N];
    for (var i = 0; i < N; i++) {
        rootTerms[i] <== selChain[i] * rootsIn[i];
        selectedRoot += rootTerms[i];
    }

    // ---- debit: sender leaf (TRANSFER, SEND)
    (sender[2] - tokenId) * debitEnabled === 0;       // token id kept
    (sender[4] - nonce) * debitEnabled === 0;         // nonce matches the leaf
    signal debitedBalance <== debitEnabled * (sender[3] - amount);
    component debitedBits = Num2Bits(BALANCE_BITS);   // no overdraft: balance - amount >= 0
    debitedBits.in <== debitedBalance;
    component senderOld = Poseidon(5);
    component senderNew = Poseidon(5);
    for (var k = 0; k < 5; k++) { senderOld.inputs[k] <== sender[k]; }
    senderNew.inputs[0] <== sender[0];
    senderNew.inputs[1] <== sender[1];
    senderNew.inputs[2] <== sender[2];
    senderNew.inputs[3] <== sender[3] - amount;
    senderNew.inputs[4] <== sender[4] + 1;
    component debit = MerkleLeafUpdate(D);
    debit.enabled <== debitEnabled;
    debit.oldRoot <== selectedRoot;
    debit.index <== fromIndex;
    debit.oldLeaf <== senderOld.out;
    debit.newLeaf <== senderNew.out;
    for (var i = 0; i < D; i++) { debit.siblings[i] <== senderSiblings[i]; }

    // ---- signature of the sender over every field of the operation (TRANSFER, SEND)
    component digest = Poseidon(9);
    digest.inputs[0] <== opType;
    digest.inputs[1] <== chainId;
    digest.inputs[2] <== peerChainId;
    digest.inputs[3] <== fromIndex;
    digest.inputs[4] <== toIndex;
    digest.inputs[5] <== tokenId;
    digest.inputs[6] <== amount;
    digest.inputs[7] <== nonce;
    digest.inputs[8] <== dataHash;
    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== debitEnabled;
    sig.Ax <== sender[0];
    sig.Ay <== sender[1];
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== digest.out;

    // ---- credit: recipient leaf (TRANSFER, RECEIVE)
    (recipient[2] - tokenId) * creditEnabled === 0;   // token id kept
    signal creditedBalance <== creditEnabled * (recipient[3] + amount);
    component creditedBits = Num2Bits(BALANCE_BITS);  // no overflow
    creditedBits.in <== creditedBalance;
    component recipientOld = Poseidon(5);
    component recipientNew = Poseidon(5);
    for (var k = 0; k < 5; k++) { recipientOld.inputs[k] <== recipient[k]; }
    recipientNew.inputs[0] <== recipient[0];
    recipientNew.inputs[1] <== recipient[1];
    recipientNew.inputs[2] <== recipient[2];
    recipientNew.inputs[3] <== recipient[3] + amount;
    recipientNew.inputs[4] <== recipient[4];
    component credit = MerkleLeafUpdate(D);
    credit.enabled <== creditEnabled;
    credit.oldRoot <== debit.newRoot;
    credit.index <== toIndex;
    credit.oldLeaf <== recipientOld.out;
    credit.newLeaf <== recipientNew.out;
    for (var i = 0; i < D; i++) { credit.siblings[i] <== recipientSiblings[i]; }

    for (var i = 0; i < N; i++) {
        rootsOut[i] <== rootsIn[i] + selChain[i] * (credit.newRoot - selectedRoot);
    }

    // ---- message timing: SEND stamps its tick; RECEIVE within DELTA ticks of the send
    (msgSendTick - tick) * isSend === 0;
    signal receiveLag <== isReceive * (tick - msgSendTick);
    component lagBits = Num2Bits(TICK_BITS);          // sendTick <= tick
    lagBits.in <== receiveLag;
    signal receiveSlack <== isReceive * (msgSendTick + DELTA - tick);
    component slackBits = Num2Bits(TICK_BITS);        // tick <= sendTick + DELTA
    slackBits.in <== receiveSlack;

    // ---- message hash and the pair's hash chain
    signal srcChain <== chainId + isReceive * (peerChainId - chainId);
    signal dstChain <== peerChainId + isReceive * (chainId - peerChainId);
    component msgHash = Poseidon(8);
    msgHash.inputs[0] <== srcChain;
    msgHash.inputs[1] <== dstChain;
    msgHash.inputs[2] <== msgSeq;
    msgHash.inputs[3] <== msgSendTick;
    msgHash.inputs[4] <== toIndex;
    msgHash.inputs[5] <== tokenId;
    msgHash.inputs[6] <== amount;
    msgHash.inputs[7] <== dataHash;

    signal pairSel[N][N];      // slot touches the pair (chainId, peerChainId)
    signal sendSel[N][N];      // [src][dst]: outbox of this pair is appended
    signal recvSel[N][N];      // [src][dst]: inbox of this pair is appended
    signal outTerms[N][N]; signal inTerms[N][N];
    var accOld = 0;
    for (var i = 0; i < N; i++) {
        for (var j = 0; j < N; j++) {
            pairSel[i][j] <== selChain[i] * selPeer[j];
            sendSel[i][j] <== pairSel[i][j] * isSend;
            recvSel[j][i] <== pairSel[i][j] * isReceive;
        }
    }
    for (var i = 0; i < N; i++) {
        for (var j = 0; j < N; j++) {
            outTerms[i][j] <== sendSel[i][j] * outboxIn[i][j];
            inTerms[i][j] <== recvSel[i][j] * inboxIn[i][j];
            accOld += outTerms[i][j] + inTerms[i][j];
        }
    }
    component chain = Poseidon(2);
    chain.inputs[0] <== accOld;
    chain.inputs[1] <== msgHash.out;
    for (var i = 0; i < N; i++) {
        for (var j = 0; j < N; j++) {
            outboxOut[i][j] <== outboxIn[i][j] + sendSel[i][j] * (chain.out - outboxIn[i][j]);
            inboxOut[i][j] <== inboxIn[i][j] + recvSel[i][j] * (chain.out - inboxIn[i][j]);
        }
    }
}
