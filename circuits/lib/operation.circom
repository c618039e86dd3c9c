pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";

// What the sender of a TRANSFER, SEND, WITHDRAW or MINT signs: Poseidon(domain, opType, srcChain, dstChain,
// fromIndex, toIndex, tokenId, amount, nonce, dataHash), opType 1 = TRANSFER (dstChain == srcChain),
// 2 = SEND, 4 = WITHDRAW (dstChain == srcChain, toIndex = the L1 address paid), 6 = MINT (dstChain ==
// srcChain, signed by the token's minter leaf); the caller checks the chains and that at most one of
// isWithdraw and isMint is set (operationDigest in src/protocol/operation.ts). Both chain ids and the nonce stop replay across
// chains, the domain replay across deployments and L1s.
template OperationDigest() {
    signal input domain;        // signing domain of the cluster deployment
    signal input isWithdraw;    // 1: a WITHDRAW (boolean, and dstChain == srcChain: the caller asserts both)
    signal input isMint;        // 1: a MINT (boolean, and dstChain == srcChain: the caller asserts both)
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
    out <== Poseidon(10)([domain, 2 - isTransfer + 3 * isWithdraw + 5 * isMint, srcChain, dstChain, fromIndex, toIndex, tokenId, amount, nonce, dataHash]);
}

// Who may MINT a cluster-native token (seed 001: every token has one owner chain, and only the owner
// mints it): token id NATIVE_TOKEN_BASE() + 16 * minterIndex + ownerChain names its owner chain and
// the leaf on it whose key signs its mints (nativeTokenId in src/protocol/token.ts; ClusterSettlement
// reads the owner the same way). A MINT is valid only as srcChain = ownerChain and fromIndex =
// minterIndex; a mint on any other chain, by any other leaf, or of an L1-bridged token (ids below
// NATIVE_TOKEN_BASE()) fails here. The decomposition is unique because the caller range-checks
// tokenId to TOKEN_BITS() (SlotPubdata), srcChain below N <= 16 (ChainSelector) and fromIndex below
// 2^D (MemberLeafUpdate), so the sum cannot wrap the field.
function NATIVE_TOKEN_BASE() { return 2 ** 15; }

template MintRight() {
    signal input isMint;        // 1: the operation is a MINT (caller asserts booleanity)
    signal input srcChain;      // chain that mints
    signal input fromIndex;     // leaf that signed the mint
    signal input tokenId;       // token minted

    isMint * (tokenId - NATIVE_TOKEN_BASE() - 16 * fromIndex - srcChain) === 0;
}
