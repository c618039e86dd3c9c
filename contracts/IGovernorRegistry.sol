// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "@openzeppelin/contracts/interfaces/IERC5267.sol";

/// @title IGovernorRegistry
/// @notice Staked governors of one chain-cluster (seed 000): they bond ETH, sign EIP-712 claims of what a
///         batch settles to before its proof lands, and lose their stake when the settled proof (or their
///         own second signature) shows a claim was false. A claim signed by governors holding at least 2/3
///         of an epoch's stake is a fast confirmation, recorded here by `confirm` so a light client can
///         judge it from L1 state alone.
/// @dev Epochs count L1 blocks from the registry's deployment: epoch(b) = (b - startBlock) / epochBlocks.
///      Every change of the set (bond, exit, slash) takes effect at the next epoch, so the set of an epoch
///      is fixed once it begins and `stakeAt` / `totalStakeAt` give the set that was in force for any
///      recorded confirmation. The EIP-712 domain is readable with ERC-5267's eip712Domain().
interface IGovernorRegistry is IERC5267 {
    /// @notice What a governor signs (EIP-712 typed data, domain name "ClusterSettlement governors",
    ///         version "1", this chain's id, this registry's address):
    ///         Claim(address cluster,uint64 batchIndex,uint256 header,uint256 newRootsCommitment).
    /// @param cluster the ClusterSettlement contract the claim is about.
    /// @param batchIndex the batch's index; must equal header >> 64.
    /// @param header batchIndex * 2^64 + firstTick * 2^32 + lastTick, as ClusterSettlement packs it.
    /// @param newRootsCommitment Poseidon(domain, Poseidon(newRoots)) after the batch.
    struct Claim {
        address cluster;
        uint64 batchIndex;
        uint256 header;
        uint256 newRootsCommitment;
    }

    /// @notice Deployment parameters.
    /// @param settlement the ClusterSettlement whose batches the governors sign.
    /// @param minStake smallest bond in wei (> 0).
    /// @param epochBlocks L1 blocks per epoch (> 0).
    /// @param unbondingBlocks blocks after the end of a governor's last epoch before its stake can be
    ///        withdrawn; longer than `challengeWindowBlocks`, so a challenge can still reach it.
    /// @param challengeWindowBlocks blocks a challenged confirmation has to be matched by a settlement.
    /// @param challengeBond wei a challenger bonds (> 0): paid to the signers when the challenge fails.
    /// @param reporterShareBps share of a slashed stake paid to its reporter, in basis points (<= 10000);
    ///        the rest is burned (kept here for good, counted in `burned`).
    struct Config {
        address settlement;
        uint256 minStake;
        uint256 epochBlocks;
        uint256 unbondingBlocks;
        uint256 challengeWindowBlocks;
        uint256 challengeBond;
        uint256 reporterShareBps;
    }

    /// @notice One governor. A governor bonds once; its record stays after exit, withdrawal or a slash.
    /// @param stake bonded wei (kept as history: `withdrawn` or `slashed` say whether it is still held here).
    /// @param activeFrom first epoch it is in the set.
    /// @param activeUntil first epoch it is no longer in the set (type(uint64).max while it has not asked to
    ///        exit and was not slashed).
    /// @param withdrawableAt first block its stake can be withdrawn in (0 while it has not asked to exit).
    /// @param slashed whether its stake was slashed (its signatures no longer count, from that block on).
    /// @param withdrawn whether its stake was paid back.
    struct Governor {
        uint128 stake;
        uint64 activeFrom;
        uint64 activeUntil;
        uint64 withdrawableAt;
        bool slashed;
        bool withdrawn;
    }

    /// @notice A fast confirmation recorded by `confirm` (the claim itself is in its ClaimConfirmed event).
    /// @param claimKey keccak256(abi.encode(header, newRootsCommitment)), compared with ClusterSettlement.settledClaim.
    /// @param epoch the epoch whose set signed.
    /// @param signedStake the signers' stake in that epoch.
    /// @param blockNumber the block it was recorded in.
    /// @param signersHash keccak256(abi.encodePacked(signers)) of the ascending signer list.
    struct Confirmation {
        bytes32 claimKey;
        uint64 epoch;
        uint128 signedStake;
        uint64 blockNumber;
        bytes32 signersHash;
    }

    /// @notice An open or resolved challenge of a confirmation.
    /// @param challenger who bonded it (0 when there is none).
    /// @param deadline last block a settlement can answer it in.
    /// @param resolved whether it was resolved.
    struct Challenge {
        address challenger;
        uint64 deadline;
        bool resolved;
    }

    /// @notice A deployment parameter is out of range.
    /// @dev selector 0x797dfa4f
    /// @param field the parameter's name in `Config`.
    error BadRegistryConfig(string field);

    /// @notice A bond below `minStake`, or of 2^128 wei or more.
    /// @dev selector 0x1fcab370
    /// @param amount the wei sent.
    /// @param minStake the smallest bond.
    error BadStake(uint256 amount, uint256 minStake);

    /// @notice The address has bonded before (a governor bonds once).
    /// @dev selector 0xf30bbe5f
    /// @param governor the caller.
    error AlreadyBonded(address governor);

    /// @notice The address is not a governor, was slashed, or has asked to exit already (requestExit).
    /// @dev selector 0xaf4c943c
    /// @param governor the caller.
    error NotActiveGovernor(address governor);

    /// @notice Nothing to withdraw yet, or at all.
    /// @dev selector 0xf5a55f9e
    /// @param governor the caller.
    /// @param withdrawableAt the first block it can be withdrawn in (0: never, no stake, no exit asked, slashed or withdrawn).
    error StakeLocked(address governor, uint256 withdrawableAt);

    /// @notice A claim names another cluster than this registry's settlement.
    /// @dev selector 0x4fd2b973
    /// @param cluster the claim's cluster.
    error WrongCluster(address cluster);

    /// @notice A claim's batchIndex is not the index in its header, or the header has bits above 128.
    /// @dev selector 0x6bd0abac
    /// @param batchIndex the claim's batch index.
    /// @param header the claim's header.
    error ClaimIndexMismatch(uint64 batchIndex, uint256 header);

    /// @notice A signature is not 65 bytes, does not recover, or its s is in the upper half (OpenZeppelin ECDSA.tryRecover, EIP-2).
    /// @dev selector 0xa1c97319
    /// @param position its position in the list (0 for single-signature calls, 1 for the second of an equivocation).
    error BadSignature(uint256 position);

    /// @notice The signer of a claim holds no stake in the epoch it is counted in (never bonded, not yet
    ///         active, exited, or slashed).
    /// @dev selector 0x4d46a353
    /// @param signer the recovered signer.
    /// @param epoch the epoch it was counted in.
    error NotGovernor(address signer, uint256 epoch);

    /// @notice Signers must come in strictly ascending address order: a signer counted twice is refused here.
    /// @dev selector 0xbf022a45
    /// @param position the signature's position in the list.
    /// @param signer its recovered signer.
    error SignersNotAscending(uint256 position, address signer);

    /// @notice The signers hold less than 2/3 of the epoch's stake.
    /// @dev selector 0xa07c49af
    /// @param signedStake the signers' stake.
    /// @param totalStake the epoch's total stake.
    error NoQuorum(uint256 signedStake, uint256 totalStake);

    /// @notice A confirmation for this batch index is recorded already.
    /// @dev selector 0x91de95a6
    /// @param batchIndex the claim's batch index.
    error AlreadyConfirmed(uint64 batchIndex);

    /// @notice The batch is not settled, so the proof says nothing about the claim yet.
    /// @dev selector 0xbf13a3b3
    /// @param batchIndex the claim's batch index.
    error BatchNotSettled(uint64 batchIndex);

    /// @notice A reported claim equals what the proof settled: no lie.
    /// @dev selector 0xaa1d9d8e
    /// @param batchIndex the claim's batch index.
    error ClaimMatchesSettlement(uint64 batchIndex);

    /// @notice The signer holds no stake to slash (never bonded, withdrawn, or slashed already: a report twice).
    /// @dev selector 0xea532960
    /// @param governor the recovered signer.
    error NothingToSlash(address governor);

    /// @notice Two claims of an equivocation report are not two different claims of one batch index by one signer.
    /// @dev selector 0xf0aac932
    /// @param batchIndexA the first claim's batch index.
    /// @param batchIndexB the second claim's batch index.
    error NotEquivocation(uint64 batchIndexA, uint64 batchIndexB);

    /// @notice No confirmation is recorded for this batch index.
    /// @dev selector 0x38bbffad
    /// @param batchIndex the batch index.
    error NotConfirmed(uint64 batchIndex);

    /// @notice The batch settled already: report a contradicted claim with `slashContradicted` instead.
    /// @dev selector 0x1223f165
    /// @param batchIndex the batch index.
    error BatchSettledAlready(uint64 batchIndex);

    /// @notice A challenge's bond differs from `challengeBond`.
    /// @dev selector 0x13d69b79
    /// @param sent the wei sent.
    /// @param required `challengeBond`.
    error WrongChallengeBond(uint256 sent, uint256 required);

    /// @notice The confirmation has been challenged already.
    /// @dev selector 0xce0cf4cb
    /// @param batchIndex the batch index.
    error AlreadyChallenged(uint64 batchIndex);

    /// @notice No open challenge for this batch index.
    /// @dev selector 0x6bef1e26
    /// @param batchIndex the batch index.
    error NoOpenChallenge(uint64 batchIndex);

    /// @notice The challenge can be resolved only once the batch settles, or after its deadline.
    /// @dev selector 0x91744866
    /// @param batchIndex the batch index.
    /// @param deadline the challenge's last block.
    error ChallengeStillOpen(uint64 batchIndex, uint256 deadline);

    /// @notice The signer list given to resolve a challenge is not the one the confirmation recorded.
    /// @dev selector 0x6ce7e5a9
    /// @param batchIndex the batch index.
    error WrongSigners(uint64 batchIndex);

    /// @notice Nothing owed to the caller.
    /// @dev selector 0xda2d3916
    /// @param account the caller.
    error NoReward(address account);

    /// @notice An ETH transfer to the account failed.
    /// @dev selector 0x09b62ba1
    /// @param account the receiver.
    error EthTransferFailed(address account);

    /// @notice A governor bonded.
    /// @param governor the governor.
    /// @param stake its bond in wei.
    /// @param activeFrom the first epoch it is in the set.
    event Bonded(address indexed governor, uint256 stake, uint64 activeFrom);

    /// @notice A governor asked to exit.
    /// @param governor the governor.
    /// @param activeUntil the first epoch it is no longer in the set.
    /// @param withdrawableAt the first block its stake can be withdrawn in.
    event ExitRequested(address indexed governor, uint64 activeUntil, uint64 withdrawableAt);

    /// @notice A governor withdrew its stake.
    /// @param governor the governor.
    /// @param stake the wei paid back.
    event StakeWithdrawn(address indexed governor, uint256 stake);

    /// @notice A claim reached 2/3 of the epoch's stake: a fast confirmation.
    /// @param batchIndex the claim's batch index.
    /// @param header the claim's header.
    /// @param newRootsCommitment the claim's roots commitment.
    /// @param epoch the epoch whose set signed.
    /// @param signedStake the signers' stake in that epoch.
    /// @param signers the signers, ascending (resolveChallenge takes this list).
    event ClaimConfirmed(uint64 indexed batchIndex, uint256 header, uint256 newRootsCommitment, uint64 epoch, uint256 signedStake, address[] signers);

    /// @notice A governor's stake was slashed.
    /// @param governor the slashed governor.
    /// @param batchIndex the batch index of the claim that showed the lie.
    /// @param reason 1: a claim the settlement contradicts; 2: equivocation; 3: a lost challenge.
    /// @param reporter who is owed the reporter's share.
    /// @param reward the reporter's share in wei.
    /// @param burnt the wei burned (kept here for good).
    event Slashed(address indexed governor, uint64 indexed batchIndex, uint8 reason, address reporter, uint256 reward, uint256 burnt);

    /// @notice A confirmation was challenged.
    /// @param batchIndex the batch index.
    /// @param challenger who bonded the challenge.
    /// @param deadline the last block a settlement can answer it in.
    event Challenged(uint64 indexed batchIndex, address challenger, uint64 deadline);

    /// @notice A challenge was resolved.
    /// @param batchIndex the batch index.
    /// @param upheld true when the signers were slashed, false when the bond went to them.
    event ChallengeResolved(uint64 indexed batchIndex, bool upheld);

    /// @notice A reward was paid out.
    /// @param account the receiver.
    /// @param amount the wei paid.
    event RewardClaimed(address indexed account, uint256 amount);

    /// @notice Bonds `msg.value` wei; the caller joins the set at the next epoch.
    /// @dev Reverts BadStake below `minStake`, AlreadyBonded for an address that bonded before.
    function bond() external payable;

    /// @notice Leaves the set at the next epoch; the stake unlocks `unbondingBlocks` after that epoch begins.
    /// @dev Reverts NotActiveGovernor when the caller holds no stake, was slashed, or asked before.
    function requestExit() external;

    /// @notice Pays the caller's stake back once unlocked.
    /// @dev Reverts StakeLocked before `withdrawableAt`, or when there is nothing to withdraw.
    function withdrawStake() external;

    /// @notice Records a fast confirmation: signatures over `claim` by governors holding at least 2/3 of
    ///         the stake of the current epoch (slashed governors count nothing).
    /// @param claim the claim (its cluster must be `settlement`, its index its header's).
    /// @param signatures 65-byte signatures over claimDigest(claim), by signers in strictly ascending address order.
    /// @dev Reverts WrongCluster, ClaimIndexMismatch, AlreadyConfirmed, BadSignature, SignersNotAscending,
    ///      NotGovernor, NoQuorum. Emits ClaimConfirmed.
    function confirm(Claim calldata claim, bytes[] calldata signatures) external;

    /// @notice Slashes the signer of `claim` when the settled batch of its index contradicts it; the caller is the reporter.
    /// @param claim the signed claim.
    /// @param signature its 65-byte signature.
    /// @dev Reverts WrongCluster, BatchNotSettled, ClaimMatchesSettlement, BadSignature, NothingToSlash.
    function slashContradicted(Claim calldata claim, bytes calldata signature) external;

    /// @notice Slashes a governor that signed two different claims for one batch index; needs no settlement.
    /// @param a the first claim.
    /// @param signatureA its signature.
    /// @param b the second claim (same batch index, different content).
    /// @param signatureB its signature, by the same signer.
    /// @dev Reverts WrongCluster, NotEquivocation (different indexes, equal claims or different signers),
    ///      BadSignature, NothingToSlash.
    function slashEquivocation(Claim calldata a, bytes calldata signatureA, Claim calldata b, bytes calldata signatureB) external;

    /// @notice Challenges the recorded confirmation of a batch not settled yet, bonding `challengeBond()` wei;
    ///         a settlement must match it within `challengeWindowBlocks`.
    /// @param batchIndex the confirmed batch's index.
    /// @dev Reverts NotConfirmed, BatchSettledAlready, AlreadyChallenged, WrongChallengeBond.
    function challenge(uint64 batchIndex) external payable;

    /// @notice Resolves a challenge once the batch settles, or after the deadline. Upheld (the settlement
    ///         contradicts the claim, or nothing settled by the deadline): every signer that still holds
    ///         stake is slashed and the challenger is owed its bond back and the reporter's shares. Failed
    ///         (the settlement matches): the bond is owed to the signers in equal shares.
    /// @param batchIndex the challenged batch's index.
    /// @param signers the confirmation's signers, as ClaimConfirmed listed them.
    /// @dev Reverts NoOpenChallenge, WrongSigners, ChallengeStillOpen.
    function resolveChallenge(uint64 batchIndex, address[] calldata signers) external;

    /// @notice Pays the caller what slashes and challenges owe it.
    /// @dev Reverts NoReward when nothing is owed.
    function claimReward() external;

    /// @notice The settlement contract whose batches the governors sign.
    /// @return its address.
    function settlement() external view returns (address);

    /// @notice Smallest bond.
    /// @return wei.
    function minStake() external view returns (uint256);

    /// @notice Epoch length.
    /// @return L1 blocks per epoch.
    function epochBlocks() external view returns (uint256);

    /// @notice Where epochs count from.
    /// @return the deployment's block number.
    function startBlock() external view returns (uint256);

    /// @notice Unbonding delay.
    /// @return blocks after a governor's last epoch begins before its stake unlocks.
    function unbondingBlocks() external view returns (uint256);

    /// @notice Challenge window.
    /// @return blocks a challenge waits for a matching settlement.
    function challengeWindowBlocks() external view returns (uint256);

    /// @notice A challenger's bond.
    /// @return wei.
    function challengeBond() external view returns (uint256);

    /// @notice Reporter's share of a slash.
    /// @return basis points.
    function reporterShareBps() external view returns (uint256);

    /// @notice Slashed wei kept here for good.
    /// @return wei.
    function burned() external view returns (uint256);

    /// @notice What slashes and challenges owe an account (claimReward pays it).
    /// @param account the account.
    /// @return wei.
    function rewardOf(address account) external view returns (uint256);

    /// @notice The epoch of the current block.
    /// @return (block.number - startBlock) / epochBlocks.
    function currentEpoch() external view returns (uint64);

    /// @notice A governor's record.
    /// @param governor the address.
    /// @return its record (all zero for an address that never bonded).
    function governorOf(address governor) external view returns (Governor memory);

    /// @notice Every address that ever bonded.
    /// @return the addresses, in bonding order.
    function governors() external view returns (address[] memory);

    /// @notice The set's history: the stake `governor` was counted with in the total of `epoch`.
    /// @param governor the address.
    /// @param epoch an epoch.
    /// @return wei (0 outside its active epochs; a slashed governor's signatures count nothing even where this is not 0).
    function stakeAt(address governor, uint64 epoch) external view returns (uint256);

    /// @notice Total stake of the set of `epoch` (a slash lowers it from the next epoch on).
    /// @param epoch an epoch.
    /// @return wei.
    function totalStakeAt(uint64 epoch) external view returns (uint256);

    /// @notice The confirmation recorded for a batch index.
    /// @param batchIndex the batch index.
    /// @return the confirmation (claimKey 0 when there is none).
    function confirmationOf(uint64 batchIndex) external view returns (Confirmation memory);

    /// @notice The challenge of a batch index's confirmation.
    /// @param batchIndex the batch index.
    /// @return the challenge (challenger 0 when there is none).
    function challengeOf(uint64 batchIndex) external view returns (Challenge memory);

    /// @notice The EIP-712 digest a governor signs for `claim`.
    /// @param claim the claim.
    /// @return keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(claim)).
    function claimDigest(Claim calldata claim) external view returns (bytes32);
}
