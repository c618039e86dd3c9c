pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";

// When an L1 deposit may be refunded instead of credited: only when no leaf can take it, so an
// operator cannot turn a deposit back at will. refund = 1 needs recipientEmpty = 1 (the leaf is empty:
// the caller proves the empty leaf, hash 0, at the index) or a leaf that holds another token.
template DepositRefund() {
    signal input refund;          // 1: the deposit is refunded (caller asserts booleanity)
    signal input recipientEmpty;  // 1: the deposit's leaf is empty
    signal input leafTokenId;     // token the leaf holds (its preimage; ignored when empty)
    signal input tokenId;         // token of the deposit

    recipientEmpty * (recipientEmpty - 1) === 0;
    recipientEmpty * (1 - refund) === 0;              // an empty leaf is only claimed for a refund
    signal sameToken <== IsEqual()([leafTokenId, tokenId]);
    (refund - recipientEmpty) * sameToken === 0;      // a leaf that holds the deposit's token takes it
}
