pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// Fields of an account leaf preimage, in hash order (DESIGN.md; accountFields in src/state/account.ts).
// Index a leaf preimage with these, never with a bare number.
function LEAF_AX() { return 0; }        // owner's Baby Jubjub public key, x
function LEAF_AY() { return 1; }        // owner's Baby Jubjub public key, y
function LEAF_TOKEN() { return 2; }     // token id the account holds
function LEAF_BALANCE() { return 3; }   // balance in token base units
function LEAF_NONCE() { return 4; }     // operations the owner has signed so far
function LEAF_FIELDS() { return 5; }    // number of fields

// Leaf hash of an account: Poseidon(ax, ay, tokenId, balance, nonce) (accountLeaf in src/state/account.ts).
// The one leaf hash of the circuit: both lanes hash their leaf with it, before and after the update.
template AccountLeaf() {
    signal input fields[LEAF_FIELDS()];   // leaf preimage, indexed by LEAF_*
    signal output out;                    // leaf hash
    out <== Poseidon(LEAF_FIELDS())(fields);
}

// The sender's account after a signed debit of `amount`: balance - amount, nonce + 1, key and token
// kept; for a MINT (isMint = 1) the minter's balance is kept and only the nonce moves (the message
// carries newly made units). When enabled, checks that the operation's token id and nonce are the
// leaf's and that the balance covers the amount debited (no overdraft: the balance after has
// BALANCE_BITS bits). The amount is range-checked even when disabled (an empty lane carries 0) and
// when minting: the message it sends is credited without a second check.
template AccountDebit(BALANCE_BITS) {
    assert(BALANCE_BITS >= 8 && BALANCE_BITS <= 200);
    signal input enabled;                 // 1: a debit; 0: only the amount is checked (caller asserts booleanity)
    signal input isMint;                  // 1: a MINT, nothing is debited (caller asserts booleanity and isMint <= enabled)
    signal input before[LEAF_FIELDS()];   // sender leaf preimage before the debit
    signal input tokenId;                 // token id of the operation
    signal input amount;                  // amount of the operation (debited unless minted)
    signal input nonce;                   // nonce the sender signed
    signal output after[LEAF_FIELDS()];   // sender leaf preimage after the debit

    component amountBits = Num2Bits(BALANCE_BITS);  // 0 <= amount < 2^BALANCE_BITS
    amountBits.in <== amount;
    (before[LEAF_TOKEN()] - tokenId) * enabled === 0;   // token id kept
    (before[LEAF_NONCE()] - nonce) * enabled === 0;     // nonce matches the leaf
    signal taken <== (1 - isMint) * amount;          // what leaves the sender's balance (0 for a MINT)
    signal debited <== enabled * (before[LEAF_BALANCE()] - taken); // balance after the debit (0 when disabled)
    component debitedBits = Num2Bits(BALANCE_BITS); // no overdraft: 0 <= balance - amount
    debitedBits.in <== debited;

    after[LEAF_AX()] <== before[LEAF_AX()];
    after[LEAF_AY()] <== before[LEAF_AY()];
    after[LEAF_TOKEN()] <== before[LEAF_TOKEN()];
    after[LEAF_BALANCE()] <== before[LEAF_BALANCE()] - taken;
    after[LEAF_NONCE()] <== before[LEAF_NONCE()] + 1;
}

// The recipient's account after the credit of a delivered message: balance + amount; key, token
// and nonce kept. When enabled, checks that the message's token id is the leaf's and that the
// balance does not overflow (balance + amount has BALANCE_BITS bits). The amount itself was
// range-checked where the message was sent (AccountDebit).
template AccountCredit(BALANCE_BITS) {
    assert(BALANCE_BITS >= 8 && BALANCE_BITS <= 200);
    signal input enabled;                 // 1: a credit; 0: checks off (caller asserts booleanity)
    signal input before[LEAF_FIELDS()];   // recipient leaf preimage before the credit
    signal input tokenId;                 // token id of the message
    signal input amount;                  // amount of the message
    signal output after[LEAF_FIELDS()];   // recipient leaf preimage after the credit

    (before[LEAF_TOKEN()] - tokenId) * enabled === 0;   // token id kept
    signal credited <== enabled * (before[LEAF_BALANCE()] + amount); // balance after the credit (0 when disabled)
    component creditedBits = Num2Bits(BALANCE_BITS); // no overflow: balance + amount < 2^BALANCE_BITS
    creditedBits.in <== credited;

    after[LEAF_AX()] <== before[LEAF_AX()];
    after[LEAF_AY()] <== before[LEAF_AY()];
    after[LEAF_TOKEN()] <== before[LEAF_TOKEN()];
    after[LEAF_BALANCE()] <== before[LEAF_BALANCE()] + amount;
    after[LEAF_NONCE()] <== before[LEAF_NONCE()];
}
