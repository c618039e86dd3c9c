import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import { type Contract, ContractFactory, Interface, NonceManager, Wallet, id, type JsonRpcProvider } from "ethers";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { batchCircuitInput, batchPubdata, makeHeader } from "../src/circuits/batch-input.js";
import { compileContracts, solcCompile, type ContractArtifact } from "../src/l1/compile-contracts.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { deploySettlement, type SettlementConfig } from "../src/l1/deploy.js";
import { sendSettle, settlementBatch, type SettlementBatch } from "../src/l1/settlement-calldata.js";
import type { L1Deposit, SignedOperation } from "../src/protocol/operation.js";
import { REPO_ROOT } from "../src/circuits/manifest.js";
import { buildExitRequest } from "../src/sync/exodus-exit.js";
import { syncFromL1 } from "../src/sync/l1-sync.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  FIXTURE_ETH_PER_CHAIN,
  MINTER_LEAF,
  NATIVE_HOLDER_LEAF,
  addNativeToken,
  depositSlot,
  execute,
  makeCluster,
  mintOp,
  sendOp,
  withdrawOp,
  withdrawSlot,
  type ClusterFixture,
} from "./helpers/cluster-fixture.js";
import { accountFields } from "../src/state/account.js";
import { emptyDebit, slotOf, type DebitLane, type SlotWitness } from "../src/circuits/witness-layout.js";
import { decodeSlotPubdata, slotPubdataWords } from "../src/protocol/pubdata.js";

// Real assets on anvil with the "test" instance (N = 2, D = 4, B = 2): deposits queued on L1 and
// consumed in order by proven batches, withdrawals owed and claimed once, escrow caps per member and
// token, and every refusal with its custom error. Each batch here is proven with snarkjs.

let inst: Awaited<ReturnType<typeof preparedTestInstance>>["inst"];
let prepared: Awaited<ReturnType<typeof preparedTestInstance>>;
let devnet: Devnet;
let provider: JsonRpcProvider;
let operator: NonceManager;
let artifacts: { settlement: ContractArtifact; verifier: ContractArtifact };
let tokenArtifact: ContractArtifact;

/** anvil's second pre-funded dev account (public key material, devnets only), and a key funded by the test. */
const ALICE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const BOB_KEY = id("assets.test bob");
let alice: Wallet;
let bob: Wallet;

beforeAll(async () => {
  prepared = await preparedTestInstance();
  inst = prepared.inst;
  artifacts = compileContracts(prepared.keys.verifierSol, prepared.circuit.dir);
  tokenArtifact = solcCompile({ "TestToken.sol": { content: readFileSync(join(REPO_ROOT, "contracts/test/TestToken.sol"), "utf8") } })["TestToken.sol"]
    .TestToken;
  devnet = await startAnvil();
  provider = devnetProvider(devnet.rpcUrl);
  operator = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, provider));
  alice = new Wallet(ALICE_KEY, provider);
  bob = new Wallet(BOB_KEY, provider);
  await provider.send("anvil_setBalance", [bob.address, "0xde0b6b3a7640000"]); // 1 ETH
}, 600_000);

afterAll(async () => {
  provider?.destroy();
  await devnet?.stop();
  await terminateCurve();
});

/** A fresh cluster fixture (with `prepare`'s genesis accounts added) and a ClusterSettlement at its genesis, its accounts published (genesis ETH escrow funded unless overridden). */
async function deployed(over: Partial<SettlementConfig> = {}, prepare?: (fx: ClusterFixture) => void): Promise<{ fx: ClusterFixture; c: Contract }> {
  const fx = await makeCluster(inst.members, inst.depth);
  prepare?.(fx);
  operator = new NonceManager(operator.signer);
  const c = await deploySettlement(operator, artifacts, {
    deltaTicks: inst.deltaTicks,
    clusterId: fx.clusterId,
    genesisRoots: fx.state.roots(),
    genesisRootsCommitment: fx.state.rootsCommitment(),
    slots: inst.slots,
    depth: inst.depth,
    genesisEthEscrow: [FIXTURE_ETH_PER_CHAIN, FIXTURE_ETH_PER_CHAIN],
    genesisAccounts: fx.state
      .allAccounts()
      .flatMap((leaves, chainId) => [...leaves].map(([index, a]) => ({ chainId, index, ax: a.ax, ay: a.ay, tokenId: a.tokenId, balance: a.balance }))),
    ...over,
  });
  return { fx, c };
}

/** Proves batch `index` of `slots` (ticks firstTick..lastTick) over the fixture's state. */
async function proven(
  fx: ClusterFixture,
  oldRoots: bigint[],
  index: bigint,
  slots: SlotWitness[],
  firstTick: number,
  lastTick = firstTick,
): Promise<SettlementBatch> {
  const header = makeHeader(
    fx.poseidon,
    { domain: fx.domain, batchIndex: index, firstTick, lastTick, oldRoots, newRoots: fx.state.roots() },
    slots,
    inst.slots,
    inst.depth,
  );
  const { proof } = await snarkjs.groth16.fullProve(batchCircuitInput(header, slots, inst.slots, inst.depth), prepared.circuit.wasm, prepared.keys.zkey);
  return settlementBatch(header, batchPubdata(slots, inst.slots, lastTick, inst.depth), proof);
}

/** The custom error a failing call reverts with, as `Name(args)`. */
async function revertOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    const data = (e as { data?: string; info?: { error?: { data?: string } } }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
    const parsed = data ? new Interface(artifacts.settlement.abi as never).parseError(data) : null;
    return parsed ? `${parsed.name}(${[...parsed.args].map(String).join(", ")})` : `undecoded: ${(e as Error).message}`;
  }
  return "no revert";
}

const as = (c: Contract, w: Wallet | NonceManager) => c.connect(w) as Contract;

/** Deposits ETH from `who` and returns the queue entry as the sequencer reads it. */
async function depositEth(c: Contract, who: Wallet, index: bigint, chainId: number, to: bigint, amount: bigint): Promise<L1Deposit> {
  await (await as(c, who).depositEth(chainId, to, { value: amount })).wait();
  return { index, chainId, to, tokenId: 1n, amount, depositor: who.address };
}

describe("deposits: the L1 queue", () => {
  it("refuses a deposit of zero, of an unlisted token, to an unknown chain or leaf, or above the cap, with its custom error", async () => {
    const { c } = await deployed();
    expect(await revertOf(as(c, alice).depositEth(0, 0, { value: 0 }))).toBe("ZeroDeposit()");
    expect(await revertOf(as(c, alice).depositEth(2, 0, { value: 1 }))).toBe("UnknownChain(2)");
    expect(await revertOf(as(c, alice).depositEth(0, 16, { value: 1 }))).toBe("UnknownAccount(0, 16)");
    expect(await revertOf(as(c, alice).depositErc20(7, 1, 0, 0))).toBe("UnlistedToken(7)");
    expect(await revertOf(as(c, alice).depositErc20(1, 1, 0, 0))).toBe("UnlistedToken(1)"); // ETH goes through depositEth
    const stranger = await new ContractFactory(tokenArtifact.abi as never, tokenArtifact.bytecode, alice).deploy("Big", "BIG");
    expect(await revertOf(as(c, alice).listToken(await stranger.getAddress()))).toMatch(/^NotOwner\(/);
    expect(await c.depositCount()).toBe(0n);
  }, 120_000);

  it("credits deposits in queue order, refunds the ones no leaf can take, and owes a settled WITHDRAW once", async () => {
    const { fx, c } = await deployed();
    const token = await new ContractFactory(tokenArtifact.abi as never, tokenArtifact.bytecode, operator).deploy("Test", "TST");
    await (await as(c, operator).listToken(await token.getAddress())).wait();
    expect(await c.tokenCount()).toBe(2n);
    await (await (token.connect(alice) as Contract).mint(alice.address, 1000n)).wait();
    await (await (token.connect(alice) as Contract).approve(await c.getAddress(), 1000n)).wait();

    const d0 = await depositEth(c, alice, 0n, 0, 0n, 100n); // leaf 0 on chain 0 holds ETH: credited
    await (await as(c, alice).depositErc20(2, 40n, 1, 1n)).wait(); // leaf 1 on chain 1 holds ETH, not token 2: refunded
    const d1: L1Deposit = { index: 1n, chainId: 1, to: 1n, tokenId: 2n, amount: 40n, depositor: alice.address };
    const d2 = await depositEth(c, bob, 2n, 1, 9n, 7n); // leaf 9 on chain 1 is empty: refunded
    expect(await c.depositCount()).toBe(3n);
    const escrowBefore = await c.escrowOf(0, 1);
    expect(escrowBefore).toBe(FIXTURE_ETH_PER_CHAIN);

    // batch 0: [d0 credited, d1 refunded]; batch 1: [WITHDRAW 30 from leaf 0 on chain 0 to Bob + d2 refunded, a SEND 5 chain 0 -> 1]
    const g = fx.state.roots();
    const b0 = await proven(fx, g, 0n, [depositSlot(fx, d0, 1), depositSlot(fx, d1, 1)], 1);
    expect(fx.state.account(0, 0n)?.balance).toBe(1100n);
    const r1 = fx.state.roots();
    const w = depositSlot(fx, d2, 2, withdrawSlot(fx, withdrawOp(0, 0n, bob.address, 30n, 0n), 2)); // state updates in slot order
    const s = execute(fx, sendOp(0, 1, 1n, 0n, 5n, 0n), 2);
    const b1 = await proven(fx, r1, 1n, [w, s.slot], 2);

    const receipt = await (await sendSettle(as(c, operator), [b0, b1])).wait();
    expect(receipt?.status).toBe(1);
    expect(await c.depositsConsumed()).toBe(3n);
    expect(await c.escrowOf(0, 1)).toBe(FIXTURE_ETH_PER_CHAIN + 100n - 30n - 5n);
    expect(await c.escrowOf(1, 1)).toBe(FIXTURE_ETH_PER_CHAIN + 5n);
    expect(await c.escrowOf(1, 2)).toBe(0n); // the refunded token deposit never entered chain 1
    expect(await c.claimable(bob.address, 1)).toBe(30n + 7n); // the WITHDRAW and Bob's refunded deposit
    expect(await c.claimable(alice.address, 2)).toBe(40n);

    // claims: once each, by the address owed only
    expect(await revertOf(as(c, alice).claim(1))).toBe(`NothingToClaim(${alice.address}, 1)`);
    const before = await provider.getBalance(bob.address);
    const claim = await (await as(c, bob).claim(1)).wait();
    const fee = claim!.gasUsed * BigInt(claim!.gasPrice);
    expect((await provider.getBalance(bob.address)) - before + fee).toBe(37n);
    expect(await revertOf(as(c, bob).claim(1))).toBe(`NothingToClaim(${bob.address}, 1)`);
    await (await as(c, alice).claim(2)).wait();
    expect(await (token as Contract).balanceOf(alice.address)).toBe(1000n);
    // what the contract holds is what it owes: escrows + claimable + unconsumed deposits
    expect(await provider.getBalance(await c.getAddress())).toBe((await c.escrowOf(0, 1)) + (await c.escrowOf(1, 1)));
  }, 300_000);

  it("refuses a batch that skips or reorders a deposit, and one whose pubdata differs from the proven by one byte", async () => {
    const { fx, c } = await deployed();
    const d0 = await depositEth(c, alice, 0n, 0, 0n, 11n);
    const d1 = await depositEth(c, alice, 1n, 1, 0n, 22n);
    const g = fx.state.roots();
    const skipped = await proven(fx, g, 0n, [depositSlot(fx, d1, 1)], 1);
    expect(await revertOf(sendSettle(as(c, operator), [skipped]))).toBe("DepositMismatch(0, 0, 0)");
    const fx2 = await makeCluster(inst.members, inst.depth);
    const reordered = await proven(fx2, g, 0n, [depositSlot(fx2, d1, 1), depositSlot(fx2, d0, 1)], 1);
    expect(await revertOf(sendSettle(as(c, operator), [reordered]))).toBe("DepositMismatch(0, 0, 0)");
    const fx3 = await makeCluster(inst.members, inst.depth);
    const good = await proven(fx3, g, 0n, [depositSlot(fx3, d0, 1), depositSlot(fx3, d1, 1)], 1);
    const edited = { ...good, pubdata: [...good.pubdata] };
    edited.pubdata[3] ^= 1n << 8n; // one byte of the first slot's deposit amount
    expect(await revertOf(sendSettle(as(c, operator), [edited]))).toBe("InvalidProof(0)");
    const short = { ...good, pubdata: good.pubdata.slice(1) };
    expect(await revertOf(sendSettle(as(c, operator), [short]))).toBe(`BadPubdataLength(0, ${inst.slots * 5}, ${inst.slots * 5 - 1})`);
    expect(await c.depositsConsumed()).toBe(0n);
    await (await sendSettle(as(c, operator), [good])).wait();
    expect(await c.depositsConsumed()).toBe(2n);
    expect(await c.escrowOf(1, 1)).toBe(FIXTURE_ETH_PER_CHAIN + 22n);
  }, 300_000);

  it("refuses a batch that credits a deposit not yet made", async () => {
    const { fx, c } = await deployed();
    const ghost: L1Deposit = { index: 0n, chainId: 0, to: 0n, tokenId: 1n, amount: 5n, depositor: alice.address };
    const b = await proven(fx, fx.state.roots(), 0n, [depositSlot(fx, ghost, 1)], 1);
    expect(await revertOf(sendSettle(as(c, operator), [b]))).toBe("DepositNotQueued(0, 0, 0)");
  }, 300_000);

  it("refuses a batch that leaves a deposit past its deadline unconsumed, unless every slot consumed a deposit", async () => {
    const { fx, c } = await deployed({ depositDeadlineBlocks: 2 });
    const d0 = await depositEth(c, alice, 0n, 0, 0n, 1n);
    const d1 = await depositEth(c, alice, 1n, 0, 0n, 2n);
    const d2 = await depositEth(c, alice, 2n, 0, 0n, 3n);
    await provider.send("anvil_mine", ["0x3"]);
    const g = fx.state.roots();
    const transfer = execute(fx, sendOp(0, 1, 1n, 1n, 1n, 0n), 1);
    const b = await proven(fx, g, 0n, [transfer.slot], 1);
    const queuedAt = (await provider.getBlockNumber()) - 5;
    expect(await revertOf(sendSettle(as(c, operator), [b]))).toBe(`DepositOverdue(0, 0, ${queuedAt})`);
    // a batch full of deposits may leave the third one: the operator is never stuck
    const fx2 = await makeCluster(inst.members, inst.depth);
    const full = await proven(fx2, g, 0n, [depositSlot(fx2, d0, 1), depositSlot(fx2, d1, 1)], 1);
    await (await sendSettle(as(c, operator), [full])).wait();
    expect(await c.depositsConsumed()).toBe(2n);
    const r1 = fx2.state.roots();
    const next = await proven(fx2, r1, 1n, [depositSlot(fx2, d2, 2)], 2);
    await (await sendSettle(as(c, operator), [next])).wait();
    expect(await c.depositsConsumed()).toBe(3n);
  }, 300_000);
});

describe("containment: escrow caps per member and token", () => {
  it("refuses a settlement whose flows would take a member's escrow below zero, naming the member and token", async () => {
    // chain 0's genesis balances are not backed on L1 (a broken member): its proof is valid, its escrow is 0
    const { fx, c } = await deployed({ genesisEthEscrow: [0n, FIXTURE_ETH_PER_CHAIN] });
    const g = fx.state.roots();
    const w = withdrawSlot(fx, withdrawOp(0, 0n, bob.address, 30n, 0n), 1);
    const b = await proven(fx, g, 0n, [w], 1);
    expect(await revertOf(sendSettle(as(c, operator), [b]))).toBe("EscrowOverdrawn(0, 1, 0, 30)");
    const fx2 = await makeCluster(inst.members, inst.depth);
    const send = execute(fx2, sendOp(0, 1, 0n, 0n, 10n, 0n), 1);
    const s = await proven(fx2, g, 0n, [send.slot], 1);
    expect(await revertOf(sendSettle(as(c, operator), [s]))).toBe("EscrowOverdrawn(0, 1, 0, 10)");
    // the healthy member is untouched: it moves value out of what it holds
    const fx3 = await makeCluster(inst.members, inst.depth);
    const ok = await proven(fx3, g, 0n, [withdrawSlot(fx3, withdrawOp(1, 0n, bob.address, 30n, 0n), 1)], 1);
    await (await sendSettle(as(c, operator), [ok])).wait();
    expect(await c.escrowOf(1, 1)).toBe(FIXTURE_ETH_PER_CHAIN - 30n);
  }, 300_000);

  it("refuses a deployment whose ETH does not fund the genesis escrow", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const factory = new ContractFactory(artifacts.settlement.abi as never, artifacts.settlement.bytecode, operator);
    const poseidon = await deploySettlement(operator, artifacts, {
      deltaTicks: inst.deltaTicks,
      clusterId: fx.clusterId,
      genesisRoots: fx.state.roots(),
      genesisRootsCommitment: fx.state.rootsCommitment(),
      slots: inst.slots,
      depth: inst.depth,
      genesisEthEscrow: [0n, 0n],
    });
    // the same configuration as a deployed contract's, with 1 wei short of its escrow
    const config = await configOf(poseidon);
    const err = await revertOf(factory.deploy({ ...config, genesisEthEscrow: [5n, 0n] }, { value: 4n }));
    expect(err).toBe("GenesisEscrowUnfunded(5, 4)");
  }, 120_000);
});

/**
 * A slot whose debit lane runs `op` (a WITHDRAW the sequencer refuses, signed by the sender's key) as a
 * broken member would prove it: the circuit checks the debit and the signature only. The fixture's
 * state moves as the witness says (ClusterState.replayPublished).
 */
function forgedWithdrawSlot(fx: ClusterFixture, op: Omit<SignedOperation, "signature">, tick: number): SlotWitness {
  const signed = fx.sign(op);
  const debit: DebitLane = {
    ...emptyDebit(inst.depth),
    ...{ debitOn: 1n, isWithdraw: 1n, srcChain: BigInt(op.chainId), dstChain: BigInt(op.chainId), fromIndex: op.from, toIndex: op.to },
    ...{ tokenId: op.tokenId, amount: op.amount, nonce: op.nonce, sigR8x: signed.signature.R8x, sigR8y: signed.signature.R8y, sigS: signed.signature.S },
    ...{ sender: accountFields(fx.state.account(op.chainId, op.from)!), senderSiblings: fx.state.siblings(op.chainId, op.from) },
  };
  const slot = slotOf(tick, inst.depth, debit);
  fx.state.replayPublished(decodeSlotPubdata(slotPubdataWords(slot)));
  return slot;
}

describe("withdrawals: a proven WITHDRAW the sequencer would refuse", () => {
  it("refuses a settlement whose WITHDRAW pays the zero address (BadWithdrawalAddress), and settles the same batch paying Bob", async () => {
    const { fx, c } = await deployed();
    const g = fx.state.roots();
    const op = { ...withdrawOp(0, 0n, bob.address, 30n, 0n), to: 0n };
    expect(() => fx.state.applyWithdraw(fx.sign(op))).toThrow(/^to: /);
    const b = await proven(fx, g, 0n, [forgedWithdrawSlot(fx, op, 1)], 1);
    expect(await revertOf(sendSettle(as(c, operator), [b]))).toBe("BadWithdrawalAddress(0, 0)");
    const fx2 = await makeCluster(inst.members, inst.depth);
    const ok = await proven(fx2, g, 0n, [withdrawSlot(fx2, withdrawOp(0, 0n, bob.address, 30n, 0n), 1)], 1);
    await (await sendSettle(as(c, operator), [ok])).wait();
    expect(await c.claimable(bob.address, 1)).toBe(30n);
  }, 300_000);
});

describe("containment: a cluster-native token is minted on its owner chain only, and escrowed off it", () => {
  /** Chain 0's native token; chain 1's holder leaf has 100 of it at genesis, which nothing backs (a broken member's balance). */
  const native = (fx: ClusterFixture) => addNativeToken(fx, 0, [0n, 100n]);
  const send = (fx: ClusterFixture, tokenId: bigint, src: number, amount: bigint, nonce: bigint, tick: number) =>
    execute(fx, { ...sendOp(src, 1 - src, NATIVE_HOLDER_LEAF, NATIVE_HOLDER_LEAF, amount, nonce), tokenId }, tick).slot;

  it("the owner mints and sends; the receiver's escrow counts what came in, and it sends out no more than that", async () => {
    let token: ReturnType<typeof native> | undefined;
    const { fx, c } = await deployed({}, (f) => {
      token = native(f);
    });
    const { tokenId, minterKey } = token!;
    const g = fx.state.roots();
    const minted = fx.state.applySigned(fx.sign(mintOp(0, MINTER_LEAF, NATIVE_HOLDER_LEAF, tokenId, 500n, 0n), minterKey), 1, 0n);
    const mint = slotOf(1, inst.depth, minted.debit, fx.state.applyCredit(minted.message));
    const b0 = await proven(fx, g, 0n, [mint, send(fx, tokenId, 0, 200n, 0n, 1)], 1);
    await (await sendSettle(as(c, operator), [b0])).wait();
    expect(await c.escrowOf(1, tokenId)).toBe(200n); // what the owner sent in; not the genesis 100
    expect(await c.escrowOf(0, tokenId)).toBe(0n); // the issuer's own escrow is not kept
    const r1 = fx.state.roots();
    const b1 = await proven(fx, r1, 1n, [send(fx, tokenId, 1, 150n, 0n, 2)], 2);
    await (await sendSettle(as(c, operator), [b1])).wait();
    expect(await c.escrowOf(1, tokenId)).toBe(50n);
    // sync rebuilds both members from L1 alone, the MINT (the minter's balance kept) included
    const synced = await syncFromL1(provider, await c.getAddress(), { chunkBlocks: 2 }); // logs read 2 blocks per request
    expect(synced.state.roots()).toEqual(fx.state.roots());
    expect(synced.state.account(0, MINTER_LEAF)).toMatchObject({ balance: 0n, nonce: 1n });
    const deployedAt = (await c.deploymentTransaction()!.wait())!.blockNumber;
    expect((await syncFromL1(provider, await c.getAddress(), { fromBlock: deployedAt })).roots).toEqual(synced.roots);
    await expect(syncFromL1(provider, await c.getAddress(), { fromBlock: deployedAt + 1 })).rejects.toThrow(/^contract: expected one GenesisPublished event/);
    // chain 1 holds 150 in its state (100 unbacked + 50): it can send out only the 50 it was sent
    const b2 = await proven(fx, fx.state.roots(), 2n, [send(fx, tokenId, 1, 100n, 1n, 3)], 3);
    expect(await revertOf(sendSettle(as(c, operator), [b2]))).toBe(`EscrowOverdrawn(1, ${tokenId}, 50, 100)`);
  }, 300_000);

  it("refuses a proven WITHDRAW of a native token, and its exodus exit, naming the member and token (it has no L1 asset)", async () => {
    let tokenId = 0n;
    const { fx, c } = await deployed({ exodusTimeoutBlocks: 4 }, (f) => {
      tokenId = native(f).tokenId;
    });
    const g = fx.state.roots();
    // the sequencer refuses it (ClusterState.applyWithdraw); a broken member proves it anyway, since the
    // circuit checks the debit and the signature, not the token's kind
    const op = { ...withdrawOp(1, NATIVE_HOLDER_LEAF, bob.address, 40n, 0n), tokenId };
    expect(() => fx.state.applyWithdraw(fx.sign(op))).toThrow(/^tokenId: /);
    const b = await proven(fx, g, 0n, [forgedWithdrawSlot(fx, op, 1)], 1);
    expect(await revertOf(sendSettle(as(c, operator), [b]))).toBe(`NativeTokenNotWithdrawable(1, ${tokenId})`);
    // nothing settled: in exodus, the leaf under the genesis root cannot exit either
    await provider.send("anvil_mine", ["0x5"]);
    const genesis = await makeCluster(inst.members, inst.depth);
    native(genesis);
    const exit = await buildExitRequest(genesis.state, genesis.poseidon, 1, NATIVE_HOLDER_LEAF, fx.keys[0].privateKey, bob.address);
    expect(await revertOf(as(c, alice).exit(exit))).toBe(`NativeTokenNotWithdrawable(1, ${tokenId})`);
  }, 300_000);
});

/** Rebuilds a deployed contract's Config from its constructor transaction (decoded with the ABI). */
async function configOf(c: Contract): Promise<Record<string, unknown>> {
  const tx = await provider.getTransaction(c.deploymentTransaction()!.hash);
  const iface = new Interface(artifacts.settlement.abi as never);
  const args = iface.deploy.inputs;
  const encoded = `0x${tx!.data.slice(artifacts.settlement.bytecode.length)}`;
  const [config] = iface.getAbiCoder().decode(args, encoded);
  const fields = (config as { toObject(): Record<string, unknown> }).toObject();
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
}

describe("exodus: an exit that needs no operator", () => {
  it("after the timeout: nothing settles or is deposited; each owner exits once with a Merkle proof and its signature, bounded by escrow; unconsumed deposits go back", async () => {
    const { fx, c } = await deployed({ exodusTimeoutBlocks: 6 });
    const d0 = await depositEth(c, alice, 0n, 0, 1n, 60n);
    await depositEth(c, alice, 1n, 1, 1n, 9n); // never consumed: reclaimed in exodus
    const g = fx.state.roots();
    const b = await proven(fx, g, 0n, [depositSlot(fx, d0, 1)], 1); // leaf 1 on chain 0: 50 + 60
    await (await sendSettle(as(c, operator), [b])).wait();
    const request = (leaf: bigint, key = fx.keys[Number(leaf)].privateKey, recipient = bob.address) =>
      buildExitRequest(fx.state, fx.poseidon, 0, leaf, key, recipient);

    expect(await revertOf(as(c, alice).exit(await request(1n)))).toMatch(/^NotInExodus\(\d+\)$/);
    await provider.send("anvil_mine", ["0x7"]);
    expect(await c.exodusMode()).toBe(true);
    const fx2 = await makeCluster(inst.members, inst.depth);
    depositSlot(fx2, d0, 1); // the settled state, in a copy (fx stays at the settled roots for the exits)
    const late = await proven(fx2, fx2.state.roots(), 1n, [execute(fx2, sendOp(0, 1, 0n, 0n, 1n, 0n), 2).slot], 2);
    expect(await revertOf(sendSettle(as(c, operator), [late]))).toBe("ExodusActive()");
    expect(await revertOf(as(c, alice).depositEth(0, 0, { value: 1 }))).toBe("ExodusActive()");

    // a stale leaf (the genesis balance, before the settled deposit) is not under the last settled root
    const stale = await makeCluster(inst.members, inst.depth);
    expect(await revertOf(as(c, alice).exit(await buildExitRequest(stale.state, stale.poseidon, 0, 1n, fx.keys[1].privateKey, bob.address)))).toBe(
      "ExitProofInvalid(0, 1)",
    );
    // the right leaf, but signed by another key, or sent to another recipient than signed
    const forged = { ...(await request(1n)), ax: fx.keys[0].ax, ay: fx.keys[0].ay };
    expect(await revertOf(as(c, alice).exit(forged))).toBe("ExitProofInvalid(0, 1)"); // the key is in the leaf
    const redirected = { ...(await request(1n)), recipient: alice.address };
    expect(await revertOf(as(c, alice).exit(redirected))).toBe("BadExitSignature(0, 1)");
    const signed = await request(1n);
    const malleable = { ...signed, s: signed.s + 2736030358979909402780800718157159386076813972158567259200215660948447373041n }; // S + l: the same point
    expect(await revertOf(as(c, alice).exit(malleable))).toBe("BadExitSignature(0, 1)");

    const receipt = await (await as(c, alice).exit(await request(1n))).wait(); // anyone may send it; Bob is paid
    console.log(`exodus exit: ${receipt!.gasUsed} gas (D = ${inst.depth})`);
    expect(await c.exited(0, 1)).toBe(true);
    expect(await c.claimable(bob.address, 1)).toBe(110n);
    expect(await c.escrowOf(0, 1)).toBe(FIXTURE_ETH_PER_CHAIN + 60n - 110n);
    expect(await revertOf(as(c, alice).exit(await request(1n)))).toBe("AlreadyExited(0, 1)");

    // the unconsumed deposit goes back to its depositor, once
    expect(await revertOf(as(c, bob).reclaimDeposit(0, 0, 1, 1, 60))).toBe("NotReclaimable(0)"); // consumed
    expect(await revertOf(as(c, bob).reclaimDeposit(1, 1, 1, 1, 10))).toBe("NotReclaimable(1)"); // not its fields
    await (await as(c, bob).reclaimDeposit(1, 1, 1, 1, 9)).wait();
    expect(await c.claimable(alice.address, 1)).toBe(9n);
    expect(await revertOf(as(c, bob).reclaimDeposit(1, 1, 1, 1, 9))).toBe("NotReclaimable(1)");
  }, 300_000);

  it("pays an exit at most what its chain holds (a broken member's last owners share what is left)", async () => {
    const { fx, c } = await deployed({ exodusTimeoutBlocks: 1, genesisEthEscrow: [1020n, FIXTURE_ETH_PER_CHAIN] }); // chain 0 backs 1020 of its 1050
    await provider.send("anvil_mine", ["0x2"]);
    await (await as(c, alice).exit(await buildExitRequest(fx.state, fx.poseidon, 0, 0n, fx.keys[0].privateKey, bob.address))).wait(); // 1000
    await (await as(c, alice).exit(await buildExitRequest(fx.state, fx.poseidon, 0, 1n, fx.keys[1].privateKey, alice.address))).wait(); // 50, but 20 left
    expect(await c.claimable(bob.address, 1)).toBe(1000n);
    expect(await c.claimable(alice.address, 1)).toBe(20n);
    expect(await c.escrowOf(0, 1)).toBe(0n);
  }, 120_000);
});
