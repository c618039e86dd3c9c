// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./IClusterGovernance.sol";
import "./IClusterSettlement.sol";
import "./IGovernorRegistry.sol";

/// @title ClusterGovernance
/// @notice Joint governance of one chain-cluster's settlement (see IClusterGovernance): proposals approved by
///         governors holding 2/3 of the registry's stake, a timelock from quorum (as OpenZeppelin's
///         TimelockController: queue, wait, execute), execution only at the proposal's batch boundary.
/// @dev The settlement's owner points it at this contract once (`setGovernance`); from then on the instance changes
///      only through here.
contract ClusterGovernance is IClusterGovernance {
    uint8 private constant ADD_MEMBER = 1;
    uint8 private constant SET_INSTANCE = 2;
    uint8 private constant SET_DEADLINES = 3;
    uint8 private constant REMOVE_MEMBER = 4;

    /// @inheritdoc IClusterGovernance
    address public immutable settlement;
    /// @inheritdoc IClusterGovernance
    address public immutable registry;
    /// @inheritdoc IClusterGovernance
    uint256 public immutable timelockSeconds;
    /// @inheritdoc IClusterGovernance
    uint256 public proposalCount;
    /// @inheritdoc IClusterGovernance
    mapping(uint256 => mapping(address => bool)) public approvedBy;

    mapping(uint256 => Proposal) private _proposals;
    /// @dev The member a REMOVE_MEMBER proposal removes, by id (read when it is queued: deposits to it close then).
    mapping(uint256 => uint256) private _removalOf;
    /// @dev Who approved each proposal, in order (execute recounts them: a slashed approver's stake no longer counts).
    mapping(uint256 => address[]) private _approvers;

    /// @param settlement_ the ClusterSettlement to govern.
    /// @param registry_ its GovernorRegistry (whose `settlement()` is `settlement_`).
    /// @param timelockSeconds_ seconds from quorum to execution, > 0.
    constructor(address settlement_, address registry_, uint256 timelockSeconds_) {
        if (settlement_.code.length == 0) revert BadGovernanceConfig("settlement");
        if (registry_.code.length == 0 || IGovernorRegistry(registry_).settlement() != settlement_) revert BadGovernanceConfig("registry");
        if (timelockSeconds_ == 0 || timelockSeconds_ >= 2 ** 32) revert BadGovernanceConfig("timelockSeconds");
        settlement = settlement_;
        registry = registry_;
        timelockSeconds = timelockSeconds_;
    }

    /// @inheritdoc IClusterGovernance
    function propose(uint8 action, bytes calldata params, uint64 atBatch) external returns (uint256 id) {
        if (action < ADD_MEMBER || action > REMOVE_MEMBER) revert UnknownAction(action);
        uint64 next = IClusterSettlement(settlement).nextBatchIndex();
        if (atBatch < next) revert BoundaryPassed(atBatch, next);
        uint64 epoch = IGovernorRegistry(registry).currentEpoch();
        id = ++proposalCount;
        if (action == REMOVE_MEMBER) {
            if (params.length != 32) revert BadRemovalParams(params.length);
            _removalOf[id] = abi.decode(params, (uint256));
        }
        _proposals[id] = Proposal(action, atBatch, epoch, 0, false, msg.sender, 0, keccak256(params));
        emit Proposed(id, msg.sender, action, atBatch, params);
        _approve(id);
    }

    /// @inheritdoc IClusterGovernance
    function approve(uint256 id) external {
        Proposal storage p = _proposals[id];
        if (p.action == 0) revert UnknownProposal(id);
        if (p.executed) revert AlreadyExecuted(id);
        uint64 next = IClusterSettlement(settlement).nextBatchIndex();
        if (p.atBatch < next) revert BoundaryPassed(p.atBatch, next);
        _approve(id);
    }

    /// @inheritdoc IClusterGovernance
    function execute(uint256 id, bytes calldata params) external {
        Proposal storage p = _proposals[id];
        if (p.action == 0) revert UnknownProposal(id);
        if (p.executed) revert AlreadyExecuted(id);
        if (keccak256(params) != p.paramsHash) revert ParamsMismatch(id);
        if (p.queuedAt == 0) revert QuorumNotReached(id, p.approvedStake, IGovernorRegistry(registry).totalStakeAt(p.epoch));
        uint256 executableAt = uint256(p.queuedAt) + timelockSeconds;
        if (block.timestamp < executableAt) revert TimelockNotOver(id, executableAt);
        _checkStandingQuorum(id, p.epoch);
        uint64 next = IClusterSettlement(settlement).nextBatchIndex();
        if (next != p.atBatch) revert NotAtBatchBoundary(id, p.atBatch, next);
        p.executed = true;
        emit Executed(id, p.atBatch);
        IClusterSettlement s = IClusterSettlement(settlement);
        if (p.action == ADD_MEMBER) {
            (address verifier, uint256 slots, address poseidonRoots, uint256 genesisRoot, uint256[] memory accounts) =
                abi.decode(params, (address, uint256, address, uint256, uint256[]));
            s.addMember(verifier, slots, poseidonRoots, genesisRoot, accounts);
        } else if (p.action == SET_INSTANCE) {
            (address verifier, uint256 slots, uint256 deltaTicks) = abi.decode(params, (address, uint256, uint256));
            s.setInstance(verifier, slots, deltaTicks);
        } else if (p.action == SET_DEADLINES) {
            (uint256 depositDeadlineBlocks, uint256 exodusTimeoutBlocks) = abi.decode(params, (uint256, uint256));
            s.setDeadlines(depositDeadlineBlocks, exodusTimeoutBlocks);
        } else {
            s.removeMember(abi.decode(params, (uint256)));
        }
    }

    /// @inheritdoc IClusterGovernance
    function proposalOf(uint256 id) external view returns (Proposal memory) {
        return _proposals[id];
    }

    /// @dev Recounts the approvals of proposal `id` without the approvers slashed since (a governor the proof or its own
    ///      second signature showed lying): the timelock is the time to slash them, and their approval then stops counting.
    function _checkStandingQuorum(uint256 id, uint64 epoch) private view {
        IGovernorRegistry r = IGovernorRegistry(registry);
        address[] storage approvers = _approvers[id];
        uint256 standing = 0;
        for (uint256 k = 0; k < approvers.length; k++) {
            if (!r.governorOf(approvers[k]).slashed) standing += r.stakeAt(approvers[k], epoch);
        }
        uint256 total = r.totalStakeAt(epoch);
        if (standing * 3 < total * 2) revert QuorumLost(id, standing, total);
    }

    /// @dev Counts the caller's stake at the proposal's epoch once; queues the proposal when it first reaches 2/3.
    function _approve(uint256 id) private {
        Proposal storage p = _proposals[id];
        uint256 stake = IGovernorRegistry(registry).stakeAt(msg.sender, p.epoch);
        if (stake == 0) revert NotGovernor(msg.sender, p.epoch);
        if (approvedBy[id][msg.sender]) revert AlreadyApproved(id, msg.sender);
        approvedBy[id][msg.sender] = true;
        _approvers[id].push(msg.sender);
        uint256 approved = p.approvedStake + stake;
        p.approvedStake = approved;
        emit Approved(id, msg.sender, stake, approved);
        if (p.queuedAt == 0 && approved * 3 >= IGovernorRegistry(registry).totalStakeAt(p.epoch) * 2) {
            p.queuedAt = uint64(block.timestamp);
            emit Queued(id, block.timestamp + timelockSeconds);
            // no deposit to the member may wait at its boundary (removeMember would revert PendingDepositsTo)
            if (p.action == REMOVE_MEMBER) IClusterSettlement(settlement).closeDepositsTo(_removalOf[id], p.atBatch);
        }
    }
}
