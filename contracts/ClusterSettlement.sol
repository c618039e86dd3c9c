// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./IClusterSettlement.sol";
import "./BabyJubjub.sol";

/// @title ClusterSettlement
/// @notice Joint settlement of an N-member chain-cluster: each call verifies one or more consecutive
///         batch proofs (Groth16, verifier exported by snarkjs) and moves every member's state root at
///         once; any failure reverts the whole call, so no member ever settles alone. Only the cluster's
///         registered sequencers may settle.
///         It holds the cluster's assets: deposits queue up on L1 and batches consume them in order, a
///         settled WITHDRAW is owed to its L1 address (pull payment), and each member's escrow per token
///         caps what its settlements can take out (containment: a broken member loses at most what it holds).
/// @dev Public signals of a batch proof, in circuit order (N + 4; chosen by measured gas):
///      [header, oldRootsCommitment, newRootsCommitment, pubdataCommitment, newRoots[0..N-1]] with
///      header = batchIndex * 2^64 + firstTick * 2^32 + lastTick, a roots commitment =
///      Poseidon(domain, Poseidon(roots[0..N-1])) (circomlib) and pubdataCommitment the Poseidon hash
///      chain over the batch's published words, recomputed here from calldata (circuits/lib/pubdata.circom). The contract keeps the commitment of the
///      current roots and passes it as the old one, so old roots travel neither in calldata nor as
///      public inputs. The signing domain = keccak256(abi.encode(block.chainid, clusterId)) mod r is
///      computed here and enters the genesis commitment, which the constructor recomputes on-chain with
///      circomlibjs' Poseidon contracts: every proof, and every signature it checks, is bound to it.
contract ClusterSettlement is IClusterSettlement {
    /// @dev BN254 scalar field order r (EIP-197): public inputs and the domain live below it.
    uint256 private constant SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @inheritdoc IClusterSettlement
    address public verifier;
    /// @inheritdoc IClusterSettlement
    uint256 public members;
    /// @inheritdoc IClusterSettlement
    uint256 public deltaTicks;
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
    /// @notice verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[N+4]) selector, of the current N.
    bytes4 private verifySelector;
    /// @dev circomlibjs Poseidon contract of 6 inputs: the pubdata hash chain.
    address private immutable poseidonPubdata;
    /// @inheritdoc IClusterSettlement
    uint256 public slots;
    /// @inheritdoc IClusterSettlement
    uint256 public immutable depth;
    /// @inheritdoc IClusterSettlement
    uint256 public depositDeadlineBlocks;

    /// @dev Words per slot of the published data, and the bit fields of word 1 (circuits/lib/pubdata.circom).
    uint256 private constant PUBDATA_WORDS = 5;
    uint256 private constant TOKEN_BITS = 16;
    /// @dev Token 1 is ETH; ERC-20s get 2, 3, … by `listToken`, below NATIVE_TOKEN_BASE: owned by L1.
    uint256 private constant ETH_TOKEN = 1;
    /// @dev Ids from 2^15 up are cluster-native: id = NATIVE_TOKEN_BASE + 16 * minterIndex + ownerChain
    ///      (MintRight in circuits/lib/operation.circom), minted only on the owner chain, never on L1.
    uint256 private constant NATIVE_TOKEN_BASE = 2 ** 15;
    /// @dev Cap of one deposit: every balance stays below 2^128 (the circuit's BALANCE_BITS).
    uint256 private constant DEPOSIT_LIMIT = 2 ** 96;

    /// @dev One entry of the deposit queue: keccak256(abi.encode(chainId, to, tokenId, amount)), the block it
    ///      was made in and its depositor (refunds go there).
    struct QueuedDeposit {
        bytes32 hash;
        uint64 blockNumber;
        address depositor;
    }
    mapping(uint256 => QueuedDeposit) private _deposits;
    /// @inheritdoc IClusterSettlement
    uint64 public depositCount;
    /// @inheritdoc IClusterSettlement
    uint64 public depositsConsumed;
    /// @inheritdoc IClusterSettlement
    mapping(uint256 => mapping(uint256 => uint256)) public escrowOf;
    /// @inheritdoc IClusterSettlement
    mapping(address => mapping(uint256 => uint256)) public claimable;
    /// @inheritdoc IClusterSettlement
    mapping(uint256 => address) public tokenAddress;
    mapping(address => uint256) private _tokenIdOf;
    /// @inheritdoc IClusterSettlement
    uint256 public tokenCount;

    /// @dev circomlibjs Poseidon contract of 5 inputs: account leaves and EdDSA challenges of exits.
    address private immutable poseidonLeaf;
    /// @dev circomlibjs Poseidon contract of 2 inputs: Merkle nodes of exit proofs.
    address private immutable poseidonPair;
    /// @inheritdoc IClusterSettlement
    uint256 public exodusTimeoutBlocks;
    /// @inheritdoc IClusterSettlement
    uint256 public lastSettlementBlock;
    /// @dev Set by the first exit or reclaim: exodus mode is for good, whatever settles later could not.
    bool private _exodus;
    /// @inheritdoc IClusterSettlement
    mapping(uint256 => mapping(uint256 => bool)) public exited;
    mapping(uint256 => bool) private _reclaimed;
    /// @inheritdoc IClusterSettlement
    mapping(uint256 => bool) public isRemoved;
    /// @dev Per member, in one slot (a deposit reads and writes it once): deposits to it enqueued and consumed, as
    ///      counters that start at 1 when the member joins (so the slot is never zero again: a deposit pays a
    ///      nonzero-to-nonzero write, not a new slot); `enqueued - consumed` wait in the queue (a member is removed
    ///      only when none waits). `openFrom`: the batch index from which deposits to it are open again after joint
    ///      governance queued its removal (0: open).
    struct MemberDeposits {
        uint96 enqueued;
        uint96 consumed;
        uint64 openFrom;
    }

    mapping(uint256 => MemberDeposits) private _memberDeposits;
    /// @dev Operation type of the exit digest (after TRANSFER 1, SEND 2, RECEIVE 3, WITHDRAW 4).
    uint256 private constant EXIT_OP = 5;

    /// @inheritdoc IClusterSettlement
    address public owner;
    /// @inheritdoc IClusterSettlement
    mapping(address => bool) public isSequencer;
    /// @inheritdoc IClusterSettlement
    address public governance;

    /// @dev Current state root of each member chain, by chainId (a mapping: no length slot to read or write).
    mapping(uint256 => uint256) private _roots;
    /// @inheritdoc IClusterSettlement
    uint256 public rootsCommitment;
    /// @inheritdoc IClusterSettlement
    uint64 public nextBatchIndex;
    /// @inheritdoc IClusterSettlement
    uint32 public lastSettledTick;
    /// @dev How many members joint governance removed: in nextBatchIndex's slot, which settle reads anyway, so a cluster
    ///      with none skips the N isRemoved reads per batch.
    uint8 private _removedCount;
    /// @inheritdoc IClusterSettlement
    mapping(uint256 => bytes32) public settledClaim;

    /// @param config see `Config`; the deployer becomes the owner. Send the sum of `genesisEthEscrow` with it.
    constructor(Config memory config) payable {
        uint256 n = config.genesisRoots.length;
        if (n < 2 || n > 8) revert BadMemberCount(n);
        if (config.deltaTicks == 0 || config.deltaTicks >= 2 ** 16) revert BadDeltaTicks(config.deltaTicks);
        if (config.maxTicksPerSecond == 0) revert BadTickRate();
        if (config.slots == 0 || config.slots > 64 || config.depth < 2 || config.depth > 32 || config.depositDeadlineBlocks == 0
            || config.genesisEthEscrow.length != n || config.exodusTimeoutBlocks == 0) revert BadInstanceShape();
        bytes4 selector = _checkedVerifySelector(config.verifier, n);
        uint256 funded = 0;
        for (uint256 i = 0; i < n; i++) {
            escrowOf[i][ETH_TOKEN] = config.genesisEthEscrow[i];
            funded += config.genesisEthEscrow[i];
        }
        if (msg.value != funded) revert GenesisEscrowUnfunded(funded, msg.value);
        tokenCount = ETH_TOKEN;

        uint256 domain_ = uint256(keccak256(abi.encode(block.chainid, config.clusterId))) % SCALAR_FIELD;
        for (uint256 i = 0; i < n; i++) {
            if (config.genesisRoots[i] >= SCALAR_FIELD) revert GenesisRootNotInField(i, config.genesisRoots[i]);
            _roots[i] = config.genesisRoots[i];
            _memberDeposits[i] = MemberDeposits(1, 1, 0);
        }
        uint256 commitment = _commitRoots(config.poseidonRoots, config.poseidonPair, domain_, config.genesisRoots);
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
        poseidonPubdata = config.poseidonPubdata;
        slots = config.slots;
        depth = config.depth;
        depositDeadlineBlocks = config.depositDeadlineBlocks;
        poseidonLeaf = config.poseidonLeaf;
        poseidonPair = config.poseidonPair;
        exodusTimeoutBlocks = config.exodusTimeoutBlocks;
        lastSettlementBlock = block.number;
        rootsCommitment = commitment;
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
        for (uint256 i = 0; i < config.sequencers.length; i++) _setSequencer(config.sequencers[i], true);
        emit GenesisPublished(config.genesisAccounts);
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
    function setGovernance(address governance_) external onlyOwner {
        if (governance_ == address(0)) revert ZeroAddress();
        if (governance != address(0)) revert GovernanceAlreadySet(governance);
        governance = governance_;
        emit GovernanceSet(governance_);
    }

    modifier onlyGovernance() {
        if (msg.sender != governance || msg.sender == address(0)) revert NotGovernance(msg.sender);
        _;
    }

    /// @inheritdoc IClusterSettlement
    function addMember(address verifier_, uint256 slots_, address poseidonRoots, uint256 genesisRoot, uint256[] calldata genesisAccounts)
        external onlyGovernance
    {
        if (exodusMode()) revert ExodusActive();
        uint256 n = members;
        if (n + 1 > 8) revert BadMemberCount(n + 1);
        if (slots_ == 0 || slots_ > 64) revert BadInstanceShape();
        if (genesisRoot >= SCALAR_FIELD) revert MemberGenesisRootNotInField(genesisRoot);
        bytes4 selector = _checkedVerifySelector(verifier_, n + 1);
        uint256[] memory roots = new uint256[](n + 1);
        for (uint256 i = 0; i < n; i++) roots[i] = _roots[i];
        roots[n] = genesisRoot;
        uint256 commitment = _commitRoots(poseidonRoots, poseidonPair, domain, roots);
        _roots[n] = genesisRoot;
        _memberDeposits[n] = MemberDeposits(1, 1, 0);
        rootsCommitment = commitment;
        members = n + 1;
        verifier = verifier_;
        verifySelector = selector;
        slots = slots_;
        emit MemberAdded(n, nextBatchIndex, genesisRoot, commitment, verifier_, genesisAccounts);
    }

    /// @inheritdoc IClusterSettlement
    function removeMember(uint256 chainId) external onlyGovernance {
        if (exodusMode()) revert ExodusActive();
        if (chainId >= members) revert UnknownChain(chainId);
        if (isRemoved[chainId]) revert MemberRemoved(chainId);
        MemberDeposits storage d = _memberDeposits[chainId];
        uint256 pending = d.enqueued - d.consumed;
        if (pending != 0) revert PendingDepositsTo(chainId, pending);
        isRemoved[chainId] = true;
        _removedCount += 1;
        emit MemberRemovedAt(chainId, nextBatchIndex, _roots[chainId]);
    }

    /// @inheritdoc IClusterSettlement
    function closeDepositsTo(uint256 chainId, uint64 atBatch) external onlyGovernance {
        MemberDeposits storage d = _memberDeposits[chainId];
        if (atBatch + 1 > d.openFrom) d.openFrom = atBatch + 1;
        emit DepositsClosed(chainId, atBatch);
    }

    /// @inheritdoc IClusterSettlement
    function depositsOpenFrom(uint256 chainId) external view returns (uint64) {
        return _memberDeposits[chainId].openFrom;
    }

    /// @inheritdoc IClusterSettlement
    function setInstance(address verifier_, uint256 slots_, uint256 deltaTicks_) external onlyGovernance {
        if (exodusMode()) revert ExodusActive();
        if (slots_ == 0 || slots_ > 64) revert BadInstanceShape();
        if (deltaTicks_ == 0 || deltaTicks_ >= 2 ** 16) revert BadDeltaTicks(deltaTicks_);
        verifySelector = _checkedVerifySelector(verifier_, members);
        verifier = verifier_;
        slots = slots_;
        deltaTicks = deltaTicks_;
        emit InstanceChanged(verifier_, slots_, deltaTicks_);
    }

    /// @inheritdoc IClusterSettlement
    function setDeadlines(uint256 depositDeadlineBlocks_, uint256 exodusTimeoutBlocks_) external onlyGovernance {
        if (exodusMode()) revert ExodusActive(); // a longer timeout must not take back an exodus already reached
        if (depositDeadlineBlocks_ == 0 || exodusTimeoutBlocks_ == 0) revert BadInstanceShape();
        depositDeadlineBlocks = depositDeadlineBlocks_;
        exodusTimeoutBlocks = exodusTimeoutBlocks_;
        if (exodusMode()) revert ExodusActive(); // nor a shorter one start it at once
        emit DeadlinesChanged(depositDeadlineBlocks_, exodusTimeoutBlocks_);
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
        if (exodusMode()) revert ExodusActive();
        if (batches.length == 0) revert EmptySettlement();
        uint256 n = members;
        uint256 commitment = rootsCommitment;
        uint64 next = nextBatchIndex;
        uint32 tick = lastSettledTick;
        bool anyRemoved = _removedCount != 0;
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
            for (uint256 i = 0; anyRemoved && i < n; i++) {
                if (isRemoved[i] && batch.newRoots[i] != _roots[i]) revert RemovedMemberChanged(index, i);
            }
            if (batch.oldRootsCommitment != commitment) revert OldRootsMismatch(index, commitment, batch.oldRootsCommitment);
            if (batch.pubdata.length != slots * PUBDATA_WORDS) revert BadPubdataLength(index, slots * PUBDATA_WORDS, batch.pubdata.length);
            if (!_verify(batch, _pubdataCommitment(batch.pubdata))) revert InvalidProof(index);
            _applyPubdata(index, batch.pubdata);
            commitment = batch.newRootsCommitment;
            settledClaim[index] = keccak256(abi.encode(header, commitment)); // the evidence a slash is judged by
            next = index + 1;
            tick = lastTick;
            emit BatchSettled(index, header, commitment);
        }
        uint256[] calldata last = batches[batches.length - 1].newRoots;
        for (uint256 i = 0; i < n; i++) _roots[i] = last[i];
        rootsCommitment = commitment;
        nextBatchIndex = next;
        lastSettledTick = tick;
        lastSettlementBlock = block.number;
    }

    /// @inheritdoc IClusterSettlement
    function exodusMode() public view returns (bool) {
        return _exodus || block.number > lastSettlementBlock + exodusTimeoutBlocks;
    }

    /// @inheritdoc IClusterSettlement
    function exit(ExitRequest calldata e) external {
        if (e.chainId >= members) revert UnknownChain(e.chainId);
        if (!isRemoved[e.chainId]) _enterExodus(); // a removed member's accounts exit from its frozen root at once
        if (e.leafIndex >= 2 ** depth || e.siblings.length != depth) revert ExitProofInvalid(e.chainId, e.leafIndex);
        if (exited[e.chainId][e.leafIndex]) revert AlreadyExited(e.chainId, e.leafIndex);
        if (e.recipient == address(0)) revert ZeroAddress();
        if (e.tokenId >= NATIVE_TOKEN_BASE) revert NativeTokenNotWithdrawable(e.chainId, e.tokenId);
        bytes4 leafSelector = bytes4(keccak256("poseidon(uint256[5])"));
        bytes4 pairSelector = bytes4(keccak256("poseidon(uint256[2])"));
        uint256 node = _poseidon(poseidonLeaf, abi.encodePacked(leafSelector, e.ax, e.ay, e.tokenId, e.balance, e.nonce));
        for (uint256 level = 0; level < e.siblings.length; level++) {
            node = (e.leafIndex >> level) & 1 == 0
                ? _poseidon(poseidonPair, abi.encodePacked(pairSelector, node, e.siblings[level]))
                : _poseidon(poseidonPair, abi.encodePacked(pairSelector, e.siblings[level], node));
        }
        if (node != _roots[e.chainId]) revert ExitProofInvalid(e.chainId, e.leafIndex);
        uint256 digest = _poseidon(poseidonPubdata, abi.encodePacked(bytes4(keccak256("poseidon(uint256[6])")),
            domain, EXIT_OP, e.chainId, e.leafIndex, e.tokenId, uint256(uint160(e.recipient))));
        if (!BabyJubjub.verify(poseidonLeaf, e.ax, e.ay, e.r8x, e.r8y, e.s, digest)) revert BadExitSignature(e.chainId, e.leafIndex);
        exited[e.chainId][e.leafIndex] = true;
        uint256 held = escrowOf[e.chainId][e.tokenId];
        uint256 paid = e.balance < held ? e.balance : held; // a member pays out at most what it holds
        escrowOf[e.chainId][e.tokenId] = held - paid;
        claimable[e.recipient][e.tokenId] += paid;
        emit Exited(e.chainId, e.leafIndex, e.tokenId, paid, e.recipient);
    }

    /// @inheritdoc IClusterSettlement
    function reclaimDeposit(uint256 index, uint256 chainId, uint256 to, uint256 tokenId, uint256 amount) external {
        _enterExodus();
        QueuedDeposit storage d = _deposits[index];
        if (index < depositsConsumed || index >= depositCount || _reclaimed[index]
            || d.hash != keccak256(abi.encode(chainId, to, tokenId, amount))) revert NotReclaimable(index);
        _reclaimed[index] = true;
        claimable[d.depositor][tokenId] += amount;
        emit DepositReclaimed(index, d.depositor);
    }

    /// @dev Refuses unless in exodus mode, and makes it permanent.
    function _enterExodus() private {
        if (!exodusMode()) revert NotInExodus(lastSettlementBlock + exodusTimeoutBlocks + 1);
        _exodus = true;
    }

    /// @inheritdoc IClusterSettlement
    function depositEth(uint256 chainId, uint256 to) external payable {
        _enqueue(chainId, to, ETH_TOKEN, msg.value);
    }

    /// @inheritdoc IClusterSettlement
    function depositErc20(uint256 tokenId, uint256 amount, uint256 chainId, uint256 to) external {
        address token = tokenAddress[tokenId];
        if (token == address(0)) revert UnlistedToken(tokenId);
        if (amount == 0) revert ZeroDeposit();
        uint256 before = _balanceOf(token);
        _call(token, abi.encodeWithSelector(0x23b872dd, msg.sender, address(this), amount)); // transferFrom
        _enqueue(chainId, to, tokenId, _balanceOf(token) - before);
    }

    /// @inheritdoc IClusterSettlement
    function claim(uint256 tokenId) external {
        uint256 amount = claimable[msg.sender][tokenId];
        if (amount == 0) revert NothingToClaim(msg.sender, tokenId);
        claimable[msg.sender][tokenId] = 0; // before the transfer: a re-entering claim finds nothing
        emit Claimed(msg.sender, tokenId, amount);
        if (tokenId == ETH_TOKEN) {
            (bool ok, ) = msg.sender.call{value: amount}("");
            if (!ok) revert EthTransferFailed(msg.sender);
        } else {
            _call(tokenAddress[tokenId], abi.encodeWithSelector(0xa9059cbb, msg.sender, amount)); // transfer
        }
    }

    /// @inheritdoc IClusterSettlement
    function listToken(address token) external onlyOwner returns (uint256 tokenId) {
        if (token == address(0) || _tokenIdOf[token] != 0) revert TokenAlreadyListed(token);
        tokenId = tokenCount + 1;
        if (tokenId >= NATIVE_TOKEN_BASE) revert UnlistedToken(tokenId);
        tokenCount = tokenId;
        tokenAddress[tokenId] = token;
        _tokenIdOf[token] = tokenId;
        emit TokenListed(tokenId, token);
    }

    /// @dev Appends a checked deposit to the queue.
    function _enqueue(uint256 chainId, uint256 to, uint256 tokenId, uint256 amount) private {
        if (exodusMode()) revert ExodusActive();
        if (amount == 0) revert ZeroDeposit();
        if (amount >= DEPOSIT_LIMIT) revert DepositTooLarge(amount);
        if (chainId >= members) revert UnknownChain(chainId);
        if (isRemoved[chainId]) revert MemberRemoved(chainId);
        if (to >= 2 ** depth) revert UnknownAccount(chainId, to);
        MemberDeposits storage d = _memberDeposits[chainId];
        uint64 openFrom = d.openFrom;
        if (openFrom != 0 && nextBatchIndex < openFrom) revert DepositsClosedTo(chainId, openFrom - 1);
        d.enqueued += 1;
        uint64 index = depositCount;
        _deposits[index] = QueuedDeposit(keccak256(abi.encode(chainId, to, tokenId, amount)), uint64(block.number), msg.sender);
        depositCount = index + 1;
        emit Deposited(index, chainId, to, tokenId, amount, msg.sender);
    }

    /// @dev The Poseidon hash chain over the batch's slots: acc = Poseidon(acc, 5 words of the slot), from 0.
    function _pubdataCommitment(uint256[] calldata pubdata) private view returns (uint256 acc) {
        bytes4 selector = bytes4(keccak256("poseidon(uint256[6])"));
        for (uint256 at = 0; at < pubdata.length; at += PUBDATA_WORDS) {
            acc = _poseidon(poseidonPubdata, abi.encodePacked(selector, acc, pubdata[at:at + PUBDATA_WORDS]));
        }
    }

    /// @dev One slot of the published data, decoded (only what L1 acts on).
    struct SlotFlows {
        bool debitOn;
        bool isWithdraw;
        bool creditOn;
        bool isDeposit;
        bool refund;
        uint256 srcChain;
        uint256 dstChain;
        uint256 inDstChain;
        uint256 tokenId;
        uint256 amount;
        uint256 toIndex;
        uint256 inTokenId;
        uint256 inAmount;
        uint256 inRecipient;
    }

    function _decodeSlot(uint256[] calldata pubdata, uint256 slot) private pure returns (SlotFlows memory f) {
        uint256 at = slot * PUBDATA_WORDS;
        uint256 w = pubdata[at + 1];
        f.amount = w & (2 ** 128 - 1);
        f.tokenId = (w >> 128) & (2 ** TOKEN_BITS - 1);
        f.inTokenId = (w >> 144) & (2 ** TOKEN_BITS - 1);
        uint256 flags = (w >> 160) & 63; // bit 5, isMint, needs nothing here: a MINT credits its own chain
        uint256 chains = (w >> 166) & 0xffff;
        f.debitOn = flags & 1 != 0;
        f.isWithdraw = flags & 2 != 0;
        f.creditOn = flags & 4 != 0;
        f.isDeposit = flags & 8 != 0;
        f.refund = flags & 16 != 0;
        f.srcChain = chains & 15;
        f.dstChain = (chains >> 4) & 15;
        f.inDstChain = (chains >> 12) & 15;
        f.toIndex = pubdata[at + 2];
        f.inAmount = pubdata[at + 3];
        f.inRecipient = pubdata[at + 4];
    }

    /// @dev Moves the assets a proven batch published: first every credit (deposits consumed in queue
    ///      order, message arrivals), then every debit (message departures, withdrawals owed), each debit
    ///      checked against the member's escrow; so the escrow after the batch is checked, whatever the slot
    ///      order inside it. Then the deposit deadline: a batch that leaves an overdue deposit must have
    ///      filled every slot with deposits (the operator is never stuck, and can never censor).
    ///      A cluster-native token's owner chain is its issuer: its escrow of that token is not kept (it
    ///      mints), while every other member's escrow of it is, from the messages that carried it in.
    function _applyPubdata(uint64 batchIndex, uint256[] calldata pubdata) private {
        uint256 b = slots;
        uint64 consumed = depositsConsumed;
        uint256 depositSlots = 0;
        for (uint256 s = 0; s < b; s++) {
            SlotFlows memory f = _decodeSlot(pubdata, s);
            if (f.creditOn && f.isDeposit) {
                if (consumed >= depositCount) revert DepositNotQueued(batchIndex, s, consumed);
                QueuedDeposit storage d = _deposits[consumed];
                if (d.hash != keccak256(abi.encode(f.inDstChain, f.inRecipient, f.inTokenId, f.inAmount))) {
                    revert DepositMismatch(batchIndex, s, consumed);
                }
                if (f.refund) {
                    claimable[d.depositor][f.inTokenId] += f.inAmount;
                    emit WithdrawalOwed(d.depositor, f.inTokenId, f.inAmount, batchIndex);
                } else {
                    escrowOf[f.inDstChain][f.inTokenId] += f.inAmount;
                }
                _memberDeposits[f.inDstChain].consumed += 1;
                emit DepositConsumed(consumed, batchIndex, f.refund);
                consumed++;
                depositSlots++;
            }
            if (f.debitOn && !f.isWithdraw && f.srcChain != f.dstChain && !_issues(f.dstChain, f.tokenId)) {
                escrowOf[f.dstChain][f.tokenId] += f.amount;
            }
        }
        for (uint256 s = 0; s < b; s++) {
            SlotFlows memory f = _decodeSlot(pubdata, s);
            if (!f.debitOn || (!f.isWithdraw && f.srcChain == f.dstChain)) continue; // nothing leaves the member
            if (f.isWithdraw && f.tokenId >= NATIVE_TOKEN_BASE) revert NativeTokenNotWithdrawable(f.srcChain, f.tokenId);
            if (_issues(f.srcChain, f.tokenId)) continue; // the issuer sends what it minted
            uint256 held = escrowOf[f.srcChain][f.tokenId];
            if (held < f.amount) revert EscrowOverdrawn(f.srcChain, f.tokenId, held, f.amount);
            escrowOf[f.srcChain][f.tokenId] = held - f.amount;
            if (f.isWithdraw) {
                if (f.toIndex == 0 || f.toIndex >= 2 ** 160) revert BadWithdrawalAddress(batchIndex, s);
                address to = address(uint160(f.toIndex));
                claimable[to][f.tokenId] += f.amount;
                emit WithdrawalOwed(to, f.tokenId, f.amount, batchIndex);
            }
        }
        depositsConsumed = consumed;
        if (consumed < depositCount && depositSlots < b) {
            uint256 queuedAt = _deposits[consumed].blockNumber;
            if (block.number > queuedAt + depositDeadlineBlocks) revert DepositOverdue(batchIndex, consumed, queuedAt);
        }
    }

    /// @dev Whether member `chainId` is the owner chain (the issuer) of cluster-native token `tokenId`.
    function _issues(uint256 chainId, uint256 tokenId) private pure returns (bool) {
        return tokenId >= NATIVE_TOKEN_BASE && (tokenId - NATIVE_TOKEN_BASE) % 16 == chainId;
    }

    function _balanceOf(address token) private view returns (uint256) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(0x70a08231, address(this))); // balanceOf
        if (!ok || ret.length < 32) revert TokenTransferFailed(token);
        return abi.decode(ret, (uint256));
    }

    /// @dev Calls an ERC-20 and accepts no return data or a true word (tokens that return nothing, like USDT).
    function _call(address token, bytes memory data) private {
        if (token.code.length == 0) revert TokenTransferFailed(token);
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok || (ret.length != 0 && (ret.length < 32 || !abi.decode(ret, (bool))))) revert TokenTransferFailed(token);
    }

    function _setSequencer(address account, bool allowed) private {
        if (account == address(0)) revert ZeroAddress();
        isSequencer[account] = allowed;
        emit SequencerSet(account, allowed);
    }

    /// @dev The verifyProof selector for `n` members (N + 4 public inputs), after checking that `target` answers it.
    function _checkedVerifySelector(address target, uint256 n) private view returns (bytes4 selector) {
        selector = bytes4(keccak256(abi.encodePacked(
            "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(n + 4), "])")));
        if (!_hasVerifyProof(target, selector, n + 4)) revert VerifierArityMismatch(target, n + 4);
    }

    /// @dev Poseidon(domain, Poseidon(roots)) with circomlibjs' contracts of roots.length and 2 inputs.
    function _commitRoots(address poseidonRoots, address poseidonPair_, uint256 domain_, uint256[] memory roots) private view returns (uint256) {
        // poseidon(uint256[K]) takes a static array: its words inline, as abi.encodePacked lays out a uint256[]
        bytes4 rootsSelector = bytes4(keccak256(abi.encodePacked("poseidon(uint256[", _decimal(roots.length), "])")));
        uint256 rootsHash = _poseidon(poseidonRoots, abi.encodePacked(rootsSelector, roots));
        return _poseidon(poseidonPair_, abi.encodePacked(bytes4(keccak256("poseidon(uint256[2])")), domain_, rootsHash));
    }

    function _verify(Batch calldata batch, uint256 pubdataCommitment) private view returns (bool) {
        bytes memory call = abi.encodePacked(
            verifySelector, batch.proof, batch.header, batch.oldRootsCommitment, batch.newRootsCommitment, pubdataCommitment, batch.newRoots);
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
