pragma circom 2.1.0;

include "circomlib/circuits/eddsaposeidon.circom";
include "account.circom";
include "deposit.circom";
include "member.circom";
include "message.circom";
include "operation.circom";

// Debit lane of a slot: one signed TRANSFER, SEND, WITHDRAW or MINT at the slot's tick. Checks the sender's
// EdDSA-Poseidon signature (Baby Jubjub, circomlib) over the OperationDigest, debits the sender's
// leaf in srcChain's tree (AccountDebit, one Merkle leaf update) and, for a TRANSFER or SEND, appends
// the message the operation sends, stamped with the tick, to outbox(srcChain -> dstChain). A TRANSFER
// is a message from a chain to itself (dstChain == srcChain). A WITHDRAW (dstChain == srcChain,
// toIndex = the L1 address paid) sends no message: the batch publishes it and the settlement contract
// owes the amount to that address. A MINT (dstChain == srcChain) is a TRANSFER of newly made units of
// a cluster-native token: signed by the token's minter leaf on its owner chain (MintRight), it keeps
// the minter's balance and sends the message that credits the recipient. Empty (debitOn = 0): changes
// nothing.
template DebitLane(N, D, BALANCE_BITS) {
    assert(N >= 2 && N <= 16);
    assert(D >= 2 && D <= 32);
    assert(BALANCE_BITS >= 8 && BALANCE_BITS <= 200);

    signal input rootsIn[N];          // state root of each member chain before the lane
    signal input outboxIn[N][N];      // outbox hash chain of each ordered pair [src][dst] before the lane
    signal input tick;                // cluster tick of the slot: the message's sendTick
    signal input domain;              // signing domain of the cluster deployment (in the signed digest)
    signal input debitOn;             // 1: the lane holds an operation; 0: empty
    signal input isWithdraw;          // 1: the operation is a WITHDRAW (needs debitOn)
    signal input isMint;              // 1: the operation is a MINT (needs debitOn, not a WITHDRAW)
    signal input srcChain;            // chain of the sender
    signal input dstChain;            // chain of the recipient (= srcChain for a TRANSFER, WITHDRAW or MINT)
    signal input fromIndex;           // sender's leaf index on srcChain
    signal input toIndex;             // recipient's leaf index on dstChain; the L1 address of a WITHDRAW
    signal input tokenId;             // token moved
    signal input amount;              // amount moved, BALANCE_BITS bits
    signal input nonce;               // sender's nonce, must equal the leaf's
    signal input dataHash;            // payload hash of the message
    signal input msgSeq;              // sequence number of the message in its (src, dst) pair
    signal input sigR8x;              // EdDSA signature point R8, x
    signal input sigR8y;              // EdDSA signature point R8, y
    signal input sigS;                // EdDSA signature scalar S
    signal input sender[LEAF_FIELDS()]; // sender leaf preimage before the debit, indexed by LEAF_*
    signal input senderSiblings[D];   // Merkle path of the sender leaf in srcChain's tree
    signal output rootsOut[N];        // state roots after the lane
    signal output outboxOut[N][N];    // outbox hash chains after the lane

    debitOn * (debitOn - 1) === 0;
    isWithdraw * (isWithdraw - 1) === 0;
    isWithdraw * (1 - debitOn) === 0;              // a WITHDRAW is an operation of the lane
    isWithdraw * (dstChain - srcChain) === 0;      // a WITHDRAW stays on its chain (one canonical form)
    isMint * (isMint - 1) === 0;
    isMint * (1 - debitOn + isWithdraw) === 0;     // a MINT is an operation of the lane, and not a WITHDRAW
    isMint * (dstChain - srcChain) === 0;          // a MINT credits its own chain
    MintRight()(isMint, srcChain, fromIndex, tokenId); // only the token's minter leaf on its owner chain mints

    component debit = AccountDebit(BALANCE_BITS);   // the sender's leaf after the debit
    debit.enabled <== debitOn;
    debit.isMint <== isMint;
    debit.before <== sender;
    debit.tokenId <== tokenId;
    debit.amount <== amount;
    debit.nonce <== nonce;
    component senderUpdate = MemberLeafUpdate(N, D); // srcChain's root with the sender's leaf replaced
    senderUpdate.enabled <== debitOn;
    senderUpdate.chainId <== srcChain;
    senderUpdate.rootsIn <== rootsIn;
    senderUpdate.index <== fromIndex;
    senderUpdate.siblings <== senderSiblings;
    senderUpdate.oldLeaf <== AccountLeaf()(sender);
    senderUpdate.newLeaf <== AccountLeaf()(debit.after);
    rootsOut <== senderUpdate.rootsOut;

    component sig = EdDSAPoseidonVerifier();        // the leaf's owner signed the operation
    sig.enabled <== debitOn;
    sig.Ax <== sender[LEAF_AX()];
    sig.Ay <== sender[LEAF_AY()];
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== OperationDigest()(domain, isWithdraw, isMint, srcChain, dstChain, fromIndex, toIndex, tokenId, amount, nonce, dataHash);

    signal sent <== MessageHash()(srcChain, dstChain, msgSeq, tick, toIndex, tokenId, amount, dataHash); // the message sent
    signal dst[N] <== ChainSelector(N)(dstChain);   // one-hot of dstChain
    outboxOut <== PairChainAppend(N)(debitOn - isWithdraw, senderUpdate.select, dst, sent, outboxIn); // a WITHDRAW sends none
}

// Credit lane of a slot: delivery of one message (sent in this slot or an earlier one of the batch)
// at the slot's tick, or of one L1 deposit. A delivery checks the bound (DeliveryWindow), credits the
// recipient's leaf in inDstChain's tree (AccountCredit, one Merkle leaf update) and appends the
// message to inbox(inSrcChain -> inDstChain). Nothing here proves that the message was sent: the
// batch requires inbox == outbox for every pair at its end. A deposit credits the leaf the same way
// and appends nothing: the batch publishes it, and the settlement contract matches it against the
// next entry of its deposit queue. A deposit no leaf can take (an empty leaf, or one of another
// token: DepositRefund proves which) is refunded: the leaf stays as it is and the contract pays the
// depositor back. Empty (creditOn = 0): changes nothing.
template CreditLane(N, D, DELTA, BALANCE_BITS, TICK_BITS) {
    assert(N >= 2 && N <= 16);
    assert(D >= 2 && D <= 32);
    assert(DELTA >= 1 && DELTA < 2 ** TICK_BITS);
    assert(BALANCE_BITS >= 8 && BALANCE_BITS <= 200);
    assert(TICK_BITS >= 8 && TICK_BITS <= 64);

    signal input rootsIn[N];          // state root of each member chain before the lane
    signal input inboxIn[N][N];       // inbox hash chain of each ordered pair [src][dst] before the lane
    signal input tick;                // cluster tick of the slot: the delivery tick
    signal input creditOn;            // 1: the lane credits a message or a deposit; 0: empty
    signal input isDeposit;           // 1: the credit is an L1 deposit (needs creditOn)
    signal input refund;              // 1: the deposit is refunded on L1, no leaf changes (needs isDeposit)
    signal input recipientEmpty;      // 1: the refunded deposit's leaf is empty (needs refund)
    signal input inSrcChain;          // message source chain
    signal input inDstChain;          // message destination chain (the credited one)
    signal input inSeq;               // message sequence number in its pair
    signal input inSendTick;          // tick the message was sent at
    signal input inRecipient;         // recipient leaf index on inDstChain
    signal input inTokenId;           // token of the message or deposit
    signal input inAmount;            // amount of the message (range-checked where it was sent) or deposit
    signal input inDataHash;          // payload hash of the message
    signal input recipient[LEAF_FIELDS()]; // recipient leaf preimage before the credit, indexed by LEAF_*
    signal input recipientSiblings[D];// Merkle path of the recipient leaf in inDstChain's tree
    signal output rootsOut[N];        // state roots after the lane
    signal output inboxOut[N][N];     // inbox hash chains after the lane

    creditOn * (creditOn - 1) === 0;
    isDeposit * (isDeposit - 1) === 0;
    isDeposit * (1 - creditOn) === 0;                   // a deposit is a credit of the lane
    refund * (refund - 1) === 0;
    refund * (1 - isDeposit) === 0;                     // only a deposit is refunded

    component window = DeliveryWindow(DELTA, TICK_BITS); // inSendTick <= tick <= inSendTick + DELTA
    window.enabled <== creditOn - isDeposit;            // a deposit was sent on L1, outside the tick space
    window.sendTick <== inSendTick;
    window.tick <== tick;

    component credit = AccountCredit(BALANCE_BITS);     // the recipient's leaf after the credit
    credit.enabled <== creditOn - refund;
    credit.before <== recipient;
    credit.tokenId <== inTokenId;
    credit.amount <== inAmount;
    component refunded = DepositRefund();               // a refund only where no leaf can take the deposit
    refunded.refund <== refund;
    refunded.recipientEmpty <== recipientEmpty;
    refunded.leafTokenId <== recipient[LEAF_TOKEN()];
    refunded.tokenId <== inTokenId;
    signal leafBefore <== AccountLeaf()(recipient);
    signal oldLeaf <== (1 - recipientEmpty) * leafBefore; // an empty leaf is 0
    signal creditedLeaf <== AccountLeaf()(credit.after);
    component recipientUpdate = MemberLeafUpdate(N, D); // inDstChain's root with the recipient's leaf replaced
    recipientUpdate.enabled <== creditOn;               // a refund proves the leaf it leaves as it is
    recipientUpdate.chainId <== inDstChain;
    recipientUpdate.rootsIn <== rootsIn;
    recipientUpdate.index <== inRecipient;
    recipientUpdate.siblings <== recipientSiblings;
    recipientUpdate.oldLeaf <== oldLeaf;
    recipientUpdate.newLeaf <== creditedLeaf + refund * (oldLeaf - creditedLeaf); // unchanged when refunded
    rootsOut <== recipientUpdate.rootsOut;

    signal received <== MessageHash()(inSrcChain, inDstChain, inSeq, inSendTick, inRecipient, inTokenId, inAmount, inDataHash); // the message delivered
    signal src[N] <== ChainSelector(N)(inSrcChain);     // one-hot of inSrcChain
    inboxOut <== PairChainAppend(N)(creditOn - isDeposit, src, recipientUpdate.select, received, inboxIn); // a deposit appends none
}

// One operation slot of a cluster batch at one tick: a DebitLane, then a CreditLane on the roots it leaves.
//
// Every transfer of value is a message: a TRANSFER is a message from a chain to itself
// (srcChain == dstChain), a SEND one to another member. The debit lane executes a signed user
// operation and appends its message to outbox(src -> dst); the credit lane delivers one message
// (sent in this slot or an earlier one of the batch) and appends it to inbox(src -> dst). The batch
// requires inbox == outbox for every pair at its end, so every message is delivered exactly once,
// unchanged, in per-pair order; within one tick a delivery may precede its send in slot order
// (conservation holds per batch, which is what settles). Each lane does only the work it needs:
// one Merkle leaf update each, a signature only on the debit lane. Either lane may be empty
// (debitOn = 0 / creditOn = 0): it then changes nothing.
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

    // ---- debit lane: a signed TRANSFER, SEND, WITHDRAW or MINT (see DebitLane for each field)
    signal input debitOn;             // 1: the lane holds an operation; 0: empty
    signal input isWithdraw;          // 1: the operation is a WITHDRAW
    signal input isMint;              // 1: the operation is a MINT
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
    signal input sender[LEAF_FIELDS()]; // sender leaf before, indexed by LEAF_*
    signal input senderSiblings[D];   // Merkle path of the sender leaf in srcChain's tree

    // ---- credit lane: delivery of one message or one L1 deposit (see CreditLane for each field)
    signal input creditOn;            // 1: the lane credits a message or a deposit; 0: empty
    signal input isDeposit;           // 1: the credit is an L1 deposit
    signal input refund;              // 1: the deposit is refunded on L1
    signal input recipientEmpty;      // 1: the refunded deposit's leaf is empty
    signal input inSrcChain;          // message source chain
    signal input inDstChain;          // message destination chain (the credited one)
    signal input inSeq;               // message sequence number in its pair
    signal input inSendTick;          // tick the message was sent at
    signal input inRecipient;         // recipient leaf index on inDstChain
    signal input inTokenId;           // token of the message
    signal input inAmount;            // amount of the message (range-checked where it was sent)
    signal input inDataHash;          // payload hash of the message
    signal input recipient[LEAF_FIELDS()]; // recipient leaf before the credit, indexed by LEAF_*
    signal input recipientSiblings[D];// Merkle path of the recipient leaf after the debit lane

    // ---- cluster state after the slot
    signal output rootsOut[N];        // state roots after both lanes
    signal output outboxOut[N][N];    // outbox hash chains after the debit lane
    signal output inboxOut[N][N];     // inbox hash chains after the credit lane

    component debitLane = DebitLane(N, D, BALANCE_BITS);
    debitLane.rootsIn <== rootsIn;
    debitLane.outboxIn <== outboxIn;
    debitLane.tick <== tick;
    debitLane.domain <== domain;
    debitLane.debitOn <== debitOn;
    debitLane.isWithdraw <== isWithdraw;
    debitLane.isMint <== isMint;
    debitLane.srcChain <== srcChain;
    debitLane.dstChain <== dstChain;
    debitLane.fromIndex <== fromIndex;
    debitLane.toIndex <== toIndex;
    debitLane.tokenId <== tokenId;
    debitLane.amount <== amount;
    debitLane.nonce <== nonce;
    debitLane.dataHash <== dataHash;
    debitLane.msgSeq <== msgSeq;
    debitLane.sigR8x <== sigR8x;
    debitLane.sigR8y <== sigR8y;
    debitLane.sigS <== sigS;
    debitLane.sender <== sender;
    debitLane.senderSiblings <== senderSiblings;
    outboxOut <== debitLane.outboxOut;

    component creditLane = CreditLane(N, D, DELTA, BALANCE_BITS, TICK_BITS);
    creditLane.rootsIn <== debitLane.rootsOut;
    creditLane.inboxIn <== inboxIn;
    creditLane.tick <== tick;
    creditLane.creditOn <== creditOn;
    creditLane.isDeposit <== isDeposit;
    creditLane.refund <== refund;
    creditLane.recipientEmpty <== recipientEmpty;
    creditLane.inSrcChain <== inSrcChain;
    creditLane.inDstChain <== inDstChain;
    creditLane.inSeq <== inSeq;
    creditLane.inSendTick <== inSendTick;
    creditLane.inRecipient <== inRecipient;
    creditLane.inTokenId <== inTokenId;
    creditLane.inAmount <== inAmount;
    creditLane.inDataHash <== inDataHash;
    creditLane.recipient <== recipient;
    creditLane.recipientSiblings <== recipientSiblings;
    rootsOut <== creditLane.rootsOut;
    inboxOut <== creditLane.inboxOut;
}
