import { getPoseidon } from "../../src/crypto/poseidon.js";
import { EddsaSigner, type KeyPair } from "../../src/crypto/eddsa.js";
import { ClusterState } from "../../src/state/cluster-state.js";
import { slotOf, type SlotWitness } from "../../src/circuits/witness-layout.js";
import { batchCircuitInput, makeHeader, type BatchHeader } from "../../src/circuits/batch-input.js";
import { clusterDomain } from "../../src/protocol/domain.js";
import { operationDigest, type L1Deposit, type Message, type SignedOperation } from "../../src/protocol/operation.js";
import { nativeTokenId } from "../../src/protocol/token.js";

/** Identity of the test cluster: its id, and anvil's chain id as its L1 (the domain every fixture signs for). */
export const TEST_CLUSTER = { clusterId: 1234n, l1ChainId: 31337 } as const;

/** A tiny cluster for tests: N members, depth D, two accounts per chain holding token 1. */
export interface ClusterFixture {
  /** Signing domain: clusterDomain(TEST_CLUSTER.l1ChainId, TEST_CLUSTER.clusterId). */
  domain: bigint;
  clusterId: bigint;
  state: ClusterState;
  signer: EddsaSigner;
  poseidon: (x: bigint[]) => bigint;
  keys: KeyPair[]; // keys[i] owns leaf i on every chain
  /** Signs with `key`, by default the key of the sender's leaf. */
  sign(op: Omit<SignedOperation, "signature">, key?: KeyPair): SignedOperation;
}

/** ETH each chain of a default fixture holds at genesis (its two leaves' balances, 1000 + 50): the genesis escrow to deploy with. */
export const FIXTURE_ETH_PER_CHAIN = 1050n;

/** Builds the fixture; `balances[i]` is the genesis balance of leaf i (on every chain) of token 1 (ETH). */
export async function makeCluster(members: number, depth: number, balances: bigint[] = [1000n, 50n]): Promise<ClusterFixture> {
  const poseidon = await getPoseidon();
  const signer = await EddsaSigner.create();
  const domain = clusterDomain(BigInt(TEST_CLUSTER.l1ChainId), TEST_CLUSTER.clusterId);
  const state = new ClusterState(members, depth, poseidon, signer, domain);
  const keys = balances.map((_, i) => signer.keyPair(new Uint8Array(32).fill(i + 1)));
  for (let c = 0; c < members; c++) {
    balances.forEach((balance, i) => {
      state.createAccount(c, BigInt(i), { ax: keys[i].ax, ay: keys[i].ay, tokenId: 1n, balance, nonce: 0n });
    });
  }
  /** The key of the sender's leaf (keys[from] for a leaf that does not exist). */
  const ownerKey = (op: Omit<SignedOperation, "signature">) =>
    keys.find((k) => k.ax === state.account(op.chainId, op.from)?.ax) ?? keys[Number(op.from)] ?? keys[0];
  const sign = (op: Omit<SignedOperation, "signature">, key = ownerKey(op)): SignedOperation => ({
    ...op,
    signature: signer.sign(key.privateKey, operationDigest(poseidon, domain, op)),
  });
  return { domain, clusterId: TEST_CLUSTER.clusterId, state, signer, poseidon, keys, sign };
}

/** Unsigned fields of a SEND of `amount` of token 1 from leaf `from` on `src` to leaf `to` on `dst`. */
export function sendOp(src: number, dst: number, from: bigint, to: bigint, amount: bigint, nonce: bigint): Omit<SignedOperation, "signature"> {
  return { type: "SEND", chainId: src, dstChain: dst, from, to, tokenId: 1n, amount, nonce, dataHash: 7n };
}

/** Unsigned fields of a TRANSFER on one chain. */
export function transferOp(chain: number, from: bigint, to: bigint, amount: bigint, nonce: bigint): Omit<SignedOperation, "signature"> {
  return { type: "TRANSFER", chainId: chain, dstChain: chain, from, to, tokenId: 1n, amount, nonce, dataHash: 0n };
}

/**
 * Executes an operation at `tick` as the executor does: one slot whose debit lane runs the signed
 * operation and whose credit lane delivers its message at once.
 */
export function execute(fx: ClusterFixture, op: Omit<SignedOperation, "signature">, tick: number, seq = 0n): { slot: SlotWitness; message: Message } {
  const { debit, message } = fx.state.applySigned(fx.sign(op), tick, seq);
  return { slot: slotOf(tick, fx.state.depth, debit, fx.state.applyCredit(message)), message };
}

/** A slot that only debits (its message stays pending for a later `deliverOnly`). */
export function debitOnly(fx: ClusterFixture, op: Omit<SignedOperation, "signature">, tick: number, seq = 0n): { slot: SlotWitness; message: Message } {
  const { debit, message } = fx.state.applySigned(fx.sign(op), tick, seq);
  return { slot: slotOf(tick, fx.state.depth, debit), message };
}

/** A slot that only delivers `message` at `tick`. */
export function deliverOnly(fx: ClusterFixture, message: Message, tick: number): SlotWitness {
  return slotOf(tick, fx.state.depth, undefined, fx.state.applyCredit(message));
}

/**
 * A small proven-batch input for an instance: batch 3 over ticks 4..5, a SEND of 20 from leaf 1 on chain 1
 * to leaf 0 on chain 0 at tick 4, delivered at tick 5 (two slots; NOOP-padded to the instance's B).
 */
export async function sendThenDeliverBatch(inst: {
  members: number;
  depth: number;
  slots: number;
}): Promise<{ header: BatchHeader; input: Record<string, unknown> }> {
  const fx = await makeCluster(inst.members, inst.depth);
  const oldRoots = fx.state.roots();
  const send = debitOnly(fx, sendOp(1, 0, 1n, 0n, 20n, 0n), 4);
  const receive = deliverOnly(fx, send.message, 5);
  const slots = [send.slot, receive];
  const header = makeHeader(
    fx.poseidon,
    { domain: fx.domain, batchIndex: 3n, firstTick: 4, lastTick: 5, oldRoots, newRoots: fx.state.roots() },
    slots,
    inst.slots,
    inst.depth,
  );
  return { header, input: batchCircuitInput(header, slots, inst.slots, inst.depth) };
}

/** Unsigned fields of a WITHDRAW of `amount` of token 1 from leaf `from` on `chain` to the L1 address `to` (a uint160). */
export function withdrawOp(chain: number, from: bigint, to: string, amount: bigint, nonce: bigint): Omit<SignedOperation, "signature"> {
  return { type: "WITHDRAW", chainId: chain, dstChain: chain, from, to: BigInt(to), tokenId: 1n, amount, nonce, dataHash: 0n };
}

/** A slot whose debit lane runs a signed WITHDRAW (and whose credit lane is free for a deposit). */
export function withdrawSlot(fx: ClusterFixture, op: Omit<SignedOperation, "signature">, tick: number): SlotWitness {
  return slotOf(tick, fx.state.depth, fx.state.applyWithdraw(fx.sign(op)));
}

/** A slot whose credit lane consumes an L1 deposit (credit or refund, ClusterState.applyDeposit); `into` puts it in that slot's free credit lane instead. */
export function depositSlot(fx: ClusterFixture, deposit: L1Deposit, tick: number, into?: SlotWitness): SlotWitness {
  const credit = fx.state.applyDeposit(deposit);
  return into ? { ...into, ...credit } : slotOf(tick, fx.state.depth, undefined, credit);
}

/** Leaf of the fixture's cluster-native token minter on its owner chain (addNativeToken), and the leaf that holds it on every chain. */
export const MINTER_LEAF = 2n;
export const NATIVE_HOLDER_LEAF = 3n;

/**
 * Adds a cluster-native token to the fixture: its id is nativeTokenId(owner, MINTER_LEAF), minted by leaf
 * MINTER_LEAF on chain `owner` (key `minterKey`, balance 0), and held by leaf NATIVE_HOLDER_LEAF on every chain
 * (key keys[0]) with `holderBalances[c]` on chain c (default 0: a genesis balance of it off its owner chain has no escrow on L1).
 * Call it before the genesis roots are read.
 */
export function addNativeToken(fx: ClusterFixture, owner: number, holderBalances: bigint[] = []): { tokenId: bigint; minterKey: KeyPair } {
  const tokenId = nativeTokenId(owner, MINTER_LEAF);
  const minterKey = fx.signer.keyPair(new Uint8Array(32).fill(0x4d));
  fx.state.createAccount(owner, MINTER_LEAF, { ax: minterKey.ax, ay: minterKey.ay, tokenId, balance: 0n, nonce: 0n });
  for (let c = 0; c < fx.state.members; c++) {
    fx.state.createAccount(c, NATIVE_HOLDER_LEAF, { ax: fx.keys[0].ax, ay: fx.keys[0].ay, tokenId, balance: holderBalances[c] ?? 0n, nonce: 0n });
  }
  return { tokenId, minterKey };
}

/** Unsigned fields of a MINT of `amount` of `tokenId` by leaf `minter` on `chain` to leaf `to` there (sign it with the minter's key). */
export function mintOp(chain: number, minter: bigint, to: bigint, tokenId: bigint, amount: bigint, nonce: bigint): Omit<SignedOperation, "signature"> {
  return { type: "MINT", chainId: chain, dstChain: chain, from: minter, to, tokenId, amount, nonce, dataHash: 0n };
}
