// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IClusterSettlement
/// @notice What a client of ClusterSettlement sees: the batch and deployment structs, every custom error
///         (each with its 4-byte selector), every event, and every external function and state getter.
///         One settle call verifies one or more consecutive batch proofs of an N-member chain-cluster and
///         moves every member's state root at once, or reverts: no member ever settles alone.
///         It holds the cluster's assets: L1 deposits queue up and are consumed in order by batches, a
///         settled WITHDRAW is owed to its L1 address (pull payment, `claim`), and each member's escrow per
///         token caps what the member's settlements can take out (deposits in, withdrawals out, the net
///         flow of cross-chain messages: all read from the batch's published data).
/// @dev Public signals of a batch proof, in circuit order (N + 4):
///      [header, oldRootsCommitment, newRootsCommitment, pubdataCommitment, newRoots[0..N-1]] with
///      header = batchIndex * 2^64 + firstTick * 2^32 + lastTick, a roots commitment =
///      Poseidon(domain, Poseidon(roots[0..N-1])) and pubdataCommitment the Poseidon hash chain over the
///      batch's published words (circuits/lib/pubdata.circom), computed here from calldata.
///      test/contract-interface.test.ts checks that the selectors below are the compiler's and that
///      ClusterSettlement's ABI is this interface's.
interface IClusterSettlement {
    /// @notice One batch to settle. `proof` is (pA.x, pA.y, pB.x1, pB.x0, pB.y1, pB.y0, pC.x, pC.y),
    ///         the word order of snarkjs' `exportSolidityCallData`.
    struct Batch {
        uint256 header;               // batchIndex * 2^64 + firstTick * 2^32 + lastTick (the packed public input)
        uint256 oldRootsCommitment;
        uint256 newRootsCommitment;
        uint256[] newRoots;
        uint256[] pubdata;            // B * 5 words, slot order (layout: circuits/lib/pubdata.circom)
        uint256[8] proof;
    }

    /// @notice An exodus exit: the account's leaf as the last settled root of its chain holds it, its Merkle path,
    ///         and its owner's EdDSA-Poseidon signature (Baby Jubjub) of
    ///         Poseidon(domain, 5, chainId, leafIndex, tokenId, recipient): only the owner names where its balance goes.
    struct ExitRequest {
        uint256 chainId;              // the member
        uint256 leafIndex;            // the account's leaf index
        uint256 ax;                   // owner's public key, x
        uint256 ay;                   // owner's public key, y
        uint256 tokenId;              // the token the leaf holds
        uint256 balance;              // its balance at the last settled root
        uint256 nonce;                // its nonce there
        uint256[] siblings;           // Merkle path, leaf level first (D entries)
        uint256 r8x;                  // signature point R8, x
        uint256 r8y;                  // signature point R8, y
        uint256 s;                    // signature scalar S
        address recipient;            // L1 address the balance is owed to
    }

    /// @notice Deployment parameters (one struct: the constructor takes many).
    struct Config {
        address verifier;             // Groth16Verifier of the circuit instance (N + 4 public inputs)
        address poseidonRoots;        // circomlibjs Poseidon contract of N inputs
        address poseidonPair;         // circomlibjs Poseidon contract of 2 inputs
        address poseidonPubdata;      // circomlibjs Poseidon contract of 6 inputs (the pubdata hash chain)
        uint256 slots;                // B, slots per batch of the circuit instance, 1..64
        uint256 depth;                // D, depth of each member's account tree, 2..32
        uint256 depositDeadlineBlocks; // L1 blocks a deposit may wait before a batch must consume it, > 0
        uint256[] genesisEthEscrow;   // ETH (token 1) each member holds at genesis, in wei; their sum is sent with the deployment
        uint256[] genesisAccounts;    // every genesis account, 6 words each: chainId, leaf index, ax, ay, tokenId, balance (published, not checked)
        address poseidonLeaf;         // circomlibjs Poseidon contract of 5 inputs (leaf hash and EdDSA challenge of exits)
        uint256 exodusTimeoutBlocks;  // L1 blocks without a settlement after which the contract is in exodus mode, > 0
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

    /// @notice A batch's `pubdata` is not B * 5 words.
    /// @dev selector 0x71d57aa1
    /// @param batchIndex the batch's index.
    /// @param expected B * 5.
    /// @param got the length of the batch's `pubdata`.
    error BadPubdataLength(uint64 batchIndex, uint256 expected, uint256 got);

    /// @notice A batch credits a deposit that is not on the queue yet (its slot consumes more deposits than were made).
    /// @dev selector 0x2e0c91d0
    /// @param batchIndex the batch's index.
    /// @param slot the slot.
    /// @param depositIndex the queue position it would consume.
    error DepositNotQueued(uint64 batchIndex, uint256 slot, uint256 depositIndex);

    /// @notice A batch's deposit record is not the next deposit of the queue (skipped, reordered or edited).
    /// @dev selector 0x658209a7
    /// @param batchIndex the batch's index.
    /// @param slot the slot.
    /// @param depositIndex the queue position the slot must consume.
    error DepositMismatch(uint64 batchIndex, uint256 slot, uint256 depositIndex);

    /// @notice After a batch, the oldest unconsumed deposit is past its deadline and the batch did not fill every
    ///         slot with deposits: the operator may not leave a deposit waiting longer.
    /// @dev selector 0x9db5232c
    /// @param batchIndex the batch's index.
    /// @param depositIndex the overdue deposit's queue position.
    /// @param queuedAtBlock the L1 block it was made in.
    error DepositOverdue(uint64 batchIndex, uint256 depositIndex, uint256 queuedAtBlock);

    /// @notice A batch's flows would take a member's escrow of a token below zero: the member would take out
    ///         more than it holds.
    /// @dev selector 0x2728b833
    /// @param chainId the member.
    /// @param tokenId the token.
    /// @param escrow what the member holds of it (after the batch's credits).
    /// @param amount what the batch takes out of it.
    error EscrowOverdrawn(uint256 chainId, uint256 tokenId, uint256 escrow, uint256 amount);

    /// @notice A WITHDRAW or an exodus exit of a cluster-native token: it exists only inside the cluster (no L1 asset).
    /// @dev selector 0x11c0dfa4
    /// @param chainId the member.
    /// @param tokenId the token (2^15 or more).
    error NativeTokenNotWithdrawable(uint256 chainId, uint256 tokenId);

    /// @notice A batch's WITHDRAW pays an address that is zero or not a uint160.
    /// @dev selector 0xfed5ea3e
    /// @param batchIndex the batch's index.
    /// @param slot the slot.
    error BadWithdrawalAddress(uint64 batchIndex, uint256 slot);

    // ---- exodus ----

    /// @notice The contract is in exodus mode (no settlement for `exodusTimeoutBlocks`): nothing settles or is deposited any more.
    /// @dev selector 0x94ac3ff8
    error ExodusActive();

    /// @notice An exit or a deposit reclaim before exodus mode.
    /// @dev selector 0x3e2bcd92
    /// @param exodusBlock the first block of exodus mode if nothing settles before it.
    error NotInExodus(uint256 exodusBlock);

    /// @notice The account exited already (once per account; an account holds one token).
    /// @dev selector 0xf424afc5
    /// @param chainId the member.
    /// @param leafIndex the account's leaf.
    error AlreadyExited(uint256 chainId, uint256 leafIndex);

    /// @notice The leaf and its Merkle path do not give the member's last settled root.
    /// @dev selector 0x5c5ff4be
    /// @param chainId the member.
    /// @param leafIndex the account's leaf.
    error ExitProofInvalid(uint256 chainId, uint256 leafIndex);

    /// @notice The exit is not signed by the account's key (EdDSA-Poseidon over the exit digest).
    /// @dev selector 0x5eb22727
    /// @param chainId the member.
    /// @param leafIndex the account's leaf.
    error BadExitSignature(uint256 chainId, uint256 leafIndex);

    /// @notice A deposit reclaim of a deposit that was consumed, reclaimed already, never made, or not with these fields.
    /// @dev selector 0xd30fc237
    /// @param index the deposit's queue position.
    error NotReclaimable(uint256 index);

    // ---- deposits and claims ----

    /// @notice A deposit of zero.
    /// @dev selector 0x56316e87
    error ZeroDeposit();

    /// @notice A deposit of 2^96 or more (the cap that keeps every balance below 2^128).
    /// @dev selector 0xff740679
    /// @param amount the amount.
    error DepositTooLarge(uint256 amount);

    /// @notice A deposit to a chain that is not a member.
    /// @dev selector 0x51cf29eb
    /// @param chainId the given chain.
    error UnknownChain(uint256 chainId);

    /// @notice A deposit to a leaf index outside the member's tree (2^D leaves).
    /// @dev selector 0xcf13a418
    /// @param chainId the member.
    /// @param leaf the given leaf index.
    error UnknownAccount(uint256 chainId, uint256 leaf);

    /// @notice A deposit or a listing of a token governance has not listed (or ETH sent to `depositErc20`).
    /// @dev selector 0x2efee0ce
    /// @param tokenId the token id.
    error UnlistedToken(uint256 tokenId);

    /// @notice `listToken` of a token that is listed already, or of the zero address.
    /// @dev selector 0x3fb6e971
    /// @param token the ERC-20 contract.
    error TokenAlreadyListed(address token);

    /// @notice An ERC-20 `transferFrom` or `transfer` failed (returned false or reverted).
    /// @dev selector 0x2b596cb7
    /// @param token the ERC-20 contract.
    error TokenTransferFailed(address token);

    /// @notice `claim` by an account that is owed nothing of the token (nothing withdrawn to it, or claimed already).
    /// @dev selector 0x01ac6c1a
    /// @param account the caller.
    /// @param tokenId the token.
    error NothingToClaim(address account, uint256 tokenId);

    /// @notice Sending ETH to the claimant failed.
    /// @dev selector 0x09b62ba1
    /// @param account the claimant.
    error EthTransferFailed(address account);

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

    // ---- joint governance ----

    /// @notice An instance change (`addMember`, `setInstance`, `setDeadlines`) called by another account than `governance()`.
    /// @dev selector 0x988d1f03
    /// @param caller the calling account.
    error NotGovernance(address caller);

    /// @notice `setGovernance` called a second time: the governance contract is set once, for good.
    /// @dev selector 0x67abade7
    /// @param governance the governance contract already set.
    error GovernanceAlreadySet(address governance);

    /// @notice `addMember` with a genesis root that is not below the BN254 scalar field order r.
    /// @dev selector 0xc40e9edf
    /// @param genesisRoot the given root.
    error MemberGenesisRootNotInField(uint256 genesisRoot);

    /// @notice A deposit to, or a second `removeMember` of, a member joint governance removed.
    /// @dev selector 0xd0d20500
    /// @param chainId the removed member.
    error MemberRemoved(uint256 chainId);

    /// @notice A deposit to a member whose removal joint governance has queued, until its boundary passes (so a
    ///         deposit cannot make the removal revert PendingDepositsTo).
    /// @dev selector 0x0a840c86
    /// @param chainId the member.
    /// @param atBatch the boundary of the queued removal: deposits to it are open again once batch `atBatch` settled.
    error DepositsClosedTo(uint256 chainId, uint64 atBatch);

    /// @notice `removeMember` while L1 deposits to the member wait in the queue (each would change its frozen root).
    /// @dev selector 0xca31b351
    /// @param chainId the member.
    /// @param count deposits to it not consumed yet.
    error PendingDepositsTo(uint256 chainId, uint256 count);

    /// @notice A batch whose new root of a removed member differs from its frozen root.
    /// @dev selector 0x9eb3c463
    /// @param batchIndex the batch.
    /// @param chainId the removed member.
    error RemovedMemberChanged(uint64 batchIndex, uint256 chainId);

    // ---- deployment ----

    /// @notice Deployment or `addMember` refused: N outside 2..8 (circomlibjs' Poseidon contracts take at most 8 inputs).
    /// @dev selector 0x4d50f596
    /// @param members the length of `genesisRoots`, or the N + 1 `addMember` would make.
    error BadMemberCount(uint256 members);

    /// @notice Deployment or `setInstance` refused: Δ must be 1..2^16 - 1 ticks.
    /// @dev selector 0xe101608c
    /// @param deltaTicks the given Δ.
    error BadDeltaTicks(uint256 deltaTicks);

    /// @notice Deployment refused: the tick rate `maxTicksPerSecond` must be positive.
    /// @dev selector 0xbf582d1a
    error BadTickRate();

    /// @notice Deployment or an instance change refused: the verifier has no code, or no verifyProof with N + 4 public inputs.
    /// @dev selector 0x8867eb7c
    /// @param verifier the given verifier.
    /// @param publicInputs N + 4 (of the new N at `addMember`).
    error VerifierArityMismatch(address verifier, uint256 publicInputs);

    /// @notice Deployment or an instance change refused: B outside 1..64, D outside 2..32, a zero deposit deadline or
    ///         exodus timeout, or a `genesisEthEscrow` that does not hold one entry per member.
    /// @dev selector 0x629bc85d
    error BadInstanceShape();

    /// @notice Deployment refused: the ETH sent is not the sum of `genesisEthEscrow`.
    /// @dev selector 0xbcdce1fc
    /// @param expected the sum of `genesisEthEscrow`.
    /// @param got `msg.value`.
    error GenesisEscrowUnfunded(uint256 expected, uint256 got);

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

    /// @notice The genesis accounts, published once by the constructor so that anyone can rebuild every member's
    ///         state from L1 alone (`cluster-settle sync`). The contract does not check them: a reader rebuilds the
    ///         trees and compares their roots with the genesis commitment.
    /// @param accounts 6 words per account: chainId, leaf index, ax, ay, tokenId, balance.
    event GenesisPublished(uint256[] accounts);

    /// @notice An account exited in exodus mode: `amount` (its balance, at most its chain's escrow) is owed to `recipient`.
    /// @param chainId the member.
    /// @param leafIndex the account's leaf.
    /// @param tokenId the token.
    /// @param amount what is owed (claim it with `claim`).
    /// @param recipient the L1 address its owner signed.
    event Exited(uint256 indexed chainId, uint256 indexed leafIndex, uint256 tokenId, uint256 amount, address recipient);

    /// @notice In exodus mode, an unconsumed deposit was given back to its depositor (claim it with `claim`).
    /// @param index the deposit's queue position.
    /// @param depositor who deposited.
    event DepositReclaimed(uint256 indexed index, address depositor);

    /// @notice A deposit joined the queue. `sync` and the sequencer read the queue from these events.
    /// @param index its queue position.
    /// @param chainId the member credited.
    /// @param to the leaf index credited.
    /// @param tokenId the token.
    /// @param amount the amount received, in base units.
    /// @param depositor who deposited (paid back if no leaf can take it).
    event Deposited(uint256 indexed index, uint256 chainId, uint256 to, uint256 tokenId, uint256 amount, address depositor);

    /// @notice A batch consumed a deposit: credited to its leaf, or refunded to its depositor (`refunded`).
    /// @param index the deposit's queue position.
    /// @param batchIndex the batch.
    /// @param refunded true when no leaf could take it and its depositor may claim it back.
    event DepositConsumed(uint256 indexed index, uint64 indexed batchIndex, bool refunded);

    /// @notice A settled WITHDRAW (or a refunded deposit) made `amount` of `tokenId` claimable by `account`.
    /// @param account the L1 address owed.
    /// @param tokenId the token.
    /// @param amount the amount added to what it may claim.
    /// @param batchIndex the batch that settled it.
    event WithdrawalOwed(address indexed account, uint256 indexed tokenId, uint256 amount, uint64 batchIndex);

    /// @notice `account` claimed `amount` of `tokenId`.
    /// @param account the claimant.
    /// @param tokenId the token.
    /// @param amount the amount sent to it.
    event Claimed(address indexed account, uint256 indexed tokenId, uint256 amount);

    /// @notice Governance listed an ERC-20 for deposits.
    /// @param tokenId its token id in the cluster.
    /// @param token the ERC-20 contract.
    event TokenListed(uint256 indexed tokenId, address token);

    /// @notice A sequencer was added (`allowed` true) or removed; also emitted for each of the constructor's sequencers.
    /// @param account the account.
    /// @param allowed whether it may settle now.
    event SequencerSet(address indexed account, bool allowed);

    /// @notice The owner role moved; emitted with `previousOwner` = 0 by the constructor.
    /// @param previousOwner the old owner.
    /// @param newOwner the new owner.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The joint governance contract was set (`setGovernance`): from now on only it changes the instance.
    /// @param governance the ClusterGovernance contract.
    event GovernanceSet(address indexed governance);

    /// @notice Joint governance added member `chainId` (= the old N) at a batch boundary: from batch `atBatch` on,
    ///         proofs are of the N + 1 instance and start from `rootsCommitment`, over the old roots and `genesisRoot`.
    ///         With GenesisPublished, what `sync` rebuilds the new member's state from (an exit needs no operator).
    /// @param chainId the new member's chain id.
    /// @param atBatch the first batch of the N + 1 instance (nextBatchIndex when it was added).
    /// @param genesisRoot its state root at genesis.
    /// @param rootsCommitment the new commitment of all N + 1 roots.
    /// @param verifier the Groth16 verifier of the N + 1 instance.
    /// @param genesisAccounts its genesis accounts, 6 words each as in Config.genesisAccounts (published, not checked).
    event MemberAdded(uint256 indexed chainId, uint64 atBatch, uint256 genesisRoot, uint256 rootsCommitment, address verifier, uint256[] genesisAccounts);

    /// @notice Joint governance queued the removal of member `chainId` at batch boundary `atBatch`: deposits to it are
    ///         refused (DepositsClosedTo) until that boundary passes, removed or not.
    /// @param chainId the member.
    /// @param atBatch the removal's boundary.
    event DepositsClosed(uint256 indexed chainId, uint64 atBatch);

    /// @notice Joint governance removed member `chainId` at a batch boundary: its root is frozen from batch `atBatch` on
    ///         (every later batch must carry it unchanged), it takes no deposit, and its accounts exit from the frozen
    ///         root at once (`exit`, no exodus needed), each paid at most what its escrow holds.
    /// @param chainId the removed member.
    /// @param atBatch the first batch in which its root is frozen (nextBatchIndex when it was removed).
    /// @param frozenRoot its state root, for good.
    event MemberRemovedAt(uint256 indexed chainId, uint64 atBatch, uint256 frozenRoot);

    /// @notice Joint governance changed the circuit instance at the same N (a new verifying key, B or Δ).
    /// @param verifier the new Groth16 verifier.
    /// @param slots the new B.
    /// @param deltaTicks the new Δ.
    event InstanceChanged(address verifier, uint256 slots, uint256 deltaTicks);

    /// @notice Joint governance changed the deadlines.
    /// @param depositDeadlineBlocks the new deposit deadline, in L1 blocks.
    /// @param exodusTimeoutBlocks the new exodus timeout, in L1 blocks.
    event DeadlinesChanged(uint256 depositDeadlineBlocks, uint256 exodusTimeoutBlocks);

    // ---- settle and reads ----

    /// @notice Verifies `batches` in order and moves all roots to the last batch's new roots. Sequencers only.
    /// @dev Reverts on the first batch that is out of order, replayed, not continuing the ticks, ahead of
    ///      L1 time, not starting from the stored roots, or whose proof fails; emits BatchSettled per batch.
    /// @param batches consecutive batches, the first at `nextBatchIndex()`.
    function settle(Batch[] calldata batches) external;

    /// @notice Deposits ETH (token 1) for leaf `to` on member `chainId`; the next batches must consume it.
    /// @param chainId the member, 0..N-1.
    /// @param to the leaf index, 0..2^D-1.
    function depositEth(uint256 chainId, uint256 to) external payable;

    /// @notice Deposits `amount` of the listed ERC-20 `tokenId` (after `approve`) for leaf `to` on member
    ///         `chainId`. The queue records what the contract received (a fee-on-transfer token gives less).
    /// @param tokenId a listed token id (not 1, ETH).
    /// @param amount base units, 1..2^96-1.
    /// @param chainId the member, 0..N-1.
    /// @param to the leaf index, 0..2^D-1.
    function depositErc20(uint256 tokenId, uint256 amount, uint256 chainId, uint256 to) external;

    /// @notice Sends the caller everything it is owed of `tokenId` (settled withdrawals and refunded deposits).
    /// @param tokenId the token.
    function claim(uint256 tokenId) external;

    /// @notice Lists an ERC-20 for deposits under the next token id. Owner only (a governance action later).
    /// @param token the ERC-20 contract.
    /// @return tokenId the id it is listed under (2, 3, … below 2^15; 1 is ETH; 2^15 and up are cluster-native).
    function listToken(address token) external returns (uint256 tokenId);

    /// @notice In exodus mode: pays an account's balance at its chain's last settled root to the L1 address its owner
    ///         signed (owed, then `claim`), at most the chain's escrow of the token; once per account. Anyone may send it.
    /// @param request the leaf, its Merkle path and the owner's signature.
    function exit(ExitRequest calldata request) external;

    /// @notice In exodus mode: gives an unconsumed deposit back to its depositor (owed, then `claim`). Anyone may send it.
    /// @param index the deposit's queue position (not consumed by a settled batch).
    /// @param chainId the deposit's member, as in its Deposited event.
    /// @param to its leaf index.
    /// @param tokenId its token.
    /// @param amount its amount.
    function reclaimDeposit(uint256 index, uint256 chainId, uint256 to, uint256 tokenId, uint256 amount) external;

    /// @notice Whether the contract is in exodus mode: no batch settled for `exodusTimeoutBlocks` blocks (or an exit
    ///         or reclaim already happened). For good: nothing settles or is deposited any more.
    /// @return true in exodus mode.
    function exodusMode() external view returns (bool);

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

    /// @notice Sets the joint governance contract (ClusterGovernance), once. Owner only. Until it is set the
    ///         instance (members, verifier, B, Δ, deadlines) cannot change; after it, only governance changes it.
    /// @param governance_ the governance contract; not the zero address.
    function setGovernance(address governance_) external;

    // ---- joint governance actions (ClusterGovernance only, after quorum and timelock, at a batch boundary) ----

    /// @notice Adds member N with state root `genesisRoot`; the next batch is proven by `verifier_` (N + 5 public
    ///         inputs) and starts from Poseidon(domain, Poseidon(roots[0..N])). Its escrow starts empty. Governance only.
    /// @param verifier_ the Groth16 verifier of the N + 1 instance.
    /// @param slots_ B of the N + 1 instance, 1..64.
    /// @param poseidonRoots circomlibjs Poseidon contract of N + 1 inputs.
    /// @param genesisRoot the new member's state root at genesis, below r.
    /// @param genesisAccounts its genesis accounts, 6 words each (chainId, leaf index, ax, ay, tokenId, balance), published
    ///        in MemberAdded and not checked here (`sync` checks them against `genesisRoot`; governors before approving).
    function addMember(address verifier_, uint256 slots_, address poseidonRoots, uint256 genesisRoot, uint256[] calldata genesisAccounts) external;

    /// @notice Removes member `chainId` at the current batch boundary (joint governance only): its root is frozen
    ///         (RemovedMemberChanged for a batch that changes it), deposits to it are refused, and its accounts
    ///         may exit at once from the frozen root. The circuit instance stays the same (N members).
    /// @dev Reverts NotGovernance, ExodusActive, UnknownChain, MemberRemoved (removed already), PendingDepositsTo.
    /// @param chainId the member to remove.
    function removeMember(uint256 chainId) external;

    /// @notice Closes deposits to member `chainId` until batch `atBatch` settled (joint governance only, when a removal
    ///         of it at that boundary reaches quorum). A later boundary extends it, an earlier one changes nothing.
    /// @dev Reverts NotGovernance.
    /// @param chainId the member.
    /// @param atBatch the queued removal's boundary.
    function closeDepositsTo(uint256 chainId, uint64 atBatch) external;

    /// @notice The batch index from which deposits to member `chainId` are open again (closeDepositsTo), or 0 when they were never closed.
    /// @param chainId the member.
    /// @return openFrom deposits are refused while nextBatchIndex is below it.
    function depositsOpenFrom(uint256 chainId) external view returns (uint64 openFrom);

    /// @notice Whether joint governance removed member `chainId`.
    /// @param chainId the member.
    /// @return removed true once removed.
    function isRemoved(uint256 chainId) external view returns (bool removed);

    /// @notice Moves to another instance of the same N (a new set-up's verifying key, another B or Δ); not in exodus
    ///         mode. Governance only.
    /// @param verifier_ the new Groth16 verifier (N + 4 public inputs).
    /// @param slots_ the new B, 1..64.
    /// @param deltaTicks_ the new Δ, 1..2^16 - 1.
    function setInstance(address verifier_, uint256 slots_, uint256 deltaTicks_) external;

    /// @notice Changes the deposit deadline and the exodus timeout; refused (ExodusActive) in exodus mode, and when the
    ///         new timeout would start exodus at once. Governance only.
    /// @param depositDeadlineBlocks_ the new deposit deadline, in L1 blocks, > 0.
    /// @param exodusTimeoutBlocks_ the new exodus timeout, in L1 blocks, > 0.
    function setDeadlines(uint256 depositDeadlineBlocks_, uint256 exodusTimeoutBlocks_) external;

    // ---- state getters ----

    /// @notice Groth16 verifier of the current batch circuit instance (generated by snarkjs at set-up; governance may change it).
    /// @return the verifier's address.
    function verifier() external view returns (address);

    /// @notice Number of member chains N.
    /// @return N, 2..8.
    function members() external view returns (uint256);

    /// @notice Delivery bound Δ in ticks (enforced by the circuit; recorded here for readers).
    /// @return Δ of the current instance.
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

    /// @notice The joint governance contract (zero until `setGovernance`): the only caller of the instance changes.
    /// @return its address.
    function governance() external view returns (address);

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

    /// @notice What the proof established for a settled batch: keccak256(abi.encode(header, newRootsCommitment)),
    ///         the key a governor's claim for that batch index is compared with (GovernorRegistry slashing).
    /// @param batchIndex a batch index.
    /// @return the settled claim key, or 0 while `batchIndex` is not settled.
    function settledClaim(uint256 batchIndex) external view returns (bytes32);

    /// @notice B, slots per batch of the circuit instance (a batch publishes B * 5 words).
    /// @return B.
    function slots() external view returns (uint256);

    /// @notice D, depth of each member's account tree (deposits go to leaves 0..2^D-1).
    /// @return D.
    function depth() external view returns (uint256);

    /// @notice L1 blocks a deposit may wait unconsumed before settlements must consume it.
    /// @return the deadline, in blocks.
    function depositDeadlineBlocks() external view returns (uint256);

    /// @notice Deposits made so far (the next deposit's queue position).
    /// @return the queue length.
    function depositCount() external view returns (uint64);

    /// @notice Deposits consumed by settled batches (the queue position of the next to consume).
    /// @return the number consumed.
    function depositsConsumed() external view returns (uint64);

    /// @notice What member `chainId` holds of `tokenId` on L1: the most its settlements can take out. Not kept
    ///         (0) for a cluster-native token on its owner chain, which issues it.
    /// @param chainId the member.
    /// @param tokenId the token.
    /// @return the escrow, in base units.
    function escrowOf(uint256 chainId, uint256 tokenId) external view returns (uint256);

    /// @notice What `account` may claim of `tokenId`.
    /// @param account the L1 address.
    /// @param tokenId the token.
    /// @return the amount owed, in base units.
    function claimable(address account, uint256 tokenId) external view returns (uint256);

    /// @notice The ERC-20 listed under `tokenId` (zero for ETH, token 1, and for unlisted ids).
    /// @param tokenId the token id.
    /// @return the ERC-20 contract.
    function tokenAddress(uint256 tokenId) external view returns (address);

    /// @notice L1 blocks without a settlement after which the contract is in exodus mode.
    /// @return the timeout, in blocks.
    function exodusTimeoutBlocks() external view returns (uint256);

    /// @notice The L1 block of the last settlement (the deployment's before the first).
    /// @return the block number.
    function lastSettlementBlock() external view returns (uint256);

    /// @notice Whether the account at `leafIndex` on member `chainId` exited in exodus mode.
    /// @param chainId the member.
    /// @param leafIndex the account's leaf.
    /// @return true once it exited.
    function exited(uint256 chainId, uint256 leafIndex) external view returns (bool);

    /// @notice Number of token ids in use, ETH included (the next listing gets this + 1).
    /// @return the last listed token id.
    function tokenCount() external view returns (uint256);
}
