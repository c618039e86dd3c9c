pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "merkle.circom";

// One-hot selector of a member chain id: out[i] = (chainId == i); chainId must be in 0..N-1.
template ChainSelector(N) {
    assert(N >= 2 && N <= 16);
    signal input chainId;       // member id
    signal output out[N];       // one-hot: out[i] = 1 iff chainId == i
    var total = 0;
    for (var i = 0; i < N; i++) {
        out[i] <== IsEqual()([chainId, i]);
        total += out[i];
    }
    total === 1;                // an unknown chain id selects nothing and fails here
}

// The root selector: the state root of member chainId among the N member roots, root = roots[chainId],
// with chainId's one-hot (the caller writes the updated root back through it, see MemberLeafUpdate).
template RootSelector(N) {
    assert(N >= 2 && N <= 16);
    signal input chainId;       // member id, must be in 0..N-1
    signal input roots[N];      // member state roots, index = chainId
    signal output select[N];    // one-hot: select[i] = 1 iff chainId == i
    signal output root;         // roots[chainId]

    select <== ChainSelector(N)(chainId);
    signal terms[N];            // select[i] * roots[i], summed into root
    var sum = 0;
    for (var i = 0; i < N; i++) {
        terms[i] <== select[i] * roots[i];
        sum += terms[i];
    }
    root <== sum;
}

// Replaces one leaf in the tree of member chainId: when enabled, checks that oldLeaf sits at index
// under roots[chainId] and outputs the N roots with roots[chainId] replaced by the root with newLeaf
// in its place; when disabled, outputs the roots unchanged and checks nothing about the path.
template MemberLeafUpdate(N, D) {
    assert(N >= 2 && N <= 16);
    assert(D >= 1 && D <= 32);
    signal input enabled;       // 1: apply the update; 0: pass the roots through (caller asserts booleanity)
    signal input chainId;       // member whose tree holds the leaf, must be in 0..N-1
    signal input rootsIn[N];    // member state roots before, index = chainId
    signal input index;         // leaf index in chainId's tree, D bits
    signal input siblings[D];   // Merkle path of the leaf, leaf level first
    signal input oldLeaf;       // leaf hash before the update
    signal input newLeaf;       // leaf hash after the update
    signal output select[N];    // chainId's one-hot (for the caller's hash-chain pair)
    signal output rootsOut[N];  // member state roots after

    component member = RootSelector(N);     // the tree the leaf is in
    member.chainId <== chainId;
    member.roots <== rootsIn;
    select <== member.select;
    component merkle = MerkleLeafUpdate(D); // its root with the leaf replaced
    merkle.enabled <== enabled;
    merkle.oldRoot <== member.root;
    merkle.index <== index;
    merkle.siblings <== siblings;
    merkle.oldLeaf <== oldLeaf;
    merkle.newLeaf <== newLeaf;
    for (var i = 0; i < N; i++) {
        rootsOut[i] <== rootsIn[i] + select[i] * (merkle.newRoot - member.root);
    }
}
