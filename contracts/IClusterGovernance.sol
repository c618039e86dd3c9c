// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IClusterGovernance
/// @notice Joint governance of a chain-cluster (seed 004): every change of the settlement's instance (adding a
///         member, a new verifying key, B or Δ, the deadlines) is a proposal that governors holding at least 2/3 of
///         the stake approve; it is executable only after a timelock from the moment it reached that quorum, and
///         only at the batch boundary it names: when `nextBatchIndex()` of the settlement equals its `atBatch`, so
///         every batch up to `atBatch - 1` is proven by the old instance and every later one by the new.
///         The governors and their stake are those of the cluster's GovernorRegistry, at the epoch the proposal
///         was made in (fixed history: nothing a governor does after it changes the count).
interface IClusterGovernance {
    /// @notice A proposal as stored.
    struct Proposal {
        uint8 action;          // ADD_MEMBER 1, SET_INSTANCE 2, SET_DEADLINES 3, REMOVE_MEMBER 4
        uint64 atBatch;        // the batch boundary: executable only while the settlement's nextBatchIndex equals it
        uint64 epoch;          // the registry epoch whose stakes count
        uint64 queuedAt;       // L1 time (seconds) it reached 2/3 of the stake; 0 before
        bool executed;         // executed already
        address proposer;      // the governor that proposed it
        uint256 approvedStake; // stake (wei) of the governors that approved it, at `epoch`
        bytes32 paramsHash;    // keccak256 of the abi-encoded parameters `execute` must be given
    }

    /// @notice Deployment refused: a field of the constructor's arguments is out of range.
    /// @dev selector 0x8255889f
    /// @param field the field's name.
    error BadGovernanceConfig(string field);

    /// @notice The caller held no stake in the registry at the proposal's epoch (not a governor, or not yet, or no longer).
    /// @dev selector 0x6cee0ca8
    /// @param caller the calling account.
    /// @param epoch the epoch whose stakes count.
    error NotGovernor(address caller, uint64 epoch);

    /// @notice An action code other than ADD_MEMBER 1, SET_INSTANCE 2, SET_DEADLINES 3, REMOVE_MEMBER 4.
    /// @dev selector 0x60df9f87
    /// @param action the given code.
    error UnknownAction(uint8 action);

    /// @notice A REMOVE_MEMBER proposal whose parameters are not abi.encode(uint256 chainId) (32 bytes).
    /// @dev selector 0x791f1f58
    /// @param length their length in bytes.
    error BadRemovalParams(uint256 length);

    /// @notice A proposal for a batch boundary that has passed (the settlement is beyond it): it can never execute.
    /// @dev selector 0xc45f87d7
    /// @param atBatch the proposal's boundary.
    /// @param nextBatchIndex the settlement's next batch index.
    error BoundaryPassed(uint64 atBatch, uint64 nextBatchIndex);

    /// @notice No proposal has this id.
    /// @dev selector 0x28e0cf5a
    /// @param id the given id.
    error UnknownProposal(uint256 id);

    /// @notice The governor approved this proposal already (an approval counts once).
    /// @dev selector 0x094775b0
    /// @param id the proposal.
    /// @param governor the governor.
    error AlreadyApproved(uint256 id, address governor);

    /// @notice The proposal was executed already.
    /// @dev selector 0x6a64e961
    /// @param id the proposal.
    error AlreadyExecuted(uint256 id);

    /// @notice `execute` before governors holding 2/3 of the epoch's stake approved.
    /// @dev selector 0xf1507901
    /// @param id the proposal.
    /// @param approvedStake the stake that approved, in wei.
    /// @param totalStake the epoch's total stake, in wei.
    error QuorumNotReached(uint256 id, uint256 approvedStake, uint256 totalStake);

    /// @notice `execute` after approvers were slashed (after the proposal was queued) so that those not slashed hold less
    ///         than 2/3 of the epoch's stake: more governors must approve it first.
    /// @dev selector 0xd0b55f1b
    /// @param id the proposal.
    /// @param standingStake the stake of its approvers not slashed, in wei.
    /// @param totalStake the epoch's total stake, in wei.
    error QuorumLost(uint256 id, uint256 standingStake, uint256 totalStake);

    /// @notice `execute` before the timelock ran out.
    /// @dev selector 0x98ae09a2
    /// @param id the proposal.
    /// @param executableAt the L1 time (seconds) from which it may execute.
    error TimelockNotOver(uint256 id, uint256 executableAt);

    /// @notice `execute` while the settlement is not at the proposal's batch boundary (mid-stream: batches before
    ///         `atBatch` are still to settle, so they would be judged by the new instance).
    /// @dev selector 0x62c24860
    /// @param id the proposal.
    /// @param atBatch the proposal's boundary.
    /// @param nextBatchIndex the settlement's next batch index.
    error NotAtBatchBoundary(uint256 id, uint64 atBatch, uint64 nextBatchIndex);

    /// @notice `execute` given other parameters than the proposal's.
    /// @dev selector 0x8282faba
    /// @param id the proposal.
    error ParamsMismatch(uint256 id);

    /// @notice A governor proposed a change (and approved it).
    /// @param id the proposal's id.
    /// @param proposer the governor.
    /// @param action the action code.
    /// @param atBatch the batch boundary it executes at.
    /// @param params its abi-encoded parameters.
    event Proposed(uint256 indexed id, address indexed proposer, uint8 action, uint64 atBatch, bytes params);

    /// @notice A governor approved a proposal.
    /// @param id the proposal.
    /// @param governor the governor.
    /// @param stake its stake at the proposal's epoch, in wei.
    /// @param approvedStake the stake that approved so far, in wei.
    event Approved(uint256 indexed id, address indexed governor, uint256 stake, uint256 approvedStake);

    /// @notice A proposal reached 2/3 of the stake: the timelock runs.
    /// @param id the proposal.
    /// @param executableAt the L1 time (seconds) from which it may execute.
    event Queued(uint256 indexed id, uint256 executableAt);

    /// @notice A proposal was executed on the settlement contract.
    /// @param id the proposal.
    /// @param atBatch the batch boundary it took effect at.
    event Executed(uint256 indexed id, uint64 atBatch);

    /// @notice Proposes a change of the settlement's instance and approves it. Governors only (stake at the current epoch).
    /// @param action ADD_MEMBER 1: params abi.encode(address verifier, uint256 slots, address poseidonRoots, uint256 genesisRoot, uint256[] genesisAccounts);
    ///        SET_INSTANCE 2: abi.encode(address verifier, uint256 slots, uint256 deltaTicks);
    ///        SET_DEADLINES 3: abi.encode(uint256 depositDeadlineBlocks, uint256 exodusTimeoutBlocks);
    ///        REMOVE_MEMBER 4: abi.encode(uint256 chainId).
    /// @param params the abi-encoded parameters (checked by the settlement at execution).
    /// @param atBatch the batch boundary: at or after the settlement's next batch index.
    /// @return id the proposal's id (1, 2, …).
    function propose(uint8 action, bytes calldata params, uint64 atBatch) external returns (uint256 id);

    /// @notice Approves proposal `id` with the caller's stake at the proposal's epoch; queues it at 2/3 of that epoch's stake.
    /// @param id the proposal.
    function approve(uint256 id) external;

    /// @notice Executes proposal `id` on the settlement: after quorum, after the timelock, at its batch boundary, while its
    ///         approvers not slashed since still hold 2/3 of the epoch's stake (QuorumLost). Anyone may send it.
    /// @param id the proposal.
    /// @param params its parameters, as proposed.
    function execute(uint256 id, bytes calldata params) external;

    /// @notice The settlement contract governed.
    /// @return its address.
    function settlement() external view returns (address);

    /// @notice The GovernorRegistry whose stakes count.
    /// @return its address.
    function registry() external view returns (address);

    /// @notice Seconds from quorum until a proposal may execute.
    /// @return the timelock, in seconds.
    function timelockSeconds() external view returns (uint256);

    /// @notice Proposals made so far (the last id).
    /// @return the count.
    function proposalCount() external view returns (uint256);

    /// @notice Proposal `id` as stored.
    /// @param id the proposal.
    /// @return the proposal (all zero for an unknown id).
    function proposalOf(uint256 id) external view returns (Proposal memory);

    /// @notice Whether `governor` approved proposal `id`.
    /// @param id the proposal.
    /// @param governor the account.
    /// @return true once it approved.
    function approvedBy(uint256 id, address governor) external view returns (bool);
}
