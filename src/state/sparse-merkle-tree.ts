/**
 * Fixed-depth binary Poseidon Merkle tree over 2^depth leaves, stored sparsely: absent leaves are 0
 * and absent subtrees take the precomputed empty-subtree hash of their level. Node hash is
 * Poseidon(left, right), matching `MerkleRoot(D)` in circuits/lib/merkle.circom.
 */
export class SparseMerkleTree {
  /** emptyHashes[level]: root of an all-empty subtree of that height (level 0 = empty leaf = 0). */
  private readonly emptyHashes: bigint[];
  /** nodes[level] maps index-at-level to hash; only non-empty nodes are stored. */
  private readonly nodes: Map<bigint, bigint>[];

  /**
   * @param depth tree depth D (1..32): the tree holds 2^D leaves.
   * @param hash2 two-to-one hash, Poseidon(left, right) from `getPoseidon()`.
   * @throws RangeError when depth is outside 1..32.
   */
  constructor(
    readonly depth: number,
    private readonly hash2: (l: bigint, r: bigint) => bigint,
  ) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) {
      throw new RangeError(`depth: must be an integer in 1..32, got ${depth}`);
    }
    this.emptyHashes = [0n];
    for (let level = 1; level <= depth; level++) {
      const below = this.emptyHashes[level - 1];
      this.emptyHashes.push(hash2(below, below));
    }
    this.nodes = Array.from({ length: depth + 1 }, () => new Map<bigint, bigint>());
  }

  /** Current root (bigint field element). */
  get root(): bigint {
    return this.node(this.depth, 0n);
  }

  /** Number of leaves (2^depth), as bigint. */
  get capacity(): bigint {
    return 1n << BigInt(this.depth);
  }

  /**
   * Leaf hash at `index` (0 when absent).
   * @throws RangeError when index is outside 0..2^depth-1.
   */
  leaf(index: bigint): bigint {
    this.checkIndex(index);
    return this.node(0, index);
  }

  /**
   * Merkle path of the leaf at `index`: sibling hashes, leaf level first (length = depth).
   * @throws RangeError when index is outside 0..2^depth-1.
   */
  siblings(index: bigint): bigint[] {
    this.checkIndex(index);
    const path: bigint[] = [];
    let i = index;
    for (let level = 0; level < this.depth; level++) {
      path.push(this.node(level, i ^ 1n));
      i >>= 1n;
    }
    return path;
  }

  /**
   * Sets the leaf at `index` to `value` and rehashes its path (depth Poseidon hashes).
   * @throws RangeError when index is outside 0..2^depth-1.
   */
  update(index: bigint, value: bigint): void {
    this.checkIndex(index);
    this.setNode(0, index, value);
    let i = index;
    let current = value;
    for (let level = 0; level < this.depth; level++) {
      const sibling = this.node(level, i ^ 1n);
      current = (i & 1n) === 0n ? this.hash2(current, sibling) : this.hash2(sibling, current);
      i >>= 1n;
      this.setNode(level + 1, i, current);
    }
  }

  /**
   * Root obtained from a leaf and its Merkle path (for checks in tests and by verifiers).
   * @param index leaf index; bit i selects the side at level i (1 = right child).
   */
  static rootFromPath(leaf: bigint, index: bigint, siblings: bigint[], hash2: (l: bigint, r: bigint) => bigint): bigint {
    let current = leaf;
    let i = index;
    for (const sibling of siblings) {
      current = (i & 1n) === 0n ? hash2(current, sibling) : hash2(sibling, current);
      i >>= 1n;
    }
    return current;
  }

  private node(level: number, index: bigint): bigint {
    return this.nodes[level].get(index) ?? this.emptyHashes[level];
  }

  private setNode(level: number, index: bigint, value: bigint): void {
    if (value === this.emptyHashes[level]) this.nodes[level].delete(index);
    else this.nodes[level].set(index, value);
  }

  private checkIndex(index: bigint): void {
    if (index < 0n || index >= this.capacity) {
      throw new RangeError(`index: must be in 0..${this.capacity - 1n}, got ${index}`);
    }
  }
}
