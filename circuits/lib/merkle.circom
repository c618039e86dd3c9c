pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// Root of a depth-D binary Poseidon Merkle tree, computed from a leaf and its Merkle path.
// Node hash: Poseidon(left, right) (circomlib Poseidon, Grassi et al. 2019), leaf level first.
template MerkleRoot(D) {
    assert(D >= 1 && D <= 32);
    signal input leaf;          // leaf hash
    signal input pathBits[D];   // bit i: 1 when the node at level i is a right child (caller asserts booleanity)
    signal input siblings[D];   // sibling hash at level i, leaf level first
    signal output root;         // root of the tree

    signal node[D + 1];         // node[i]: hash of the subtree at level i on the path
    signal left[D];             // left input of the level-i hash
    signal right[D];            // right input of the level-i hash
    component hashers[D];
    node[0] <== leaf;
    for (var i = 0; i < D; i++) {
        left[i] <== node[i] + pathBits[i] * (siblings[i] - node[i]);
        right[i] <== siblings[i] + node[i] - left[i];
        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== left[i];
        hashers[i].inputs[1] <== right[i];
        node[i + 1] <== hashers[i].out;
    }
    root <== node[D];
}

// Replaces one leaf of a depth-D tree. When enabled, checks that oldLeaf sits at index under
// oldRoot and outputs the root with newLeaf in its place (same Merkle path). When disabled,
// outputs oldRoot unchanged and checks nothing about the path.
template MerkleLeafUpdate(D) {
    assert(D >= 1 && D <= 32);
    signal input enabled;       // 1: apply the update; 0: pass oldRoot through (caller asserts booleanity)
    signal input oldRoot;       // tree root before the update
    signal input index;         // leaf index, range-checked to D bits
    signal input siblings[D];   // Merkle path of the leaf, leaf level first
    signal input oldLeaf;       // leaf hash before the update
    signal input newLeaf;       // leaf hash after the update
    signal output newRoot;      // tree root after the update (oldRoot when disabled)

    component indexBits = Num2Bits(D);
    indexBits.in <== index;

    component oldPath = MerkleRoot(D);
    component newPath = MerkleRoot(D);
    oldPath.leaf <== oldLeaf;
    oldPath.pathBits <== indexBits.out;
    oldPath.siblings <== siblings;
    newPath.leaf <== newLeaf;
    newPath.pathBits <== indexBits.out;
    newPath.siblings <== siblings;
    (oldPath.root - oldRoot) * enabled === 0;
    newRoot <== oldRoot + enabled * (newPath.root - oldRoot);
}
