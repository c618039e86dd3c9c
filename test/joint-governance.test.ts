import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import { Contract, type JsonRpcProvider, Wallet, ZeroAddress, parseEther } from "ethers";
import { prepareInstance } from "../src/setup/prepare-instance.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { terminateCurve } from "./helpers/test-instance.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { deploySettlement, settlementConfig } from "../src/l1/deploy.js";
import { sendSettle, settlementBatch, type SettlementBatch } from "../src/l1/settlement-calldata.js";
import { revertOutcome } from "./helpers/revert-outcome.js";
import { governanceInterfaceAbi, settlementInterfaceAbi } from "../src/l1/compile-contracts.js";
import { deployRegistry, registryClient } from "../src/governance/registry.js";
import { claimDomain, signClaim } from "../src/governance/claim.js";
import {
  type AddMemberParams,
  type ClusterGovernanceClient,
  GOVERNANCE_ACTION,
  checkAddMember,
  checkSetInstance,
  decodeAddMember,
  deployGovernance,
  deployMemberAddition,
  encodeAddMember,
  encodeRemoveMember,
  encodeSetDeadlines,
  encodeSetInstance,
  governanceClient,
} from "../src/governance/joint-governance.js";
import { type OpenCluster, type ClosedBatchInput, openCluster } from "../src/core/open-cluster.js";
import { type Genesis, type GenesisAccount, genesisDomain, genesisEthEscrow } from "../src/protocol/genesis.js";
import { EddsaSigner, type KeyPair } from "../src/crypto/eddsa.js";
import { getPoseidon } from "../src/crypto/poseidon.js";
import { operationDigest, type SignedOperation } from "../src/protocol/operation.js";
import { pubdataOfInput } from "../src/circuits/batch-input.js";
import { syncFromL1 } from "../src/sync/l1-sync.js";
import type { FieldError } from "../src/config/field-error.js";
import { measureGovernanceGas } from "../src/bench/governance-gas.js";
import { benchWorkload } from "../src/bench/measurements.js";
import { ClusterNode } from "../src/core/cluster-node.js";
import { inProcessSequencer, runGovernor } from "../src/governance/governor.js";
import { ClusterStore } from "../src/store/cluster-store.js";
import { quietLogger, signedOperations, tempDir, waitFor } from "./helpers/service-fixture.js";
import { join } from "node:path";
import { copyFileSync, writeFileSync } from "node:fs";
import { Sequencer } from "../src/core/sequencer.js";
import { recordedMemberChanges } from "../src/core/member-changes.js";
import type { CircuitInput } from "../src/circuits/batch-input.js";
import { cli } from "./helpers/cli-process.js";
import { toJson } from "../src/protocol/json.js";

// Joint governance (seed 004) end to end on anvil: a cluster of 3 (instance member-add-n3) settles a
// batch; its three governors approve adding a fourth member (instance member-add-n4, set up beforehand),
// which executes after the timelock at its batch boundary; the executor and the contract switch together,
// the next batch (proven by the N = 4 verifier) carries cross-chain messages to the new member, and
// `sync` rebuilds all four members from L1 alone. Each refusal is asserted by its custom error.

const TIMELOCK_SECONDS = 3_600;
const CLUSTER_ID = 4_004n;

let n3: PreparedInstance;
let n4: PreparedInstance;
let devnet: Devnet;
let provider: JsonRpcProvider;
let deployer: Wallet;
let settlement: Contract;
let governance: ClusterGovernanceClient;
let governors: Wallet[];
let registryAddress: string;
let stranger: Wallet;
let cluster: OpenCluster;
let genesis: Genesis;
let sign: (op: Omit<SignedOperation, "signature">) => SignedOperation;
let keys: KeyPair[];

/** Decodes the custom errors of ClusterGovernance and of the settlement calls it makes. */
const errors = new Contract(ZeroAddress, [
  ...governanceInterfaceAbi(),
  ...settlementInterfaceAbi().filter((f) => (f as { type: string }).type === "error"),
] as never);

const outcome = (send: () => Promise<{ wait(): Promise<unknown> }>) => revertOutcome(send, errors);

const as = (w: Wallet) => governanceClient(governance.target as string, w);
const eth = (v: string) => parseEther(v);
const send = (src: number, dst: number, from: bigint, to: bigint, amount: bigint, nonce: bigint): Omit<SignedOperation, "signature"> => ({
  type: "SEND",
  chainId: src,
  dstChain: dst,
  from,
  to,
  tokenId: 1n,
  amount,
  nonce,
  dataHash: 0n,
});

/** Proves a closed batch with its instance's zkey (snarkjs) and gives the settle argument. */
async function prove(p: PreparedInstance, b: ClosedBatchInput): Promise<SettlementBatch> {
  const { proof } = await snarkjs.groth16.fullProve(b.input as never, p.circuit.wasm, p.keys.zkey);
  return settlementBatch(b.header, pubdataOfInput(b.input), proof);
}

async function advance(seconds: number): Promise<void> {
  await provider.send("evm_increaseTime", [seconds]);
  await provider.send("anvil_mine", ["0x1"]);
}

/** The new member's genesis: one account (leaf 0, key 0, ETH, balance 0: its escrow on L1 starts empty). */
const newcomer = (): GenesisAccount[] => [{ chainId: 3, index: 0n, ax: keys[0].ax, ay: keys[0].ay, tokenId: 1n, balance: 0n }];

beforeAll(async () => {
  n3 = await prepareInstance("member-add-n3");
  n4 = await prepareInstance("member-add-n4");
  devnet = await startAnvil();
  provider = devnetProvider(devnet.rpcUrl);
  deployer = new Wallet(ANVIL_DEFAULT_KEY, provider);
  const chainId = Number((await provider.getNetwork()).chainId);
  const signer = await EddsaSigner.create();
  const poseidon = await getPoseidon();
  keys = [1, 2].map((seed) => signer.keyPair(new Uint8Array(32).fill(seed)));
  genesis = {
    l1ChainId: chainId,
    clusterId: CLUSTER_ID,
    members: 3,
    accounts: [0, 1, 2].flatMap((c) =>
      keys.map((k, i) => ({ chainId: c, index: BigInt(i), ax: k.ax, ay: k.ay, tokenId: 1n, balance: eth(i === 0 ? "5" : "1") })),
    ),
  };
  const domain = genesisDomain(genesis);
  sign = (op) => ({ ...op, signature: signer.sign(keys[Number(op.from)].privateKey, operationDigest(poseidon, domain, op)) });
  cluster = await openCluster(n3.inst, genesis);
  settlement = await deploySettlement(
    deployer,
    n3.contracts,
    settlementConfig(n3, {
      roots: cluster.genesisRoots,
      commitment: cluster.genesisCommitment(),
      clusterId: CLUSTER_ID,
      l1ChainId: chainId,
      ethEscrow: genesisEthEscrow(genesis),
      accounts: genesis.accounts,
    }),
  );
  const registry = await deployRegistry(deployer, n3.contracts.registry, await settlement.getAddress(), {
    epochBlocks: 1,
    challengeWindowBlocks: 10,
    unbondingBlocks: 20,
  });
  const funded = async () => {
    const w = new Wallet(Wallet.createRandom().privateKey, provider);
    await provider.send("anvil_setBalance", [w.address, `0x${eth("100").toString(16)}`]);
    return w;
  };
  governors = [await funded(), await funded(), await funded()];
  stranger = await funded();
  for (const g of governors) await (await registryClient(registry.target as string, g).bond({ value: eth("1") })).wait();
  await provider.send("anvil_mine", ["0x1"]); // the next epoch: all three are in the set
  registryAddress = registry.target as string;
  governance = await deployGovernance(deployer, n3.contracts.governance, settlement, registry.target as string, TIMELOCK_SECONDS);
}, 600_000);

afterAll(async () => {
  provider?.destroy();
  await devnet?.stop();
  await terminateCurve();
});

describe("joint governance: a cluster of 3 adds a fourth member and settles messages to it", () => {
  let addition: { verifier: string; poseidonRoots: string };
  let params: string;
  let genesisRoot: bigint;
  let proposal: bigint;

  it("only the owner points the settlement at its governance, once; only the governance changes the instance", async () => {
    const asStranger = settlement.connect(stranger) as Contract;
    expect(await outcome(() => asStranger.setGovernance(stranger.address))).toBe(`NotOwner(${stranger.address})`);
    expect(await outcome(() => settlement.setGovernance(stranger.address))).toBe(`GovernanceAlreadySet(${governance.target})`);
    expect(await settlement.governance()).toBe(governance.target);
    // the owner itself cannot add a member, change the verifier or the deadlines any more
    expect(await outcome(() => settlement.addMember(stranger.address, 2, stranger.address, 1n, []))).toBe(`NotGovernance(${deployer.address})`);
    expect(await outcome(() => settlement.setInstance(stranger.address, 2, 2))).toBe(`NotGovernance(${deployer.address})`);
    expect(await outcome(() => settlement.setDeadlines(10, 10))).toBe(`NotGovernance(${deployer.address})`);
    expect(await outcome(() => settlement.removeMember(0))).toBe(`NotGovernance(${deployer.address})`);
  });

  it("a proposal to add member 3 at batch 1: only governors propose and approve, each once; no execution without 2/3, before the timelock, or mid-batch", async () => {
    addition = await deployMemberAddition(deployer, n4);
    // the executor computes the new member's genesis root; it switches to N = 4 only at batch 1's boundary (below)
    const probe = await openCluster(n3.inst, genesis);
    genesisRoot = probe.addMember(n4.inst, newcomer()).genesisRoot;
    params = encodeAddMember({ ...addition, slots: n4.inst.slots, genesisRoot, genesisAccounts: newcomer() });

    expect(await outcome(() => as(stranger).propose(GOVERNANCE_ACTION.ADD_MEMBER, params, 1))).toMatch(/^NotGovernor\(/);
    expect(await outcome(() => as(governors[0]).propose(9, params, 1))).toBe("UnknownAction(9)");
    expect(await outcome(() => as(governors[0]).propose(GOVERNANCE_ACTION.ADD_MEMBER, params, 1))).toBe("ok"); // approves it too: 1 of 3 ETH
    proposal = await governance.proposalCount();
    // a governor checks the proposal from its Proposed event before approving: the code, B and the genesis root
    const [event] = await governance.queryFilter(governance.filters.Proposed(proposal));
    const proposed = decodeAddMember((event as unknown as { args: { params: string } }).args.params);
    await expect(checkAddMember(provider, proposed, n4)).resolves.toBeUndefined();
    const refused = (p: Partial<AddMemberParams>) =>
      checkAddMember(provider, { ...proposed, ...p }, n4).then(
        () => "accepted",
        (e: FieldError) => e.message,
      );
    const n3Contracts = await deployMemberAddition(deployer, n3); // an N = 3 verifier and Poseidon(3): not what N + 1 = 4 needs
    expect(await refused({ verifier: n3Contracts.verifier })).toBe(
      `verifier: the code at ${n3Contracts.verifier} is not instance "member-add-n4"'s exported Groth16 verifier`,
    );
    expect(await refused({ poseidonRoots: n3Contracts.poseidonRoots })).toBe(
      `poseidonRoots: the code at ${n3Contracts.poseidonRoots} is not circomlibjs' Poseidon contract of 4 inputs`,
    );
    expect(await refused({ poseidonRoots: stranger.address })).toBe(`poseidonRoots: no contract at ${stranger.address}`);
    expect(await refused({ slots: 4 })).toBe('slots: 4, but instance "member-add-n4" has B = 2');
    expect(await refused({ genesisRoot: genesisRoot + 1n })).toBe(`genesisRoot: ${genesisRoot + 1n}, but the genesis accounts give ${genesisRoot}`);
    expect(await refused({ genesisAccounts: [{ ...newcomer()[0], balance: 5n }] })).toBe(
      "genesisAccounts[0].balance: ETH the new member's empty escrow does not back",
    );
    expect(await refused({ genesisAccounts: [{ ...newcomer()[0], chainId: 2 }] })).toBe("genesisAccounts[0].chainId: 2, but the new member is chain 3");
    expect(() => decodeAddMember("0x1234")).toThrow(/^params: not ADD_MEMBER's abi.encode/);

    expect(await outcome(() => as(governors[0]).approve(proposal))).toBe(`AlreadyApproved(${proposal}, ${governors[0].address})`);
    expect(await outcome(() => as(stranger).approve(proposal))).toMatch(/^NotGovernor\(/);
    expect(await outcome(() => as(stranger).approve(proposal + 1n))).toBe(`UnknownProposal(${proposal + 1n})`);
    expect(await outcome(() => governance.execute(proposal, params))).toBe(`QuorumNotReached(${proposal}, ${eth("1")}, ${eth("3")})`);
    expect(await outcome(() => as(governors[1]).approve(proposal))).toBe("ok"); // 2 of 3 ETH: queued
    const queued = await governance.proposalOf(proposal);
    expect(queued.approvedStake).toBe(eth("2"));
    expect(queued.queuedAt).toBeGreaterThan(0n);
    expect(await outcome(() => governance.execute(proposal, params))).toBe(`TimelockNotOver(${proposal}, ${queued.queuedAt + BigInt(TIMELOCK_SECONDS)})`);
    await advance(TIMELOCK_SECONDS);
    // batch 0 has not settled: the boundary before batch 1 is not reached
    expect(await outcome(() => governance.execute(proposal, params))).toBe(`NotAtBatchBoundary(${proposal}, 1, 0)`);
    expect(await settlement.members()).toBe(3n);
  });

  it("batch 0 settles under N = 3; then a proposal for the passed boundary is refused and the parameters must be the proposed ones", async () => {
    cluster.admit(sign(send(0, 1, 0n, 1n, eth("1"), 0n)));
    cluster.admit(sign(send(2, 0, 1n, 0n, eth("0.5"), 0n)));
    await (await sendSettle(settlement, [await prove(n3, cluster.close())])).wait();
    expect(await settlement.nextBatchIndex()).toBe(1n);
    expect(await outcome(() => as(governors[0]).propose(GOVERNANCE_ACTION.ADD_MEMBER, params, 0))).toBe("BoundaryPassed(0, 1)");
    const other = encodeAddMember({ ...addition, slots: n4.inst.slots, genesisRoot: genesisRoot + 1n, genesisAccounts: newcomer() });
    expect(await outcome(() => governance.execute(proposal, other))).toBe(`ParamsMismatch(${proposal})`);
  });

  it("executes at batch 1's boundary: N = 4 on L1, member 3 at its genesis root and an empty escrow; executed once", async () => {
    expect(await outcome(() => as(stranger).execute(proposal, params))).toBe("ok"); // anyone may execute an approved proposal
    expect(await outcome(() => governance.execute(proposal, params))).toBe(`AlreadyExecuted(${proposal})`);
    expect(await settlement.members()).toBe(4n);
    expect(await settlement.verifier()).toBe(addition.verifier);
    expect(await settlement.rootOf(3)).toBe(genesisRoot);
    expect(await settlement.escrowOf(3, 1)).toBe(0n);
    // the executor switches at the same boundary
    expect(cluster.addMember(n4.inst, newcomer())).toEqual({ chainId: 3, genesisRoot });
    expect(cluster.roots()).toEqual(await settlement.currentRoots());
  });

  it("a proof of the old instance for batch 1 is refused; batch 1 of the N + 1 instance settles messages to the new member", async () => {
    // an executor that did not switch proves its own batch 1 with the N = 3 zkey
    const stale = await openCluster(n3.inst, genesis);
    stale.admit(sign(send(0, 1, 0n, 1n, eth("1"), 0n)));
    stale.admit(sign(send(2, 0, 1n, 0n, eth("0.5"), 0n)));
    stale.close();
    stale.admit(sign(send(0, 2, 0n, 1n, eth("1"), 1n)));
    const staleBatch = await prove(n3, stale.close());
    expect(await outcome(() => sendSettle(settlement, [staleBatch]))).toBe("WrongMemberCount(1, 4, 3)");

    cluster.admit(sign(send(0, 3, 0n, 0n, eth("2"), 1n))); // chain 0 -> the new member
    cluster.admit(sign(send(1, 3, 1n, 0n, eth("0.25"), 0n))); // chain 1 -> the new member
    const closed = cluster.close();
    expect(closed.header.oldRootsCommitment).toBe(await settlement.rootsCommitment()); // Poseidon(domain, Poseidon(4 roots)) on both sides
    const batch1 = await prove(n4, closed);
    await (await sendSettle(settlement, [batch1])).wait();
    expect(await settlement.nextBatchIndex()).toBe(2n);
    expect(await settlement.rootOf(3)).toBe(cluster.roots()[3]);
    expect(await settlement.escrowOf(3, 1)).toBe(eth("2.25"));
    expect(await settlement.escrowOf(0, 1)).toBe(eth("6") - eth("1") + eth("0.5") - eth("2"));
  });

  it("sync rebuilds all four members from L1 alone (the new member from its published genesis accounts)", async () => {
    const synced = await syncFromL1(provider, settlement.target as string);
    expect(synced.members).toBe(4);
    expect(synced.batches).toBe(2);
    expect(synced.roots).toEqual(synced.onChainRoots);
    expect(synced.state.account(3, 0n)?.balance).toBe(eth("2.25"));
  });

  it("the other actions: the deadlines change by quorum; a verifier of the wrong arity is refused at execution; a queued removal closes deposits to the member until its boundary", async () => {
    const deadlines = encodeSetDeadlines({ depositDeadlineBlocks: 100, exodusTimeoutBlocks: 1_000 });
    await (await as(governors[1]).propose(GOVERNANCE_ACTION.SET_DEADLINES, deadlines, 2)).wait();
    const id = await governance.proposalCount();
    await (await as(governors[2]).approve(id)).wait();
    // a governor's check before approving: the verifier must be the N = 4 instance's own
    await expect(checkSetInstance(provider, { verifier: await n3VerifierAddress(), slots: 2, deltaTicks: 2 }, n4)).rejects.toThrow(
      `verifier: the code at ${await n3VerifierAddress()} is not instance "member-add-n4"'s exported Groth16 verifier`,
    );
    await expect(checkSetInstance(provider, { verifier: await settlement.verifier(), slots: 2, deltaTicks: 3 }, n4)).rejects.toThrow(
      'deltaTicks: 3, but instance "member-add-n4" has Δ = 2',
    );
    await expect(checkSetInstance(provider, { verifier: await settlement.verifier(), slots: 2, deltaTicks: 2 }, n4)).resolves.toBeUndefined();
    const wrongArity = encodeSetInstance({ verifier: await n3VerifierAddress(), slots: 2, deltaTicks: 2 });
    await (await as(governors[0]).propose(GOVERNANCE_ACTION.SET_INSTANCE, wrongArity, 2)).wait();
    const bad = await governance.proposalCount();
    await (await as(governors[2]).approve(bad)).wait();
    await advance(TIMELOCK_SECONDS);
    expect(await outcome(() => governance.execute(id, deadlines))).toBe("ok");
    expect(await settlement.depositDeadlineBlocks()).toBe(100n);
    expect(await settlement.exodusTimeoutBlocks()).toBe(1_000n);
    expect(await outcome(() => governance.execute(bad, wrongArity))).toBe(`VerifierArityMismatch(${await n3VerifierAddress()}, 8)`);
    expect((await governance.proposalOf(bad)).executed).toBe(false);
    // a timeout so short that the cluster would be in exodus at once is refused at execution (and so is any change in exodus)
    const tooShort = encodeSetDeadlines({ depositDeadlineBlocks: 100, exodusTimeoutBlocks: 1 });
    await (await as(governors[0]).propose(GOVERNANCE_ACTION.SET_DEADLINES, tooShort, 2)).wait();
    const short = await governance.proposalCount();
    await (await as(governors[1]).approve(short)).wait();
    await advance(TIMELOCK_SECONDS);
    expect(await outcome(() => governance.execute(short, tooShort))).toBe("ExodusActive()");
    expect(await settlement.exodusTimeoutBlocks()).toBe(1_000n);
    // a removal while a deposit to the member waits in the queue (it would change the frozen root), and of a member there is not
    await (await (settlement.connect(stranger) as Contract).depositEth(0, 0, { value: eth("1") })).wait();
    const removals = [encodeRemoveMember(0), encodeRemoveMember(9)];
    const ids: bigint[] = [];
    for (const params of removals) {
      await (await as(governors[0]).propose(GOVERNANCE_ACTION.REMOVE_MEMBER, params, 2)).wait();
      ids.push(await governance.proposalCount());
      await (await as(governors[1]).approve(ids.at(-1)!)).wait();
    }
    await advance(TIMELOCK_SECONDS);
    expect(await outcome(() => governance.execute(ids[0], removals[0]))).toBe("PendingDepositsTo(0, 1)");
    expect(await outcome(() => governance.execute(ids[1], removals[1]))).toBe("UnknownChain(9)");
    expect(await settlement.isRemoved(0)).toBe(false);
    // since the removal of member 0 was queued, deposits to it are closed until its boundary passes (so none made
    // after the quorum can make it revert); deposits to the others stay open
    const depositor = settlement.connect(stranger) as Contract;
    expect(await outcome(() => depositor.depositEth(0, 0, { value: eth("1") }))).toBe("DepositsClosedTo(0, 2)");
    expect(await settlement.depositsOpenFrom(0)).toBe(3n);
    expect(await outcome(() => depositor.depositEth(1, 0, { value: eth("1") }))).toBe("ok");
    expect(await outcome(() => settlement.closeDepositsTo(1, 5))).toBe(`NotGovernance(${deployer.address})`);
    // a removal whose parameters are not one uint256 is refused when proposed
    expect(await outcome(() => as(governors[0]).propose(GOVERNANCE_ACTION.REMOVE_MEMBER, "0x1234", 2))).toBe("BadRemovalParams(2)");
    // batch 2 settles without the removal: its boundary passed, deposits to member 0 are open again
    cluster.admit(sign(send(0, 1, 0n, 1n, eth("0.1"), 2n)));
    await (await sendSettle(settlement, [await prove(n4, cluster.close())])).wait();
    expect(await outcome(() => depositor.depositEth(0, 0, { value: eth("1") }))).toBe("ok");
  });

  it("an approver slashed during the timelock no longer counts: execution is refused QuorumLost until enough others approve", async () => {
    const deadlines = encodeSetDeadlines({ depositDeadlineBlocks: 120, exodusTimeoutBlocks: 1_000 });
    const next = Number(await settlement.nextBatchIndex());
    await (await as(governors[0]).propose(GOVERNANCE_ACTION.SET_DEADLINES, deadlines, next)).wait();
    const id = await governance.proposalCount();
    await (await as(governors[1]).approve(id)).wait(); // 2 of 3 ETH: queued
    // governor 1 signs two different claims for one batch index: anyone slashes it at once
    const domain = claimDomain((await provider.getNetwork()).chainId, registryAddress);
    const claim = { cluster: settlement.target as string, batchIndex: 7n, header: 7n << 64n, newRootsCommitment: 1n };
    const [a, b] = [await signClaim(governors[1], domain, claim), await signClaim(governors[1], domain, { ...claim, newRootsCommitment: 2n })];
    await (await registryClient(registryAddress, stranger).slashEquivocation(a.claim, a.signature, b.claim, b.signature)).wait();
    await advance(TIMELOCK_SECONDS);
    expect(await outcome(() => governance.execute(id, deadlines))).toBe(`QuorumLost(${id}, ${eth("1")}, ${eth("3")})`);
    await (await as(governors[2]).approve(id)).wait();
    expect(await outcome(() => governance.execute(id, deadlines))).toBe("ok");
    expect(await settlement.depositDeadlineBlocks()).toBe(120n);
  });

  it("the bench's governance gas (measureGovernanceGas): a proposal, approvals and each action, on a fresh settlement", async () => {
    const gas = await measureGovernanceGas(n3, n4, await benchWorkload(n3, 1, "governance-gas-test"), { rpcUrl: devnet.rpcUrl, close: async () => {} });
    expect(gas).toMatchObject({ members: { from: 3, to: 4 }, governors: 4, quorum: 3 });
    for (const v of [
      gas.proposeAddMember,
      gas.approve,
      gas.approveToQuorum,
      gas.executeAddMember,
      gas.executeSetInstance,
      gas.executeSetDeadlines,
      gas.proposeRemoveMember,
      gas.approveRemovalToQuorum,
      gas.executeRemoveMember,
    ])
      expect(v).toBeGreaterThan(21_000);
    expect(gas.approveToQuorum).toBeGreaterThan(gas.approve); // the total stake read and the queueing
    expect(gas.approveRemovalToQuorum).toBeGreaterThan(gas.approveToQuorum); // closeDepositsTo on the settlement
    expect(gas.executeAddMember).toBeGreaterThan(gas.executeSetDeadlines); // Poseidon on L1 and the arity check
    await expect(
      measureGovernanceGas(n3, n3, await benchWorkload(n3, 1, "governance-gas-test"), { rpcUrl: devnet.rpcUrl, close: async () => {} }),
    ).rejects.toThrow(/is not "member-add-n3" plus one member/);
  });
});

describe("a node's deployment of its joint governance", () => {
  it("deploys ClusterGovernance at the first start; a start killed after setGovernance but before its record adopts the one the settlement names", async () => {
    const { genesis: signedGenesis } = await signedOperations(n3.inst, 1, "joint-governance-node");
    const dataDir = tempDir("joint-governance-node");
    const config = { dataDir, genesis: signedGenesis, rpcUrl: devnet.rpcUrl, privateKey: ANVIL_DEFAULT_KEY, workers: 1, singleThread: true, settleBatches: 1 };
    const start = () => ClusterNode.start({ ...config, rpcRetryMinMs: 100, rpcRetryMaxMs: 1000 }, n3, quietLogger());
    let node = await start();
    const first = node.status();
    await node.stop();
    const onL1 = new Contract(first.settlement, settlementInterfaceAbi() as never, provider);
    expect(await onL1.governance()).toBe(first.governance);
    expect(await governanceClient(first.governance, provider).timelockSeconds()).toBe(86_400n);
    // the record lost (as if killed between setGovernance and writing it): a new deployment would revert GovernanceAlreadySet
    const store = new ClusterStore(join(dataDir, "service.sqlite"));
    const { governance: _lost, ...deployment } = store.getMeta<Record<string, unknown>>("deployment")!;
    store.setMeta("deployment", deployment);
    store.close();
    node = await start();
    try {
      expect(node.status()).toMatchObject({ settlement: first.settlement, registry: first.registry, governance: first.governance });
    } finally {
      await node.stop();
    }
  });
});

/** A verifier of the N = 3 instance (7 public inputs: the wrong arity for N = 4, which needs 8). */
let n3Verifier: string | undefined;
async function n3VerifierAddress(): Promise<string> {
  n3Verifier ??= (await deployMemberAddition(deployer, n3)).verifier;
  return n3Verifier;
}

/**
 * A node's cluster of 3 (the file's genesis with its own cluster id), a signer of its operations, and its
 * configuration on the file's devnet (a 60 s timelock, epochs of one block, polls every 100 ms).
 */
async function nodeCluster(clusterId: bigint, dirName: string) {
  const nodeGenesis: Genesis = { ...genesis, clusterId };
  const domain = genesisDomain(nodeGenesis);
  const poseidon = await getPoseidon();
  const signer = await EddsaSigner.create();
  const signFor = (op: Omit<SignedOperation, "signature">): SignedOperation => ({
    ...op,
    signature: signer.sign(keys[Number(op.from)].privateKey, operationDigest(poseidon, domain, op)),
  });
  const dataDir = tempDir(dirName);
  const config = {
    dataDir,
    genesis: nodeGenesis,
    rpcUrl: devnet.rpcUrl,
    privateKey: ANVIL_DEFAULT_KEY,
    workers: 1,
    singleThread: true,
    settleBatches: 1,
    rpcRetryMinMs: 100,
    rpcRetryMaxMs: 1000,
    depositPollMs: 100,
    registry: { epochBlocks: 1, challengeWindowBlocks: 10, unbondingBlocks: 20 },
    governanceTimelockSeconds: 60,
  };
  return { nodeGenesis, signFor, dataDir, config };
}

describe("a running node follows joint governance: it holds the boundary, executes the proposal, and switches to N + 1 or freezes a removed member", () => {
  it("a cluster of 3 on a node adds a fourth member and settles messages to it; a restart replays the switch; removing member 2 freezes its root and its accounts exit at once", async () => {
    const { nodeGenesis, signFor, dataDir, config } = await nodeCluster(CLUSTER_ID + 1n, "joint-governance-switch");
    let node = await ClusterNode.start({ ...config, successors: [n4] }, n3, quietLogger());
    const stopGovernor = new AbortController();
    try {
      const { registry, governance: address } = node.status();
      for (const g of governors) await (await registryClient(registry, g).bond({ value: eth("1") })).wait();
      await provider.send("anvil_mine", ["0x1"]);
      // a governor node follows the sequencer across the switch (its N + 1 instance given, its members read from L1)
      const signed = new Map<number, bigint>();
      const governor = runGovernor({
        inst: n3.inst,
        successors: [n4.inst],
        genesis: nodeGenesis,
        wallet: governors[2],
        sequencer: inProcessSequencer(node),
        pollMs: 100,
        log: quietLogger(),
        signal: stopGovernor.signal,
        onSigned: (i, claim) => signed.set(i, claim.newRootsCommitment),
      });
      // batch 0 (B = 2) under N = 3
      node.admit(signFor(send(0, 1, 0n, 1n, eth("1"), 0n)));
      node.admit(signFor(send(2, 0, 1n, 0n, eth("0.5"), 0n)));
      await node.whenAllSettled();

      // the proposal from the CLI: member 3 joins at batch 1 (its verifier and Poseidon deployed by the proposing governor)
      const accountsFile = join(dataDir, "newcomer.json");
      writeFileSync(accountsFile, toJson(newcomer()));
      const l1 = ["--rpc-url", devnet.rpcUrl, "--governance", address];
      const proposed = await cli(
        "proposal",
        "add-member",
        ...l1,
        "--next-instance",
        "member-add-n4",
        "--accounts",
        accountsFile,
        "--at-batch",
        "1",
        "--key",
        governors[0].privateKey,
        "--json",
      );
      expect(proposed.stderr).not.toMatch(/Error/);
      expect(proposed.code).toBe(0);
      const view = JSON.parse(proposed.stdout) as { id: string; action: string; atBatch: number; decoded: { genesisRoot: string } };
      const id = BigInt(view.id);
      expect(view).toMatchObject({ action: "ADD_MEMBER", atBatch: 1 });
      expect(BigInt(view.decoded.genesisRoot)).toBe((await openCluster(n3.inst, nodeGenesis)).addMember(n4.inst, newcomer()).genesisRoot);
      // a governor approves only what its own set-up checks: not with the N = 3 instance, then with the N = 4 one
      const wrong = await cli("proposal", "approve", ...l1, "--id", view.id, "--next-instance", "member-add-n3", "--key", governors[1].privateKey);
      expect(wrong.code).toBe(5);
      expect(wrong.stderr).toContain(`proposal ${id} refused: next: instance "member-add-n3" has 3 members; adding one to 3 needs 4`);
      const again = await cli("proposal", "approve", ...l1, "--id", view.id, "--next-instance", "member-add-n4", "--key", governors[0].privateKey);
      expect(again.code).toBe(5);
      expect(again.stderr).toContain(`approve proposal ${id}: L1 refused: AlreadyApproved(${id}, ${governors[0].address})`);
      const approved = await cli("proposal", "approve", ...l1, "--id", view.id, "--next-instance", "member-add-n4", "--key", governors[1].privateKey);
      expect(approved.code).toBe(0);
      expect(approved.stdout).toMatch(
        new RegExp(`^proposal ${id}: ADD_MEMBER at batch 1 \\(epoch \\d+, proposed by ${governors[0].address}\\): queued, executable from `),
      );

      // anyone may execute, but not before the timelock
      const early = await cli("proposal", "execute", ...l1, "--id", view.id, "--key", stranger.privateKey);
      expect(early.code).toBe(5);
      expect(early.stderr).toMatch(new RegExp(`execute proposal ${id}: L1 refused: TimelockNotOver\\(${id}, \\d+\\)`));

      const pending = await waitFor("the node to hold batch 1", () => node.status().pendingMemberChange ?? undefined, 30_000, 100);
      expect(pending).toMatchObject({ proposal: String(id), kind: "add", atBatch: 1, instance: "member-add-n4", chainId: 3 });
      expect(node.admissionRefusal()).toMatch(/^batch 1 is held for a member to join \(ADD_MEMBER proposal \d+, executable from /);
      expect(() => node.admit(signFor(send(0, 2, 0n, 1n, eth("1"), 1n)))).toThrow(/batch 1 is held for a member to join/);
      expect(node.status().openBatch).toEqual({ batchIndex: 1, operations: 0 });

      // the timelock over, the node sends `execute` itself and switches when it reads MemberAdded
      await advance(60);
      // (switched once the old proof queue has closed: until then the boundary stays held)
      await waitFor("the node to switch to N = 4", () => node.status().members === 4 && node.admissionRefusal() === undefined, 60_000, 100);
      const settlementOnL1 = new Contract(node.status().settlement, settlementInterfaceAbi() as never, provider);
      expect(await settlementOnL1.members()).toBe(4n);
      expect(node.status()).toMatchObject({
        instance: "member-add-n4",
        memberAdditions: [{ chainId: 3, atBatch: 1, instance: "member-add-n4" }],
        pendingMemberChange: null,
      });
      expect(node.admissionRefusal()).toBeUndefined();
      const shown = await cli("proposal", "show", ...l1, "--id", view.id, "--json");
      expect(JSON.parse(shown.stdout)).toMatchObject({ id: view.id, action: "ADD_MEMBER", executed: true });

      // batch 1: cross-chain messages to the new member, proved with the N = 4 zkey and settled
      node.admit(signFor(send(0, 3, 0n, 0n, eth("2"), 1n)));
      node.admit(signFor(send(1, 3, 1n, 0n, eth("0.25"), 0n)));
      await node.whenAllSettled();
      expect(await settlementOnL1.nextBatchIndex()).toBe(2n);
      expect(await settlementOnL1.currentRoots()).toEqual(node.status().roots.map(BigInt));
      expect(await settlementOnL1.escrowOf(3, 1)).toBe(eth("2.25"));
      expect(node.instanceOfBatch(0)).toBe("member-add-n3");
      expect(node.instanceOfBatch(1)).toBe("member-add-n4");

      // the governor re-executed batch 1 with the new member and signed the same claim; one without the N + 1 instance refuses it
      await waitFor("the governor to sign batch 1", () => signed.has(1), 30_000, 100);
      expect(String(signed.get(1))).toBe(node.batchEntries(1)!.claim.newRootsCommitment);
      stopGovernor.abort();
      await governor;
      await expect(
        runGovernor({ inst: n3.inst, genesis: nodeGenesis, wallet: stranger, sequencer: inProcessSequencer(node), pollMs: 100, log: quietLogger() }),
      ).rejects.toThrow("batch 1: successors: member 3 joined at batch 1 with B = 2: run the governor with --next-instance <that instance of 4 members>");
    } finally {
      stopGovernor.abort();
      await node.stop();
    }

    // a restart replays the addition at its boundary (roots as settled); without the N + 1 set-up it refuses to start
    await expect(ClusterNode.start(config, n3, quietLogger())).rejects.toThrow(
      'successors: the store has a member added with instance "member-add-n4": start the node with its set-up (--next-instance member-add-n4)',
    );
    node = await ClusterNode.start({ ...config, successors: [n4] }, n3, quietLogger());
    let settlementAddress = "";
    try {
      const s = node.status();
      expect(s).toMatchObject({ members: 4, instance: "member-add-n4", openBatch: { batchIndex: 2, operations: 0 } });
      expect(s.roots).toEqual(s.settledRoots);
      node.admit(signFor(send(3, 0, 0n, 1n, eth("1"), 0n))); // the new member sends back
      // a deposit to member 2, consumed in this batch: once consumed it no longer stands in the way of its removal below
      const admitted = node.depositsAdmitted;
      await (await (new Contract(s.settlement, settlementInterfaceAbi() as never, stranger) as Contract).depositEth(2, 1, { value: eth("0.5") })).wait();
      await node.whenDepositsAdmitted(admitted + 1n, 30_000);
      node.closeOpenBatch();
      await node.whenAllSettled();
      settlementAddress = s.settlement;
      const settlementOnL1 = new Contract(s.settlement, settlementInterfaceAbi() as never, provider);
      expect(await settlementOnL1.currentRoots()).toEqual(node.status().roots.map(BigInt));

      // removal from the CLI: member 2 leaves at batch 3; its root freezes on L1 and in the executor
      const l1 = ["--rpc-url", devnet.rpcUrl, "--governance", s.governance];
      const noSuch = await cli("proposal", "remove-member", ...l1, "--chain", "7", "--at-batch", "3", "--key", governors[0].privateKey);
      expect([noSuch.code, noSuch.stderr.trim()]).toEqual([2, "error: --chain: 7 is not an active member of the cluster"]);
      const proposed = await cli("proposal", "remove-member", ...l1, "--chain", "2", "--at-batch", "3", "--key", governors[0].privateKey, "--json");
      expect(proposed.code).toBe(0);
      const view = JSON.parse(proposed.stdout) as { id: string; action: string; decoded: { chainId: number } };
      expect(view).toMatchObject({ action: "REMOVE_MEMBER", decoded: { chainId: 2 } });
      expect((await cli("proposal", "approve", ...l1, "--id", view.id, "--key", governors[1].privateKey)).code).toBe(0);
      await waitFor("the node to hold batch 3", () => node.status().pendingMemberChange?.kind === "remove", 30_000, 100);
      expect(node.admissionRefusal()).toMatch(/^batch 3 is held for member 2 to leave \(REMOVE_MEMBER proposal \d+, executable from /);
      // no one can make the removal revert by depositing to member 2 meanwhile
      const depositor = settlementOnL1.connect(stranger) as Contract;
      expect(await outcome(() => depositor.depositEth(2, 0, { value: eth("1") }))).toBe("DepositsClosedTo(2, 3)");
      const frozen = (await settlementOnL1.rootOf(2)) as bigint;
      await advance(60);
      await waitFor("the node to freeze member 2", () => node.status().removedMembers.length === 1, 60_000, 100);
      expect(node.status()).toMatchObject({ removedMembers: [{ chainId: 2, atBatch: 3 }], pendingMemberChange: null, members: 4 });
      expect(await settlementOnL1.isRemoved(2)).toBe(true);
      // nothing from or to it, and no deposit to it
      expect(() => node.admit(signFor(send(0, 2, 0n, 1n, eth("1"), 2n)))).toThrow(
        /^dstChain: member 2 was removed by joint governance at batch 3: its root is frozen$/,
      );
      expect(() => node.admit(signFor(send(2, 0, 0n, 1n, eth("1"), 0n)))).toThrow(/^chainId: member 2 was removed/);
      expect(await outcome(() => depositor.depositEth(2, 0, { value: eth("1") }))).toBe("MemberRemoved(2)");
      // the others go on: batch 3 settles with member 2's root unchanged
      node.admit(signFor(send(0, 3, 0n, 0n, eth("1"), 2n)));
      node.closeOpenBatch();
      await node.whenAllSettled();
      expect(await settlementOnL1.rootOf(2)).toBe(frozen);
      expect(await settlementOnL1.currentRoots()).toEqual(node.status().roots.map(BigInt));
      // its account exits at once from the frozen root, with no exodus and no operator: 5 ETH of its escrow
      const exited = await cli(
        "exit",
        "--rpc-url",
        devnet.rpcUrl,
        "--contract",
        s.settlement,
        "--chain",
        "2",
        "--index",
        "0",
        "--account-key",
        `0x${"01".repeat(32)}`,
        "--recipient",
        stranger.address,
        "--private-key",
        stranger.privateKey,
      );
      expect(exited.stderr).not.toMatch(/error/);
      expect(exited.code).toBe(0);
      expect(await settlementOnL1.claimable(stranger.address, 1)).toBe(eth("5"));
      expect(await settlementOnL1.exodusMode()).toBe(false);
    } finally {
      await node.stop();
    }

    // an executor that did not freeze member 2 (its removal left out of a copy of the store) proves a batch moving
    // member 2's funds with the N = 4 zkey: L1 refuses it
    const staleDir = tempDir("joint-governance-stale");
    copyFileSync(join(dataDir, "service.sqlite"), join(staleDir, "service.sqlite"));
    const stale = new ClusterStore(join(staleDir, "service.sqlite"));
    try {
      const additions = recordedMemberChanges(stale).filter((c) => c.kind === "add");
      stale.setMeta("memberChanges", additions);
      let input: CircuitInput | undefined;
      const executor = await Sequencer.recover(
        n3.inst,
        nodeGenesis,
        stale,
        { tickDeadlineMs: Number.POSITIVE_INFINITY },
        (_index, closedInput) => {
          input = closedInput;
        },
        additions.map((a) => ({ ...a, inst: n4.inst })),
      );
      executor.admit(signFor(send(2, 0, 1n, 0n, eth("0.1"), 1n)));
      const index = executor.closeNow()!;
      const { proof } = await snarkjs.groth16.fullProve(input as never, n4.circuit.wasm, n4.keys.zkey);
      const asSequencer = new Contract(settlementAddress, settlementInterfaceAbi() as never, new Wallet(ANVIL_DEFAULT_KEY, provider));
      expect(await outcome(() => sendSettle(asSequencer, [settlementBatch(stale.header(index)!, pubdataOfInput(input!), proof)]))).toBe(
        `RemovedMemberChanged(${index}, 2)`,
      );
    } finally {
      stale.close();
    }
  }, 300_000);

  it("a queued change the node cannot follow (parameters that do not decode, an addition no set-up fits) is refused on its own: /readyz names it, and a removal queued after it is still held and followed", async () => {
    const { signFor, config } = await nodeCluster(CLUSTER_ID + 2n, "joint-governance-refused");
    const node = await ClusterNode.start(config, n3, quietLogger());
    try {
      const { registry, governance: address } = node.status();
      for (const g of governors) await (await registryClient(registry, g).bond({ value: eth("1") })).wait();
      await provider.send("anvil_mine", ["0x1"]);
      /** Proposes at batch 0 as governor 0 and approves as governor 1 (2 of 3 ETH: queued); gives the id. */
      const queue = async (action: number, params: string): Promise<bigint> => {
        const proposer = governanceClient(address, governors[0]);
        await (await proposer.propose(action, params, 0)).wait();
        const id = (await proposer.proposalCount()) as bigint;
        await (await governanceClient(address, governors[1]).approve(id)).wait();
        return id;
      };
      const garbled = await queue(GOVERNANCE_ACTION.ADD_MEMBER, "0x1234");
      const unfit = await queue(
        GOVERNANCE_ACTION.ADD_MEMBER,
        encodeAddMember({ verifier: await n3VerifierAddress(), slots: 2, poseidonRoots: stranger.address, genesisRoot: 1n, genesisAccounts: [] }),
      );
      const removal = await queue(GOVERNANCE_ACTION.REMOVE_MEMBER, encodeRemoveMember(1));
      const pending = await waitFor("the node to hold batch 0 for the removal", () => node.status().pendingMemberChange ?? undefined, 30_000, 100);
      expect(pending).toMatchObject({ proposal: String(removal), kind: "remove", atBatch: 0, chainId: 1 });
      const { ready, reasons } = node.readiness();
      expect(ready).toBe(false);
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(`^joint governance: proposal ${garbled} \\(batch 0\\) cannot be followed: params: not ADD_MEMBER's abi\\.encode\\(`),
          ),
          `joint governance: proposal ${unfit} (batch 0) cannot be followed: successors: ADD_MEMBER proposal ${unfit} (member 3 at batch 0) fits no set-up of this node: restart it with --next-instance <the N + 1 instance>`,
        ]),
      );
      await advance(60);
      await waitFor("the node to freeze member 1", () => node.status().removedMembers.length === 1, 60_000, 100);
      expect(node.status()).toMatchObject({ removedMembers: [{ chainId: 1, atBatch: 0 }], pendingMemberChange: null, members: 3 });
      expect(() => node.admit(signFor(send(0, 1, 0n, 1n, eth("1"), 0n)))).toThrow(/^dstChain: member 1 was removed by joint governance at batch 0/);
    } finally {
      await node.stop();
    }
  }, 120_000);
});
