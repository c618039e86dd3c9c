// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./IGovernorRegistry.sol";
import "./IClusterSettlement.sol";
import "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title GovernorRegistry
/// @notice Staked governors of one chain-cluster, their fast confirmations, and slashing with the
///         settled proof as evidence (see IGovernorRegistry). Signatures are EIP-712 typed data (EIP-712,
///         OpenZeppelin EIP712 and ECDSA.tryRecover: 65-byte signatures, low s only, EIP-2).
/// @dev The total stake of each epoch is kept as checkpoints (epoch, total from that epoch on); every change
///      is written for the next epoch, so checkpoint epochs never decrease and a past epoch's total never changes.
contract GovernorRegistry is IGovernorRegistry, EIP712 {
    bytes32 private constant CLAIM_TYPEHASH =
        keccak256("Claim(address cluster,uint64 batchIndex,uint256 header,uint256 newRootsCommitment)");
    uint64 private constant OPEN_ENDED = type(uint64).max;
    uint8 private constant SLASH_CONTRADICTED = 1;
    uint8 private constant SLASH_EQUIVOCATION = 2;
    uint8 private constant SLASH_CHALLENGE = 3;

    /// @inheritdoc IGovernorRegistry
    address public immutable settlement;
    /// @inheritdoc IGovernorRegistry
    uint256 public immutable minStake;
    /// @inheritdoc IGovernorRegistry
    uint256 public immutable epochBlocks;
    /// @inheritdoc IGovernorRegistry
    uint256 public immutable startBlock;
    /// @inheritdoc IGovernorRegistry
    uint256 public immutable unbondingBlocks;
    /// @inheritdoc IGovernorRegistry
    uint256 public immutable challengeWindowBlocks;
    /// @inheritdoc IGovernorRegistry
    uint256 public immutable challengeBond;
    /// @inheritdoc IGovernorRegistry
    uint256 public immutable reporterShareBps;
    /// @inheritdoc IGovernorRegistry
    uint256 public burned;
    /// @inheritdoc IGovernorRegistry
    mapping(address => uint256) public rewardOf;

    mapping(address => Governor) private _governors;
    address[] private _governorList;
    uint64[] private _checkpointEpochs;
    uint256[] private _checkpointTotals;
    mapping(uint64 => Confirmation) private _confirmations;
    mapping(uint64 => Challenge) private _challenges;

    /// @param config see IGovernorRegistry.Config.
    constructor(Config memory config) EIP712("ClusterSettlement governors", "1") {
        if (config.settlement.code.length == 0) revert BadRegistryConfig("settlement");
        if (config.minStake == 0) revert BadRegistryConfig("minStake");
        if (config.epochBlocks == 0 || config.epochBlocks >= 2 ** 32) revert BadRegistryConfig("epochBlocks");
        if (config.challengeWindowBlocks == 0 || config.challengeWindowBlocks >= 2 ** 32) revert BadRegistryConfig("challengeWindowBlocks");
        if (config.unbondingBlocks <= config.challengeWindowBlocks || config.unbondingBlocks >= 2 ** 32) revert BadRegistryConfig("unbondingBlocks");
        if (config.challengeBond == 0) revert BadRegistryConfig("challengeBond");
        if (config.reporterShareBps > 10_000) revert BadRegistryConfig("reporterShareBps");
        settlement = config.settlement;
        minStake = config.minStake;
        epochBlocks = config.epochBlocks;
        startBlock = block.number;
        unbondingBlocks = config.unbondingBlocks;
        challengeWindowBlocks = config.challengeWindowBlocks;
        challengeBond = config.challengeBond;
        reporterShareBps = config.reporterShareBps;
    }

    /// @inheritdoc IGovernorRegistry
    function bond() external payable {
        if (msg.value < minStake || msg.value >= 2 ** 128) revert BadStake(msg.value, minStake);
        if (_governors[msg.sender].stake != 0) revert AlreadyBonded(msg.sender);
        uint64 next = currentEpoch() + 1;
        _governors[msg.sender] = Governor(uint128(msg.value), next, OPEN_ENDED, 0, false, false);
        _governorList.push(msg.sender);
        _changeNextTotal(msg.value, true);
        emit Bonded(msg.sender, msg.value, next);
    }

    /// @inheritdoc IGovernorRegistry
    function requestExit() external {
        Governor storage g = _governors[msg.sender];
        if (g.stake == 0 || g.slashed || g.activeUntil != OPEN_ENDED) revert NotActiveGovernor(msg.sender);
        uint64 next = currentEpoch() + 1;
        _changeNextTotal(g.stake, false);
        g.activeUntil = next;
        g.withdrawableAt = uint64(startBlock + uint256(next) * epochBlocks + unbondingBlocks);
        emit ExitRequested(msg.sender, next, g.withdrawableAt);
    }

    /// @inheritdoc IGovernorRegistry
    function withdrawStake() external {
        Governor storage g = _governors[msg.sender];
        if (g.stake == 0 || g.slashed || g.withdrawn || g.withdrawableAt == 0 || block.number < g.withdrawableAt) {
            revert StakeLocked(msg.sender, g.slashed || g.withdrawn ? 0 : g.withdrawableAt);
        }
        g.withdrawn = true; // before the transfer: a re-entering call finds nothing
        emit StakeWithdrawn(msg.sender, g.stake);
        _pay(msg.sender, g.stake);
    }

    /// @inheritdoc IGovernorRegistry
    function confirm(Claim calldata claim, bytes[] calldata signatures) external {
        _checkClaim(claim);
        if (_confirmations[claim.batchIndex].claimKey != 0) revert AlreadyConfirmed(claim.batchIndex);
        bytes32 digest = claimDigest(claim);
        uint64 epoch = currentEpoch();
        address[] memory signers = new address[](signatures.length);
        uint256 signed = 0;
        address previous = address(0);
        for (uint256 k = 0; k < signatures.length; k++) {
            address signer = _recover(digest, signatures[k], k);
            if (signer <= previous) revert SignersNotAscending(k, signer);
            Governor storage g = _governors[signer];
            uint256 stake = g.slashed ? 0 : stakeAt(signer, epoch);
            if (stake == 0) revert NotGovernor(signer, epoch);
            signed += stake;
            signers[k] = signer;
            previous = signer;
        }
        uint256 total = totalStakeAt(epoch);
        if (signed == 0 || signed * 3 < total * 2) revert NoQuorum(signed, total);
        _confirmations[claim.batchIndex] = Confirmation(
            _claimKey(claim), epoch, uint128(signed), uint64(block.number), keccak256(abi.encodePacked(signers)));
        emit ClaimConfirmed(claim.batchIndex, claim.header, claim.newRootsCommitment, epoch, signed, signers);
    }

    /// @inheritdoc IGovernorRegistry
    function slashContradicted(Claim calldata claim, bytes calldata signature) external {
        if (claim.cluster != settlement) revert WrongCluster(claim.cluster);
        bytes32 settled = IClusterSettlement(settlement).settledClaim(claim.batchIndex);
        if (settled == 0) revert BatchNotSettled(claim.batchIndex);
        if (settled == _claimKey(claim)) revert ClaimMatchesSettlement(claim.batchIndex);
        address signer = _recover(claimDigest(claim), signature, 0);
        if (!_slash(signer, claim.batchIndex, SLASH_CONTRADICTED, msg.sender)) revert NothingToSlash(signer);
    }

    /// @inheritdoc IGovernorRegistry
    function slashEquivocation(Claim calldata a, bytes calldata signatureA, Claim calldata b, bytes calldata signatureB) external {
        if (a.cluster != settlement) revert WrongCluster(a.cluster);
        if (b.cluster != settlement) revert WrongCluster(b.cluster);
        bytes32 digestA = claimDigest(a);
        bytes32 digestB = claimDigest(b);
        if (a.batchIndex != b.batchIndex || digestA == digestB) revert NotEquivocation(a.batchIndex, b.batchIndex);
        address signer = _recover(digestA, signatureA, 0);
        if (_recover(digestB, signatureB, 1) != signer) revert NotEquivocation(a.batchIndex, b.batchIndex);
        if (!_slash(signer, a.batchIndex, SLASH_EQUIVOCATION, msg.sender)) revert NothingToSlash(signer);
    }

    /// @inheritdoc IGovernorRegistry
    function challenge(uint64 batchIndex) external payable {
        if (_confirmations[batchIndex].claimKey == 0) revert NotConfirmed(batchIndex);
        if (IClusterSettlement(settlement).settledClaim(batchIndex) != 0) revert BatchSettledAlready(batchIndex);
        if (_challenges[batchIndex].challenger != address(0)) revert AlreadyChallenged(batchIndex);
        if (msg.value != challengeBond) revert WrongChallengeBond(msg.value, challengeBond);
        uint64 deadline = uint64(block.number + challengeWindowBlocks);
        _challenges[batchIndex] = Challenge(msg.sender, deadline, false);
        emit Challenged(batchIndex, msg.sender, deadline);
    }

    /// @inheritdoc IGovernorRegistry
    function resolveChallenge(uint64 batchIndex, address[] calldata signers) external {
        Challenge storage c = _challenges[batchIndex];
        if (c.challenger == address(0) || c.resolved) revert NoOpenChallenge(batchIndex);
        Confirmation storage confirmation = _confirmations[batchIndex];
        if (keccak256(abi.encodePacked(signers)) != confirmation.signersHash) revert WrongSigners(batchIndex);
        bytes32 settled = IClusterSettlement(settlement).settledClaim(batchIndex);
        bool upheld;
        if (settled != 0) upheld = settled != confirmation.claimKey;
        else if (block.number > c.deadline) upheld = true; // nothing settled the claim in time
        else revert ChallengeStillOpen(batchIndex, c.deadline);
        c.resolved = true;
        if (upheld) {
            for (uint256 k = 0; k < signers.length; k++) _slash(signers[k], batchIndex, SLASH_CHALLENGE, c.challenger);
            rewardOf[c.challenger] += challengeBond;
        } else {
            uint256 share = challengeBond / signers.length; // a confirmation has at least one signer
            for (uint256 k = 0; k < signers.length; k++) rewardOf[signers[k]] += share;
            rewardOf[signers[0]] += challengeBond - share * signers.length;
        }
        emit ChallengeResolved(batchIndex, upheld);
    }

    /// @inheritdoc IGovernorRegistry
    function claimReward() external {
        uint256 amount = rewardOf[msg.sender];
        if (amount == 0) revert NoReward(msg.sender);
        rewardOf[msg.sender] = 0; // before the transfer: a re-entering call finds nothing
        emit RewardClaimed(msg.sender, amount);
        _pay(msg.sender, amount);
    }

    /// @inheritdoc IGovernorRegistry
    function currentEpoch() public view returns (uint64) {
        return uint64((block.number - startBlock) / epochBlocks);
    }

    /// @inheritdoc IGovernorRegistry
    function governorOf(address governor) external view returns (Governor memory) {
        return _governors[governor];
    }

    /// @inheritdoc IGovernorRegistry
    function governors() external view returns (address[] memory) {
        return _governorList;
    }

    /// @inheritdoc IGovernorRegistry
    function stakeAt(address governor, uint64 epoch) public view returns (uint256) {
        Governor storage g = _governors[governor];
        if (epoch < g.activeFrom || epoch >= g.activeUntil) return 0;
        return g.stake;
    }

    /// @inheritdoc IGovernorRegistry
    function totalStakeAt(uint64 epoch) public view returns (uint256) {
        // the last checkpoint at or before `epoch` (binary search: checkpoint epochs never decrease)
        uint256 low = 0;
        uint256 high = _checkpointEpochs.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_checkpointEpochs[mid] <= epoch) low = mid + 1;
            else high = mid;
        }
        return low == 0 ? 0 : _checkpointTotals[low - 1];
    }

    /// @inheritdoc IGovernorRegistry
    function confirmationOf(uint64 batchIndex) external view returns (Confirmation memory) {
        return _confirmations[batchIndex];
    }

    /// @inheritdoc IGovernorRegistry
    function challengeOf(uint64 batchIndex) external view returns (Challenge memory) {
        return _challenges[batchIndex];
    }

    /// @inheritdoc IGovernorRegistry
    function claimDigest(Claim calldata claim) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CLAIM_TYPEHASH, claim.cluster, claim.batchIndex, claim.header, claim.newRootsCommitment)));
    }

    /// @dev Refuses a claim about another cluster, or whose index is not its header's.
    function _checkClaim(Claim calldata claim) private view {
        if (claim.cluster != settlement) revert WrongCluster(claim.cluster);
        if (claim.header >> 128 != 0 || uint64(claim.header >> 64) != claim.batchIndex) revert ClaimIndexMismatch(claim.batchIndex, claim.header);
    }

    function _claimKey(Claim calldata claim) private pure returns (bytes32) {
        return keccak256(abi.encode(claim.header, claim.newRootsCommitment));
    }

    function _recover(bytes32 digest, bytes calldata signature, uint256 position) private pure returns (address signer) {
        ECDSA.RecoverError err;
        (signer, err, ) = ECDSA.tryRecover(digest, signature);
        if (err != ECDSA.RecoverError.NoError) revert BadSignature(position);
    }

    /// @dev Slashes `governor` if it still holds stake here: it leaves the set from the next epoch (the
    ///      current epoch's total is fixed), `reporterShareBps` of the stake is owed to `reporter`, the rest burned.
    /// @return false when there was nothing to slash (never bonded, withdrawn or slashed already).
    function _slash(address governor, uint64 batchIndex, uint8 reason, address reporter) private returns (bool) {
        Governor storage g = _governors[governor];
        if (g.stake == 0 || g.slashed || g.withdrawn) return false;
        g.slashed = true;
        uint64 next = currentEpoch() + 1;
        if (g.activeUntil > next) {
            _changeNextTotal(g.stake, false);
            g.activeUntil = next;
        }
        uint256 reward = (uint256(g.stake) * reporterShareBps) / 10_000;
        rewardOf[reporter] += reward;
        burned += g.stake - reward;
        emit Slashed(governor, batchIndex, reason, reporter, reward, g.stake - reward);
        return true;
    }

    /// @dev Adds `amount` to (or takes it from) the total stake from the next epoch on.
    function _changeNextTotal(uint256 amount, bool add) private {
        uint64 next = currentEpoch() + 1;
        uint256 n = _checkpointEpochs.length;
        uint256 last = n == 0 ? 0 : _checkpointTotals[n - 1];
        uint256 total = add ? last + amount : last - amount;
        if (n != 0 && _checkpointEpochs[n - 1] == next) {
            _checkpointTotals[n - 1] = total;
        } else {
            _checkpointEpochs.push(next);
            _checkpointTotals.push(total);
        }
    }

    function _pay(address to, uint256 amount) private {
        (bool ok, ) = to.call{value: amount}("");
        if (!ok) revert EthTransferFailed(to);
    }
}
