pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";

// What the sender of a TRANSFER, SEND or WITHDRAW signs: Poseidon(domain, opType, srcChain, dstChain,
// fromIndex, toIndex, tokenId, amount, nonce, dataHash), opType 1 = TRANSFER (dstChain == srcChain),
// 2 = SEND, 4 = WITHDRAW (dstChain == srcChain, toIndex = the L1 address paid; the caller checks
// the chains) (operationDigest in src/protocol/operation.ts). Both chain ids and the nonce stop replay across
// chains, the domain replay across deployments and L1s.
template OperationDigest() {
    signal input domain;        // signing domain of the cluster deployment
    signal input isWithdraw;    // 1: a WITHDRAW (boolean, and dstChain == srcChain: the caller asserts both)
    signal input srcChain;      // chain of the sender
    signal input dstChain;      // chain of the recipient (= srcChain for a TRANSFER)
    signal input fromIndex;     // sender's leaf index on srcChain
    signal input toIndex;       // recipient's leaf index on dstChain
    signal input tokenId;       // token moved
    signal input amount;        // amount moved
    signal input nonce;         // sender's nonce
    signal input dataHash;      // payload hash of the message
    signal output out;          // the digest

    signal isTransfer <== IsEqual()([srcChain, dstChain]); // 1: a message to its own chain
    out <== Poseidon(10)([domain, 2 - isTransfer + 3 * isWithdraw, srcChain, dstChain, fromIndex, toIndex, tokenId, amount, nonce, dataHash]);
}
