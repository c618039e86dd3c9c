import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, type JsonRpcProvider, Wallet, ZeroAddress, parseEther } from "ethers";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { measureGovernorGas } from "../src/bench/governor-gas.js";
import { benchWorkload } from "../src/bench/measurements.js";
import { provenBatches, type ProvenBatches } from "./helpers/proven-batches.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { deploySettlement } from "../src/l1/deploy.js";
import { sendSettle, type SettlementBatch } from "../src/l1/settlement-calldata.js";
import { revertOutcome } from "./helpers/revert-outcome.js";
import { cli } from "./helpers/cli-process.js";
import { registryInterfaceAbi } from "../src/l1/compile-contracts.js";
import { FIXTURE_ETH_PER_CHAIN } from "./helpers/cluster-fixture.js";
import { type ClusterClaim, type SignedClaim, claimDomain, claimKey, claimSigner, confirmationSignatures, signClaim } from "../src/governance/claim.js";
import {
  type GovernorRegistryClient,
  type RegistryConfig,
  checkRegistryConfig,
  claimStatus,
  deployRegistry,
  registryClient,
} from "../src/governance/registry.js";

// GovernorRegistry on a real anvil, judged by ClusterSettlement's settled batches (instance "test":
// two proven batches). Each scenario deploys its own settlement and registry: a batch settles once.

let proven: ProvenBatches;
let devnet: Devnet;
let provider: JsonRpcProvider;
let deployer: Wallet;
let chainId: bigint;

/** Small windows so tests can cross epochs with anvil_mine: epoch 10 blocks, challenge 20, unbonding 30. */
const CONFIG: Partial<RegistryConfig> = {
  minStake: parseEther("1"),
  epochBlocks: 10,
  challengeWindowBlocks: 20,
  unbondingBlocks: 30,
  challengeBond: parseEther("0.5"),
  reporterShareBps: 5_000,
};

beforeAll(async () => {
  proven = await provenBatches();
  devnet = await startAnvil();
  provider = devnetProvider(devnet.rpcUrl);
  // a plain Wallet (nonce read per send): a NonceManager counts the nonce of a send refused at estimateGas, and the next send hangs
  deployer = new Wallet(ANVIL_DEFAULT_KEY, provider);
  chainId = (await provider.getNetwork()).chainId;
}, 600_000);

afterAll(async () => {
  provider?.destroy();
  await devnet?.stop();
  await terminateCurve();
});

/** A settlement and its registry, with funded governor and bystander wallets. */
interface Cluster {
  settlement: Contract;
  registry: GovernorRegistryClient;
  address: string;
  governors: Wallet[];
  reporter: Wallet;
  stranger: Wallet;
  /** The true claim of proven batch i. */
  claim(i: number): ClusterClaim;
  /** Signs `claim` with `wallet` in this registry's domain. */
  sign(wallet: Wallet, claim: ClusterClaim): Promise<SignedClaim>;
  /** `wallet`'s registry client. */
  as(wallet: Wallet): GovernorRegistryClient;
}

const funded = async (): Promise<Wallet> => {
  const w = new Wallet(Wallet.createRandom().privateKey, provider);
  await provider.send("anvil_setBalance", [w.address, `0x${parseEther("100").toString(16)}`]);
  return w;
};

const mine = (blocks: number) => provider.send("anvil_mine", [`0x${blocks.toString(16)}`]);

/** Mines to the first block of the next epoch (the next transactions land in it too, at least 9 of them: epochBlocks is 10). */
async function nextEpoch(registry: GovernorRegistryClient): Promise<void> {
  const [start, length, block] = [await registry.startBlock(), await registry.epochBlocks(), BigInt(await provider.getBlockNumber())];
  const epoch = (block - start) / length;
  await mine(Number(start + (epoch + 1n) * length - block));
}

/** Deploys a settlement and a registry; `stakes` governors bond (ETH each) and are active from the next epoch on. */
async function cluster(stakes: string[] = ["1", "1", "1"]): Promise<Cluster> {
  const settlement = await deploySettlement(deployer, proven.artifacts, {
    deltaTicks: proven.inst.deltaTicks,
    clusterId: proven.clusterId,
    genesisRoots: proven.genesis,
    genesisRootsCommitment: proven.genesisCommitment,
    slots: proven.inst.slots,
    depth: proven.inst.depth,
    genesisEthEscrow: proven.genesis.map(() => FIXTURE_ETH_PER_CHAIN),
  });
  const address = await settlement.getAddress();
  const registry = await deployRegistry(deployer, proven.artifacts.registry, address, CONFIG);
  const domain = claimDomain(chainId, await registry.getAddress());
  const governors = await Promise.all(stakes.map(() => funded()));
  const as = (w: Wallet) => registryClient(registry.target as string, w);
  for (const [k, g] of governors.entries()) await (await as(g).bond({ value: parseEther(stakes[k]) })).wait();
  await nextEpoch(registry);
  const claim = (i: number): ClusterClaim => claimOf(address, proven.batches[i]);
  return { settlement, registry, address, governors, reporter: await funded(), stranger: await funded(), claim, sign: (w, c) => signClaim(w, domain, c), as };
}

const claimOf = (cluster: string, b: SettlementBatch): ClusterClaim => ({
  cluster,
  batchIndex: b.header >> 64n,
  header: b.header,
  newRootsCommitment: b.newRootsCommitment,
});
const lie = (c: ClusterClaim): ClusterClaim => ({ ...c, newRootsCommitment: c.newRootsCommitment + 1n });

/** Decodes GovernorRegistry's custom errors (a reverted send carries raw revert data). */
const registryErrors = new Contract(ZeroAddress, registryInterfaceAbi() as never);

const outcome = (send: () => Promise<{ wait(): Promise<unknown> }>) => revertOutcome(send, registryErrors);

const confirm = (c: Cluster, claim: ClusterClaim, signed: SignedClaim[], from?: Wallet) =>
  outcome(() => (from ? c.as(from) : c.registry).confirm(claim, confirmationSignatures(signed)));
const confirmRaw = (c: Cluster, claim: ClusterClaim, signatures: string[]) => outcome(() => c.registry.confirm(claim, signatures));
const byAddress = (signed: SignedClaim[]) => [...signed].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));

describe("GovernorRegistry: the set of governors per epoch", () => {
  it("a bond joins at the next epoch, an exit leaves at the next epoch, and the history of every epoch stays readable", async () => {
    const c = await cluster(["1", "2"]);
    const epoch = await c.registry.currentEpoch();
    expect(await c.registry.totalStakeAt(epoch)).toBe(parseEther("3"));
    expect(await c.registry.totalStakeAt(epoch - 1n)).toBe(0n); // bonded during epoch - 1: not yet counted there
    const [a, b] = c.governors;
    const late = await funded();
    await (await c.as(late).bond({ value: parseEther("1") })).wait();
    await (await c.as(a).requestExit()).wait();
    expect(await c.registry.totalStakeAt(epoch)).toBe(parseEther("3")); // the current epoch's set is fixed
    await nextEpoch(c.registry);
    expect(await c.registry.totalStakeAt(epoch + 1n)).toBe(parseEther("3")); // b 2 + late 1
    expect(await c.registry.stakeAt(a.address, epoch)).toBe(parseEther("1"));
    expect(await c.registry.stakeAt(a.address, epoch + 1n)).toBe(0n);
    expect(await c.registry.stakeAt(late.address, epoch + 1n)).toBe(parseEther("1"));
    expect(await c.registry.stakeAt(b.address, epoch + 1n)).toBe(parseEther("2"));
    expect(await c.registry.governors()).toEqual([a.address, b.address, late.address]);
  });

  it("stake unlocks only after the unbonding delay, once; bonds below the minimum, twice, or exits of non-governors are refused", async () => {
    const c = await cluster(["1"]);
    const [g] = c.governors;
    expect(await outcome(() => c.as(g).withdrawStake())).toBe(`StakeLocked(${g.address}, 0)`);
    await (await c.as(g).requestExit()).wait();
    const { withdrawableAt } = await c.registry.governorOf(g.address);
    expect(await outcome(() => c.as(g).withdrawStake())).toBe(`StakeLocked(${g.address}, ${withdrawableAt})`);
    await mine(Number(withdrawableAt) - (await provider.getBlockNumber()));
    const before = await provider.getBalance(g.address);
    expect(await outcome(() => c.as(g).withdrawStake())).toBe("ok");
    expect((await provider.getBalance(g.address)) - before).toBeGreaterThan(parseEther("0.99")); // 1 ETH less gas
    expect(await outcome(() => c.as(g).withdrawStake())).toBe(`StakeLocked(${g.address}, 0)`);
    expect(await outcome(() => c.as(g).bond({ value: parseEther("1") }))).toBe(`AlreadyBonded(${g.address})`);
    expect(await outcome(() => c.as(c.stranger).bond({ value: parseEther("0.5") }))).toBe(`BadStake(${parseEther("0.5")}, ${parseEther("1")})`);
    expect(await outcome(() => c.as(c.stranger).requestExit())).toBe(`NotActiveGovernor(${c.stranger.address})`);
  });

  it("a configuration out of range is refused before it is sent, naming the field", () => {
    const base = { minStake: 1n, epochBlocks: 10, unbondingBlocks: 30, challengeWindowBlocks: 20, challengeBond: 1n, reporterShareBps: 0 };
    expect(() => checkRegistryConfig({ ...base, unbondingBlocks: 20 })).toThrow(/registry\.unbondingBlocks.*exceed challengeWindowBlocks/);
    expect(() => checkRegistryConfig({ ...base, epochBlocks: 0 })).toThrow(/registry\.epochBlocks/);
    expect(() => checkRegistryConfig({ ...base, reporterShareBps: 10_001 })).toThrow(/registry\.reporterShareBps/);
    expect(() => checkRegistryConfig({ ...base, minStake: 0n })).toThrow(/registry\.minStake/);
  });
});

describe("GovernorRegistry.confirm: a fast confirmation needs 2/3 of the epoch's stake, each governor counted once", () => {
  it("governors holding 2/3 of the stake confirm the true claim of batch 0; the light client says fast-confirmed, then settled", async () => {
    const c = await cluster();
    const claim = c.claim(0);
    const signed = await Promise.all(c.governors.slice(0, 2).map((g) => c.sign(g, claim)));
    for (const s of signed) expect(claimSigner(claimDomain(chainId, c.registry.target as string), claim, s.signature)).toBe(s.signer);
    expect((await claimStatus(c.registry, 0n)).status).toBe("unconfirmed");
    expect(await confirm(c, claim, signed, c.stranger)).toBe("ok"); // anyone may submit the signatures
    const status = await claimStatus(c.registry, 0n);
    expect(status.status).toBe("fast-confirmed");
    expect(status.confirmation).toMatchObject({ claimKey: claimKey(claim), signedStake: parseEther("2"), totalStake: parseEther("3") });
    expect(await confirm(c, claim, signed)).toBe("AlreadyConfirmed(0)");
    await (await sendSettle(c.settlement, [proven.batches[0]])).wait();
    const settled = await claimStatus(c.registry, 0n);
    expect(settled.status).toBe("settled");
    expect(settled.settledKey).toBe(claimKey(claim)); // ClusterSettlement.settledClaim and the TypeScript key agree
  });

  it("refuses: below 2/3, a non-governor, a duplicate, signers out of order, a malformed signature, a claim of another cluster or a wrong index", async () => {
    const c = await cluster();
    const claim = c.claim(0);
    const epoch = await c.registry.currentEpoch();
    const [one, two] = await Promise.all(c.governors.slice(0, 2).map((g) => c.sign(g, claim)));
    expect(await confirm(c, claim, [one])).toBe(`NoQuorum(${parseEther("1")}, ${parseEther("3")})`);
    const stranger = await c.sign(c.stranger, claim);
    expect(await confirm(c, claim, [one, stranger])).toBe(`NotGovernor(${c.stranger.address}, ${epoch})`);
    // the same governor twice: in ascending order a repeat is not strictly greater
    expect(await confirmRaw(c, claim, [one.signature, one.signature])).toBe(`SignersNotAscending(1, ${one.signer})`);
    const [low, high] = byAddress([one, two]);
    expect(await confirmRaw(c, claim, [high.signature, low.signature])).toBe(`SignersNotAscending(1, ${low.signer})`);
    expect(await confirmRaw(c, claim, [low.signature, `${high.signature.slice(0, -2)}`])).toBe("BadSignature(1)");
    const other = { ...claim, cluster: c.stranger.address };
    expect(await confirm(c, other, [one, two])).toBe(`WrongCluster(${c.stranger.address})`);
    const shifted = { ...claim, batchIndex: 1n };
    expect(await confirm(c, shifted, [one, two])).toBe(`ClaimIndexMismatch(1, ${claim.header})`);
    expect(await confirm(c, claim, [one, two])).toBe("ok"); // all of the above changed nothing
  });

  it("a signature over another cluster's domain (its registry) recovers to a stranger here, and a governor after its exit counts nothing", async () => {
    const c = await cluster();
    const d = await cluster();
    const claim = c.claim(0);
    // c's governors sign c's claim, but in d's domain: the digest differs, so the recovered signers are not c's governors
    const foreign = await Promise.all(c.governors.map((g) => signClaim(g, claimDomain(chainId, d.registry.target as string), claim)));
    const result = await confirmRaw(
      c,
      claim,
      foreign.map((s) => s.signature),
    );
    expect(result).toMatch(/^NotGovernor\(0x[0-9a-fA-F]{40}, \d+\)$/);
    expect(c.governors.map((g) => g.address)).not.toContain(result.slice("NotGovernor(".length, -1).split(",")[0]);
    // a governor that exits is out of the set from the next epoch: its signature no longer counts
    const [leaver] = c.governors;
    await (await c.as(leaver).requestExit()).wait();
    await nextEpoch(c.registry);
    const signed = await Promise.all(c.governors.map((g) => c.sign(g, claim)));
    expect(await confirm(c, claim, signed)).toBe(`NotGovernor(${leaver.address}, ${await c.registry.currentEpoch()})`);
    expect(await confirm(c, claim, signed.slice(1))).toBe("ok"); // the two that stayed hold all of the new epoch's stake
  });
});

describe("GovernorRegistry slashing: the settled proof, or a governor's own second signature, is the evidence", () => {
  it("a governor that signed a wrong root is slashed once the batch settles: half to the reporter, half burned; the honest keep their stake", async () => {
    const c = await cluster();
    const [liar, ...honest] = c.governors;
    const truth = c.claim(0);
    const lying = await c.sign(liar, lie(truth));
    const honestSigned = await Promise.all(honest.map((g) => c.sign(g, truth)));
    const asReporter = c.as(c.reporter);
    expect(await outcome(() => asReporter.slashContradicted(lying.claim, lying.signature))).toBe("BatchNotSettled(0)");
    await (await sendSettle(c.settlement, [proven.batches[0]])).wait();
    expect(await outcome(() => asReporter.slashContradicted(honestSigned[0].claim, honestSigned[0].signature))).toBe("ClaimMatchesSettlement(0)");
    expect(await outcome(() => asReporter.slashContradicted(lying.claim, lying.signature))).toBe("ok");
    expect(await outcome(() => asReporter.slashContradicted(lying.claim, lying.signature))).toBe(`NothingToSlash(${liar.address})`); // a report twice
    expect((await c.registry.governorOf(liar.address)).slashed).toBe(true);
    expect(await c.registry.rewardOf(c.reporter.address)).toBe(parseEther("0.5"));
    expect(await c.registry.burned()).toBe(parseEther("0.5"));
    for (const g of honest) {
      const record = await c.registry.governorOf(g.address);
      expect([record.slashed, record.stake]).toEqual([false, parseEther("1")]);
    }
    // the slashed governor leaves the set at the next epoch; its signature counts nothing from now on
    const epoch = await c.registry.currentEpoch();
    expect(await c.registry.totalStakeAt(epoch + 1n)).toBe(parseEther("2"));
    const truth1 = c.claim(1);
    const liarAgain = await c.sign(liar, truth1);
    expect(await confirm(c, truth1, [liarAgain, await c.sign(honest[0], truth1)])).toBe(`NotGovernor(${liar.address}, ${epoch})`);
    const before = await provider.getBalance(c.reporter.address);
    expect(await outcome(() => asReporter.claimReward())).toBe("ok");
    expect((await provider.getBalance(c.reporter.address)) - before).toBeGreaterThan(parseEther("0.49"));
    expect(await outcome(() => asReporter.claimReward())).toBe(`NoReward(${c.reporter.address})`);
    // the slashed stake never comes back; the honest governors' does
    expect(await outcome(() => c.as(liar).requestExit())).toBe(`NotActiveGovernor(${liar.address})`);
    expect(await outcome(() => c.as(liar).withdrawStake())).toBe(`StakeLocked(${liar.address}, 0)`);
  });

  it("two different signed claims by one governor for one batch index are slashable at once, before any proof", async () => {
    const c = await cluster();
    const [g] = c.governors;
    const truth = c.claim(1);
    const a = await c.sign(g, truth);
    const b = await c.sign(g, lie(truth));
    const asReporter = c.as(c.reporter);
    expect(await outcome(() => asReporter.slashEquivocation(a.claim, a.signature, a.claim, a.signature))).toBe("NotEquivocation(1, 1)");
    const other = await c.sign(c.governors[1], lie(truth));
    expect(await outcome(() => asReporter.slashEquivocation(a.claim, a.signature, other.claim, other.signature))).toBe("NotEquivocation(1, 1)");
    const elsewhere = await c.sign(g, c.claim(0));
    expect(await outcome(() => asReporter.slashEquivocation(a.claim, a.signature, elsewhere.claim, elsewhere.signature))).toBe("NotEquivocation(1, 0)");
    expect(await outcome(() => asReporter.slashEquivocation(a.claim, a.signature, b.claim, b.signature))).toBe("ok");
    expect(await outcome(() => asReporter.slashEquivocation(a.claim, a.signature, b.claim, b.signature))).toBe(`NothingToSlash(${g.address})`);
    expect(await c.settlement.nextBatchIndex()).toBe(0n); // no proof was needed
  });
});

describe("GovernorRegistry challenges (seed 000): a bonded challenge of a fast confirmation", () => {
  it("upheld: a lie confirmed by 2/3 is contradicted by the settlement; its signers are slashed, the challenger paid, the light client says contradicted", async () => {
    const c = await cluster();
    const [a, b, honest] = c.governors;
    const lying = lie(c.claim(0));
    const signed = await Promise.all([a, b].map((g) => c.sign(g, lying)));
    expect(await confirm(c, lying, signed)).toBe("ok");
    const challenger = c.as(c.reporter);
    expect(await outcome(() => challenger.challenge(0n, { value: parseEther("0.1") }))).toBe(`WrongChallengeBond(${parseEther("0.1")}, ${parseEther("0.5")})`);
    expect(await outcome(() => challenger.challenge(1n, { value: parseEther("0.5") }))).toBe("NotConfirmed(1)");
    expect(await outcome(() => challenger.challenge(0n, { value: parseEther("0.5") }))).toBe("ok");
    expect(await outcome(() => challenger.challenge(0n, { value: parseEther("0.5") }))).toBe("AlreadyChallenged(0)");
    const signers = byAddress(signed).map((s) => s.signer);
    const { deadline } = await c.registry.challengeOf(0n);
    expect(await outcome(() => challenger.resolveChallenge(0n, signers))).toBe(`ChallengeStillOpen(0, ${deadline})`);
    await (await sendSettle(c.settlement, [proven.batches[0]])).wait();
    expect((await claimStatus(c.registry, 0n)).status).toBe("contradicted");
    expect(await outcome(() => challenger.resolveChallenge(0n, [signers[0]]))).toBe("WrongSigners(0)");
    expect(await outcome(() => challenger.resolveChallenge(0n, signers))).toBe("ok");
    expect(await outcome(() => challenger.resolveChallenge(0n, signers))).toBe("NoOpenChallenge(0)");
    for (const g of [a, b]) expect((await c.registry.governorOf(g.address)).slashed).toBe(true);
    expect((await c.registry.governorOf(honest.address)).slashed).toBe(false);
    // the bond back, and half of each slashed stake
    expect(await c.registry.rewardOf(c.reporter.address)).toBe(parseEther("0.5") + parseEther("1"));
  });

  it("upheld: no settlement by the deadline slashes the signers; failed: a matching settlement pays the bond to the signers", async () => {
    const late = await cluster();
    const claim = late.claim(0);
    const signed = await Promise.all(late.governors.map((g) => late.sign(g, claim)));
    expect(await confirm(late, claim, signed)).toBe("ok");
    expect(await outcome(() => late.as(late.reporter).challenge(0n, { value: parseEther("0.5") }))).toBe("ok");
    await mine(Number(CONFIG.challengeWindowBlocks) + 1);
    expect(
      await outcome(() =>
        late.as(late.reporter).resolveChallenge(
          0n,
          byAddress(signed).map((s) => s.signer),
        ),
      ),
    ).toBe("ok");
    for (const g of late.governors) expect((await late.registry.governorOf(g.address)).slashed).toBe(true);

    const ok = await cluster();
    const okClaim = ok.claim(0);
    const okSigned = byAddress(await Promise.all(ok.governors.map((g) => ok.sign(g, okClaim))));
    expect(await confirm(ok, okClaim, okSigned)).toBe("ok");
    expect(await outcome(() => ok.as(ok.reporter).challenge(0n, { value: parseEther("0.5") }))).toBe("ok");
    await (await sendSettle(ok.settlement, [proven.batches[0]])).wait();
    expect(await outcome(() => ok.as(ok.reporter).challenge(0n, { value: parseEther("0.5") }))).toBe("BatchSettledAlready(0)");
    expect(
      await outcome(() =>
        ok.as(ok.reporter).resolveChallenge(
          0n,
          okSigned.map((s) => s.signer),
        ),
      ),
    ).toBe("ok");
    const shares = await Promise.all(okSigned.map((s) => ok.registry.rewardOf(s.signer)));
    expect(shares.reduce((x, y) => x + y, 0n)).toBe(parseEther("0.5"));
    for (const g of ok.governors) expect((await ok.registry.governorOf(g.address)).slashed).toBe(false);
    expect(await ok.registry.rewardOf(ok.reporter.address)).toBe(0n);
  });
});

describe("the challenge game from the CLI (cluster-settle challenge open | resolve | claim-reward)", () => {
  it("challenges a lie confirmed by 2/3, refuses what would revert (unconfirmed, challenged twice, still open, settled), resolves it upheld and pays the challenger", async () => {
    const c = await cluster();
    const [a, b] = c.governors;
    const signed = await Promise.all([a, b].map((g) => c.sign(g, lie(c.claim(0)))));
    expect(await confirm(c, lie(c.claim(0)), signed)).toBe("ok");
    const flags = ["--rpc-url", devnet.rpcUrl, "--registry", c.registry.target as string, "--key", c.reporter.privateKey];
    const challenge = (...args: string[]) => cli("challenge", ...args, ...flags);

    const unconfirmed = await challenge("open", "--batch", "1");
    expect([unconfirmed.code, unconfirmed.stderr.trim()]).toEqual([
      5,
      "error: challenge batch 1: --batch: batch 1 is unconfirmed: only a fast confirmation no proof has settled yet can be challenged",
    ]);
    const none = await challenge("resolve", "--batch", "0");
    expect([none.code, none.stderr.trim()]).toEqual([5, "error: resolve the challenge of batch 0: --batch: no open challenge of batch 0"]);
    const opened = await challenge("open", "--batch", "0");
    expect(opened.stderr).toBe("");
    expect(opened.stdout).toMatch(
      new RegExp(`^batch 0: challenged by ${c.reporter.address} with a bond of 0\\.5 ETH; a settlement must match the confirmed claim by block \\d+\\n$`),
    );
    expect((await c.registry.challengeOf(0n)).challenger).toBe(c.reporter.address);
    const twice = await challenge("open", "--batch", "0");
    expect([twice.code, twice.stderr.trim()]).toEqual([5, `error: challenge batch 0: --batch: batch 0 is challenged already by ${c.reporter.address}`]);
    const early = await challenge("resolve", "--batch", "0");
    expect(early.code).toBe(5);
    expect(early.stderr).toMatch(/the challenge of batch 0 is still open: batch 0 has not settled, and its deadline is block \d+ \(now \d+\)/);

    await (await sendSettle(c.settlement, [proven.batches[0]])).wait();
    const late = await challenge("open", "--batch", "0");
    expect(late.stderr).toContain("--batch: batch 0 is contradicted: only a fast confirmation");
    const resolved = await challenge("resolve", "--batch", "0", "--json");
    expect(resolved.code).toBe(0);
    const r = JSON.parse(resolved.stdout) as { upheld: boolean; signers: string[]; slashed: { governor: string }[] };
    expect(r.upheld).toBe(true);
    expect(r.signers).toEqual(byAddress(signed).map((s) => s.signer));
    expect(r.slashed.map((s) => s.governor).sort()).toEqual([a.address, b.address].sort());
    for (const g of [a, b]) expect((await c.registry.governorOf(g.address)).slashed).toBe(true);

    const before = await provider.getBalance(c.reporter.address);
    const paid = await challenge("claim-reward");
    expect(paid.stdout.trim()).toBe(`paid 1.5 ETH to ${c.reporter.address}`); // the bond back and half of each slashed stake
    expect((await provider.getBalance(c.reporter.address)) - before).toBeGreaterThan(parseEther("1.49"));
    const again = await challenge("claim-reward");
    expect([again.code, again.stderr.trim()]).toEqual([5, `error: claim the reward: nothing is owed to ${c.reporter.address}`]);

    const bad = await cli("challenge", "open", "--batch", "0", "--rpc-url", devnet.rpcUrl, "--registry", "0x12", "--key", c.reporter.privateKey);
    expect([bad.code, bad.stderr.trim()]).toEqual([2, "error: --registry: must be 0x and 40 hex digits"]);
    const nowhere = await cli(
      "challenge",
      "open",
      "--batch",
      "0",
      "--rpc-url",
      devnet.rpcUrl,
      "--registry",
      c.stranger.address,
      "--key",
      c.reporter.privateKey,
    );
    expect([nowhere.code, nowhere.stderr.trim()]).toEqual([2, `error: --registry: no contract at ${c.stranger.address} on ${devnet.rpcUrl}`]);
  }, 120_000);

  it("a challenge of a true confirmation fails once the matching proof settles: resolve says so and the bond is owed to the signers", async () => {
    const c = await cluster();
    const signed = await Promise.all(c.governors.map((g) => c.sign(g, c.claim(0))));
    expect(await confirm(c, c.claim(0), signed)).toBe("ok");
    const flags = ["--rpc-url", devnet.rpcUrl, "--registry", c.registry.target as string, "--key", c.reporter.privateKey];
    expect((await cli("challenge", "open", "--batch", "0", ...flags)).code).toBe(0);
    await (await sendSettle(c.settlement, [proven.batches[0]])).wait();
    const resolved = await cli("challenge", "resolve", "--batch", "0", ...flags);
    expect([resolved.code, resolved.stdout.trim()]).toEqual([
      0,
      "batch 0: challenge failed: the settled proof matches the confirmation; the bond is owed to its 3 signers",
    ]);
    for (const g of c.governors) expect((await c.registry.governorOf(g.address)).slashed).toBe(false);
    const shares = await Promise.all(c.governors.map((g) => c.registry.rewardOf(g.address)));
    expect(shares.reduce((x, y) => x + y, 0n)).toBe(parseEther("0.5"));
    const nothing = await cli("challenge", "claim-reward", ...flags);
    expect([nothing.code, nothing.stderr.trim()]).toEqual([5, `error: claim the reward: nothing is owed to ${c.reporter.address}`]);
  }, 120_000);
});

describe("the bench's governor gas (measureGovernorGas) on instance test", () => {
  it("measures every action; one more signature check costs more than its ecrecover (3,000 gas) and under 30,000", async () => {
    const prepared = await preparedTestInstance();
    const gas = await measureGovernorGas(prepared, await benchWorkload(prepared, 1, "governor-gas-test"), { rpcUrl: devnet.rpcUrl, close: async () => {} }, 3);
    for (const [field, value] of Object.entries(gas)) expect(value, field).toBeGreaterThan(0);
    expect(gas.confirmManySignatures).toBeGreaterThan(gas.confirmOneSignature);
    expect(gas.perSignature).toBeGreaterThan(3_000);
    expect(gas.perSignature).toBeLessThan(30_000);
  }, 300_000);
});
