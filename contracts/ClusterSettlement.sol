// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./IClusterSettlement.sol";

/// @title ClusterSettlement
/// @notice Joint settlement of an N-member chain-cluster: each call verifies one or more consecutive
///         batch proofs (Groth16, verifier exported by snarkjs) and moves every member's state root at
///         once; any failure reverts the whole call, so no member ever settles alone. Only the cluster's
///         registered sequencers may settle.
/// @dev Public signals of a batch proof, in circuit order (N + 3; chosen by measured gas):
///      [header, oldRootsCommitment, newRootsCommitment, newRoots[0..N-1]] with
///      header = batchIndex * 2^64 + firstTick * 2^32 + lastTick and a roots commitment =
///      Poseidon(domain, Poseidon(roots[0..N-1])) (circomlib). The contract keeps the commitment of the
///      current roots and passes it as the old one, so old roots travel neither in calldata nor as
///      public inputs. The signing domain = keccak256(abi.encode(block.chainid, clusterId)) mod r is
///      computed here and enters the genesis commitment, which the constructor recomputes on-chain with
///      circomlibjs' Poseidon contracts: every proof, and every signature it checks, is bound to it.
contract ClusterSettlement is IClusterSettlement {
    /// @dev BN254 scalar field order r (EIP-197): public inputs and the domain live below it.
    uint256 private constant SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @inheritdoc IClusterSettlement
    address public immutable verifier;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable members;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable deltaTicks;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable clusterId;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable domain;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable genesisTime;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable maxTickLead;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable maxTicksPerSecond;
    /// @notice verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[N+3]) selector.
    bytes4 private immutable verifySelector;

    /// @inheritdoc IClusterSettlement
    address public owner;
    /// @inheritdoc IClusterSettlement
    mapping(address => bool) public isSequencer;

    /// @dev Current state root of each member chain, by chainId (a mapping: no length slot to read or write).
    mapping(uint256 => uint256) private _roots;
    /// @inheritdoc IClusterSettlement
    uint256 public rootsCommitment;
    /// @inheritdoc IClusterSettlement
    uint64 public nextBatchIndex;
    /// @inheritdoc IClusterSettlement
    uint32 public lastSettledTick;

    /// @param config see `Config`; the deployer becomes the owner.
    constructor(Config memory config) {
        uint256 n = config.genesisRoots.length;
        if (n < 2 || n > 8) revert BadMemberCount(n);
        if (config.deltaTicks == 0 || config.deltaTicks >= 2 ** 16) revert BadDeltaTicks(config.deltaTicks);
        if (config.maxTicksPerSecond == 0) revert BadTickRate();
        bytes4 selector = bytes4(keccak256(abi.encodePacked(
            "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(n + 3), "])")));
        if (!_hasVerifyProof(config.verifier, selector, n + 3)) revert VerifierArityMismatch(config.verifier, n + 3);

        uint256 domain_ = uint256(keccak256(abi.encode(block.chainid, config.clusterId))) % SCALAR_FIELD;
        for (uint256 i = 0; i < n; i++) {
            if (config.genesisRoots[i] >= SCALAR_FIELD) revert GenesisRootNotInField(i, config.genesisRoots[i]);
            _roots[i] = config.genesisRoots[i];
        }
        // poseidon(uint256[K]) takes a static array: its words inline, as abi.encodePacked lays out a uint256[]
        bytes4 rootsSelector = bytes4(keccak256(abi.encodePacked("poseidon(uint256[", _decimal(n), "])")));
        uint256 rootsHash = _poseidon(config.poseidonRoots, abi.encodePacked(rootsSelector, config.genesisRoots));
        uint256 commitment = _poseidon(config.poseidonPair,
            abi.encodePacked(bytes4(keccak256("poseidon(uint256[2])")), domain_, rootsHash));
        if (commitment != config.genesisRootsCommitment) revert GenesisCommitmentMismatch(commitment, config.genesisRootsCommitment);

        verifier = config.verifier;
        members = n;
        deltaTicks = config.deltaTicks;
        clusterId = config.clusterId;
        domain = domain_;
        genesisTime = block.timestamp;
        maxTickLead = config.maxTickLead;
        maxTicksPerSecond = config.maxTicksPerSecond;
        verifySelector = selector;
        rootsCommitment = commitment;
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
        for (uint256 i = 0; i < config.sequencers.length; i++) _setSequencer(config.sequencers[i], true);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @inheritdoc IClusterSettlement
    function setSequencer(address account, bool allowed) external onlyOwner {
        _setSequencer(account, allowed);
    }

    /// @inheritdoc IClusterSettlement
    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// @inheritdoc IClusterSettlement
    function currentRoots() external view returns (uint256[] memory out) {
        out = new uint256[](members);
        for (uint256 i = 0; i < out.length; i++) out[i] = _roots[i];
    }

    /// @inheritdoc IClusterSettlement
    function rootOf(uint256 chainId) external view returns (uint256) {
        return _roots[chainId];
    }

    /// @inheritdoc IClusterSettlement
    function maxTickAt(uint256 timestamp) public view returns (uint256) {
        uint256 elapsed = timestamp > genesisTime ? timestamp - genesisTime : 0;
        return maxTickLead + elapsed * maxTicksPerSecond;
    }

    /// @inheritdoc IClusterSettlement
    function packHeader(uint64 batchIndex, uint32 firstTick, uint32 lastTick) external pure returns (uint256) {
        return (uint256(batchIndex) << 64) | (uint256(firstTick) << 32) | uint256(lastTick);
    }

    /// @inheritdoc IClusterSettlement
    function settle(Batch[] calldata batches) external {
        if (!isSequencer[msg.sender]) revert NotSequencer(msg.sender);
        if (batches.length == 0) revert EmptySettlement();
        uint256 n = members;
        uint256 commitment = rootsCommitment;
        uint64 next = nextBatchIndex;
        uint32 tick = lastSettledTick;
        uint256 maxTick = maxTickAt(block.timestamp);
        for (uint256 b = 0; b < batches.length; b++) {
            Batch calldata batch = batches[b];
            uint256 header = batch.header;
            if (header >> 128 != 0) revert BadHeader(header);
            uint64 index = uint64(header >> 64);
            uint32 firstTick = uint32(header >> 32);
            uint32 lastTick = uint32(header);
            if (index < next) revert BatchAlreadySettled(index);
            if (index != next) revert UnexpectedBatchIndex(next, index);
            if (uint256(firstTick) != uint256(tick) + 1) revert TickGap(index, tick + 1, firstTick);
            if (lastTick < firstTick) revert BadTickRange(index, firstTick, lastTick);
            if (lastTick > maxTick) revert TickAheadOfL1Time(index, lastTick, maxTick);
            if (batch.newRoots.length != n) revert WrongMemberCount(index, n, batch.newRoots.length);
            if (batch.oldRootsCommitment != commitment) revert OldRootsMismatch(index, commitment, batch.oldRootsCommitment);
            if (!_verify(batch)) revert InvalidProof(index);
            commitment = batch.newRootsCommitment;
            next = index + 1;
            tick = lastTick;
            emit BatchSettled(index, header, commitment);
        }
        uint256[] calldata last = batches[batches.length - 1].newRoots;
        for (uint256 i = 0; i < n; i++) _roots[i] = last[i];
        rootsCommitment = commitment;
        nextBatchIndex = next;
        lastSettledTick = tick;
    }

    function _setSequencer(address account, bool allowed) private {
        if (account == address(0)) revert ZeroAddress();
        isSequencer[account] = allowed;
        emit SequencerSet(account, allowed);
    }

    function _verify(Batch calldata batch) private view returns (bool) {
        bytes memory call = abi.encodePacked(
            verifySelector, batch.proof, batch.header, batch.oldRootsCommitment, batch.newRootsCommitment, batch.newRoots);
        (bool ok, bytes memory ret) = verifier.staticcall(call);
        return ok && ret.length == 32 && abi.decode(ret, (bool));
    }

    /// @dev True when `target` answers verifyProof with `inputs` public inputs (all-zero arguments; the
    ///      snarkjs verifier returns false for them, and reverts for an unknown selector).
    function _hasVerifyProof(address target, bytes4 selector, uint256 inputs) private view returns (bool) {
        if (target.code.length == 0) return false;
        (bool ok, bytes memory ret) = target.staticcall(abi.encodePacked(selector, new uint256[](8 + inputs)));
        return ok && ret.length == 32;
    }

    function _poseidon(address target, bytes memory call) private view returns (uint256) {
        (bool ok, bytes memory ret) = target.staticcall(call);
        if (!ok || ret.length != 32) revert PoseidonFailed(target);
        return abi.decode(ret, (uint256));
    }

    function _decimal(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory digits;
        while (v > 0) {
            digits = abi.encodePacked(bytes1(uint8(48 + (v % 10))), digits);
            v /= 10;
        }
        return string(digits);
    }
}
