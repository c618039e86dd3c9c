// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IClusterSettlement
/// @notice What a client of ClusterSettlement sees: the batch and deployment structs, every custom error
///         (each with its 4-byte selector), every event, and every external function and state getter.
///         One settle call verifies one or more consecutive batch proofs of an N-member chain-cluster and
///         moves every member's state root at once, or reverts: no member ever settles alone.
/// @dev Public signals of a batch proof, in circuit order (N + 3):
///      [header, oldRootsCommitment, newRootsCommitment, newRoots[0..N-1]] with
///      header = batchIndex * 2^64 + firstTick * 2^32 + lastTick and a roots commitment =
///      Poseidon(domain, Poseidon(roots[0..N-1])) (circomlib). test/contract-interface.test.ts checks
///      that the selectors below are the compiler's and that ClusterSettlement's ABI is this interface's.
interface IClusterSettlement {
    /// @notice One batch to settle. `proof` is (pA.x, pA.y, pB.x1, pB.x0, pB.y1, pB.y0, pC.x, pC.y),
    ///         the word order of snarkjs' `exportSolidityCallData`.
    struct Batch {
        uint256 header;               // batchIndex * 2^64 + firstTick * 2^32 + lastTick (the packed public input)
        uint256 oldRootsCommitment;
        uint256 newRootsCommitment;
        uint256[] newRoots;
        uint256[8] proof;
    }

    /// @notice Deployment parameters (one struct: the constructor takes many).
    struct Config {
        address verifier;             // Groth16Verifier of the circuit instance (N + 3 public inputs)
        address poseidonRoots;        // circomlibjs Poseidon contract of N inputs
        address poseidonPair;         // circomlibjs Poseidon contract of 2 inputs
        uint256 deltaTicks;           // Δ of the circuit instance, 1..2^16 - 1
        uint256 clusterId;            // the cluster's id (genesis file): with block.chainid, the signing domain
        uint256[] genesisRoots;       // state root of each member at genesis, index = chainId
        uint256 genesisRootsCommitment; // what the deployer computed off-chain; must equal the on-chain value
        address[] sequencers;         // accounts allowed to settle
        uint32 maxTickLead;           // ticks a batch may run ahead of L1 time at genesis
        uint32 maxTicksPerSecond;     // and how fast the allowed tick grows with L1 time, > 0
    }

    // ---- settle ----

    /// @notice `settle` called with no batches.
    /// @dev selector 0x986937ec
    error EmptySettlement();

    /// @notice A batch's index is below `nextBatchIndex()`: a batch of that index is settled already.
    /// @dev selector 0x00c428a3
    /// @param batchIndex the batch's index.
    error BatchAlreadySettled(uint64 batchIndex);

    /// @notice A batch's index is above the next index to settle (a batch is missing before it).
    /// @dev selector 0x5dadd6f3
    /// @param expected the next index to settle (`nextBatchIndex()`, or the previous batch's + 1 in the same call).
    /// @param got the batch's index.
    error UnexpectedBatchIndex(uint64 expected, uint64 got);

    /// @notice A batch's first tick does not follow the last settled tick (or the previous batch's last tick in the same call).
    /// @dev selector 0x16d7a054
    /// @param batchIndex the batch's index.
    /// @param expectedFirstTick the last settled tick + 1.
    /// @param firstTick the batch's first tick.
    error TickGap(uint64 batchIndex, uint32 expectedFirstTick, uint32 firstTick);

    /// @notice A batch's last tick is before its first tick.
    /// @dev selector 0xcc20451c
    /// @param batchIndex the batch's index.
    /// @param firstTick the batch's first tick.
    /// @param lastTick the batch's last tick.
    error BadTickRange(uint64 batchIndex, uint32 firstTick, uint32 lastTick);

    /// @notice A batch's last tick is ahead of what L1 time allows (maxTickLead + elapsed * maxTicksPerSecond).
    /// @dev selector 0x9ca04968
    /// @param batchIndex the batch's index.
    /// @param lastTick the batch's last tick.
    /// @param maxTick `maxTickAt(block.timestamp)`.
    error TickAheadOfL1Time(uint64 batchIndex, uint32 lastTick, uint256 maxTick);

    /// @notice A batch's header has bits set at or above 2^128: it is not a packing of (uint64, uint32, uint32).
    /// @dev selector 0x4a4019c5
    /// @param header the batch's header.
    error BadHeader(uint256 header);

    /// @notice A batch's `newRoots` does not hold one root per member.
    /// @dev selector 0x85254cac
    /// @param batchIndex the batch's index.
    /// @param expected N (`members()`).
    /// @param got the length of the batch's `newRoots`.
    error WrongMemberCount(uint64 batchIndex, uint256 expected, uint256 got);

    /// @notice A batch does not start from the stored roots: its `oldRootsCommitment` is not `rootsCommitment()`
    ///         (or the previous batch's `newRootsCommitment` in the same call).
    /// @dev selector 0xe6ee9b2a
    /// @param batchIndex the batch's index.
    /// @param expectedCommitment the commitment the batch must start from.
    /// @param gotCommitment the batch's `oldRootsCommitment`.
    error OldRootsMismatch(uint64 batchIndex, uint256 expectedCommitment, uint256 gotCommitment);

    /// @notice The verifier refused a batch's proof (or its public inputs), or the verifier call failed.
    /// @dev selector 0x2545bb4b
    /// @param batchIndex the batch's index.
    error InvalidProof(uint64 batchIndex);

    // ---- roles ----

    /// @notice `settle` called by an account that is not a registered sequencer.
    /// @dev selector 0x05967877
    /// @param caller the calling account.
    error NotSequencer(address caller);

    /// @notice An owner action (`setSequencer`, `transferOwnership`) called by another account.
    /// @dev selector 0x245aecd3
    /// @param caller the calling account.
    error NotOwner(address caller);

    /// @notice The zero address given as a sequencer (`setSequencer`, or the constructor's `sequencers`) or as the new owner.
    /// @dev selector 0xd92e233d
    error ZeroAddress();

    // ---- deployment ----

    /// @notice Deployment refused: N outside 2..8 (circomlibjs' Poseidon contracts take at most 8 inputs).
    /// @dev selector 0x4d50f596
    /// @param members the length of `genesisRoots`.
    error BadMemberCount(uint256 members);

    /// @notice Deployment refused: Δ must be 1..2^16 - 1 ticks.
    /// @dev selector 0xe101608c
    /// @param deltaTicks the given Δ.
    error BadDeltaTicks(uint256 deltaTicks);

    /// @notice Deployment refused: the tick rate `maxTicksPerSecond` must be positive.
    /// @dev selector 0xbf582d1a
    error BadTickRate();

    /// @notice Deployment refused: the verifier has no code, or no verifyProof with N + 3 public inputs.
    /// @dev selector 0x8867eb7c
    /// @param verifier the given verifier.
    /// @param publicInputs N + 3.
    error VerifierArityMismatch(address verifier, uint256 publicInputs);

    /// @notice Deployment refused: a genesis root is not a field element (>= r).
    /// @dev selector 0x9a7f9a08
    /// @param chainId the member whose root it is.
    /// @param root the root.
    error GenesisRootNotInField(uint256 chainId, uint256 root);

    /// @notice Deployment refused: the given genesis commitment is not Poseidon(domain, Poseidon(genesisRoots)).
    /// @dev selector 0xd0515802
    /// @param computed the commitment computed on-chain.
    /// @param given `genesisRootsCommitment`.
    error GenesisCommitmentMismatch(uint256 computed, uint256 given);

    /// @notice Deployment refused: a call to a Poseidon contract failed or did not return one word.
    /// @dev selector 0x5ed99729
    /// @param poseidon the Poseidon contract called (`poseidonRoots` or `poseidonPair`).
    error PoseidonFailed(address poseidon);

    // ---- events ----

    /// @notice Emitted once per settled batch, in batch order. The new roots are in the transaction's
    ///         calldata and, after the last batch of a call, in `currentRoots()`; their commitment is here.
    /// @param batchIndex the batch's index.
    /// @param header the batch's header: batchIndex, firstTick and lastTick packed as in `Batch`.
    /// @param newRootsCommitment Poseidon(domain, Poseidon(newRoots)) of the batch.
    event BatchSettled(uint64 indexed batchIndex, uint256 header, uint256 newRootsCommitment);

    /// @notice A sequencer was added (`allowed` true) or removed; also emitted for each of the constructor's sequencers.
    /// @param account the account.
    /// @param allowed whether it may settle now.
    event SequencerSet(address indexed account, bool allowed);

    /// @notice The owner role moved; emitted with `previousOwner` = 0 by the constructor.
    /// @param previousOwner the old owner.
    /// @param newOwner the new owner.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    // ---- settle and reads ----

    /// @notice Verifies `batches` in order and moves all roots to the last batch's new roots. Sequencers only.
    /// @dev Reverts on the first batch that is out of order, replayed, not continuing the ticks, ahead of
    ///      L1 time, not starting from the stored roots, or whose proof fails; emits BatchSettled per batch.
    /// @param batches consecutive batches, the first at `nextBatchIndex()`.
    function settle(Batch[] calldata batches) external;

    /// @notice All member roots, index = chainId.
    /// @return the current state root of each of the N members.
    function currentRoots() external view returns (uint256[] memory);

    /// @notice The current state root of member `chainId` (0 for an unknown member).
    /// @param chainId the member's index, 0..N-1.
    /// @return the member's current state root.
    function rootOf(uint256 chainId) external view returns (uint256);

    /// @notice The largest last tick a batch may have at L1 time `timestamp` (seconds).
    /// @param timestamp an L1 block time (seconds); before `genesisTime()` counts as at it.
    /// @return maxTickLead + (timestamp - genesisTime) * maxTicksPerSecond.
    function maxTickAt(uint256 timestamp) external view returns (uint256);

    /// @notice The packed header public input of a batch: batchIndex * 2^64 + firstTick * 2^32 + lastTick.
    /// @param batchIndex the batch's index.
    /// @param firstTick the batch's first tick.
    /// @param lastTick the batch's last tick.
    /// @return the header, as the circuit and `Batch.header` take it.
    function packHeader(uint64 batchIndex, uint32 firstTick, uint32 lastTick) external pure returns (uint256);

    // ---- owner actions ----

    /// @notice Adds (`allowed` true) or removes a sequencer. Owner only.
    /// @param account the account; not the zero address.
    /// @param allowed whether it may settle.
    function setSequencer(address account, bool allowed) external;

    /// @notice Hands the owner role to `newOwner` (in one step: no acceptance by it). Owner only.
    /// @param newOwner the new owner; not the zero address.
    function transferOwnership(address newOwner) external;

    // ---- state getters ----

    /// @notice Groth16 verifier of the batch circuit (generated by snarkjs at set-up).
    /// @return the verifier's address.
    function verifier() external view returns (address);

    /// @notice Number of member chains N.
    /// @return N, 2..8.
    function members() external view returns (uint256);

    /// @notice Delivery bound Δ in ticks (enforced by the circuit; recorded here for readers).
    /// @return Δ as deployed.
    function deltaTicks() external view returns (uint256);

    /// @notice The cluster's id, from its genesis file.
    /// @return the cluster id.
    function clusterId() external view returns (uint256);

    /// @notice Signing domain of this cluster on this L1: keccak256(abi.encode(block.chainid, clusterId)) mod r.
    /// @return the domain, below the BN254 scalar field order r.
    function domain() external view returns (uint256);

    /// @notice L1 time of deployment (seconds): tick bounds grow from here.
    /// @return the deployment block's timestamp.
    function genesisTime() external view returns (uint256);

    /// @notice Ticks a batch may run ahead of L1 time at genesis.
    /// @return the lead, in ticks.
    function maxTickLead() external view returns (uint256);

    /// @notice Ticks per L1 second the bound grows by.
    /// @return the rate, > 0.
    function maxTicksPerSecond() external view returns (uint256);

    /// @notice May change the sequencer set (an owner action now; a governance action later).
    /// @return the owner's address.
    function owner() external view returns (address);

    /// @notice Whether `account` may call `settle`.
    /// @param account the account.
    /// @return true for a registered sequencer.
    function isSequencer(address account) external view returns (bool);

    /// @notice Poseidon(domain, Poseidon(roots)): the commitment the next batch's proof starts from.
    /// @return the commitment of `currentRoots()`.
    function rootsCommitment() external view returns (uint256);

    /// @notice Index of the next batch to settle.
    /// @return the number of batches settled so far.
    function nextBatchIndex() external view returns (uint64);

    /// @notice Last tick covered by a settled batch (0 at genesis: the first batch starts at tick 1).
    /// @return the last settled tick.
    function lastSettledTick() external view returns (uint32);
}
