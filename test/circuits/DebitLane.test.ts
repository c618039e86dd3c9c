import { beforeAll, describe, expect, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { messageHash, operationDigest, type Message } from "../../src/protocol/operation.js";
import { emptyDebit, type DebitLane } from "../../src/circuits/witness-layout.js";
import { accountFields } from "../../src/state/account.js";
import type { KeyPair } from "../../src/crypto/eddsa.js";
import {
  MINTER_LEAF,
  NATIVE_HOLDER_LEAF,
  addNativeToken,
  makeCluster,
  mintOp,
  sendOp,
  transferOp,
  withdrawOp,
  type ClusterFixture,
} from "../helpers/cluster-fixture.js";
import { appendedAnyway, bumped, circuitInput, exactly, leafKept, signalNamed, templateTester, signalValue } from "./template-tester.js";

// DebitLane(N = 2, D = 3, BALANCE_BITS = 16) (circuits/lib/slot.circom): a signed TRANSFER, SEND, WITHDRAW or
// MINT checks the sender's signature, debits the sender's leaf in srcChain's tree and, for a TRANSFER, SEND or
// MINT, appends its message (stamped with the tick) to outbox(src -> dst); a WITHDRAW (isWithdraw, dstChain ==
// srcChain, toIndex the L1 address paid) appends none; a MINT (isMint, by the token's minter leaf on its owner
// chain: MintRight) keeps the minter's balance; empty, it changes nothing. The witnesses come from src/state (the
// executor's own lane witnesses). Each rule: a valid witness passes the R1CS, and an attack witness (or an
// edited one) fails a constraint of that rule's component.
const N = 2;
const D = 3;
const BITS = 16;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 7_483;
const TICK = 5;
let t: WitnessTester;

const zeros = () => Array.from({ length: N }, () => Array.from({ length: N }, () => 0n));
type Lane = { fx: ClusterFixture; rootsIn: bigint[]; debit: DebitLane; message: Message };

/** A signed SEND of 30 from leaf 0 on chain 0 to leaf 1 on chain 1 (or a TRANSFER on chain 0), as the state executes it. */
async function lane(kind: "SEND" | "TRANSFER" = "SEND", balances?: bigint[]): Promise<Lane> {
  const fx = await makeCluster(N, D, balances);
  const rootsIn = fx.state.roots();
  const op = kind === "SEND" ? sendOp(0, 1, 0n, 1n, 30n, 0n) : transferOp(0, 0n, 1n, 30n, 0n);
  const { debit, message } = fx.state.applySigned(fx.sign(op), TICK, 0n);
  return { fx, rootsIn, debit, message };
}
/** L1 address a WITHDRAW pays (a uint160). */
const ADDRESS = "0x00000000000000000000000000000000000c0ffe";
/** A signed WITHDRAW of 30 from leaf 0 on chain 0 to ADDRESS, as the state executes it (applyWithdraw). */
async function withdrawLane(): Promise<Omit<Lane, "message">> {
  const fx = await makeCluster(N, D);
  const rootsIn = fx.state.roots();
  return { fx, rootsIn, debit: fx.state.applyWithdraw(fx.sign(withdrawOp(0, 0n, ADDRESS, 30n, 0n))) };
}
const input = (l: Omit<Lane, "message">, over: Partial<DebitLane> = {}) =>
  circuitInput({ rootsIn: l.rootsIn, outboxIn: zeros(), tick: BigInt(TICK), domain: l.fx.domain, ...l.debit, ...over });
const read = (w: bigint[], name: string, n: number) => Array.from({ length: n }, (_, i) => signalValue(t, w, `${name}[${i}]`));
/** A signature of `op` by the sender's key for `domain`, as debit lane fields. */
function signature(fx: ClusterFixture, op: Parameters<ClusterFixture["sign"]>[0], domain = fx.domain, key = fx.keys[Number(op.from)]) {
  const s = fx.signer.sign(key.privateKey, operationDigest(fx.poseidon, domain, op));
  return { sigR8x: s.R8x, sigR8y: s.R8y, sigS: s.S };
}

beforeAll(async () => {
  t = await templateTester("DebitLane", "lib/slot.circom", "DebitLane", [N, D, BITS]);
}, 300_000);

describe("DebitLane(2, 3, 16): valid lanes pass the R1CS", () => {
  it.each(["SEND", "TRANSFER"] as const)("a %s: roots as the state's after it; its message hash appended to its outbox pair", async (kind) => {
    const l = await lane(kind);
    const w = await t.expectPass(input(l));
    expect(read(w, "main.rootsOut", N)).toEqual(l.fx.state.roots());
    const outbox = zeros();
    outbox[l.message.srcChain][l.message.dstChain] = l.fx.poseidon([0n, messageHash(l.fx.poseidon, l.message)]);
    expect([0, 1].map((i) => read(w, `main.outboxOut[${i}]`, N))).toEqual(outbox);
    expect(l.message.sendTick).toBe(TICK);
  });

  it("a debit of the whole balance", async () => {
    await t.expectPass(input(await lane("SEND", [30n, 50n])));
  });

  it("an empty lane (emptyDebit): roots and outbox pass through", async () => {
    const l = await lane();
    const outboxIn = [
      [1n, 2n],
      [3n, 4n],
    ];
    const w = await t.expectPass(circuitInput({ rootsIn: l.rootsIn, outboxIn, tick: 9n, domain: l.fx.domain, ...emptyDebit(D) }));
    expect(read(w, "main.rootsOut", N)).toEqual(l.rootsIn);
    expect([0, 1].map((i) => read(w, `main.outboxOut[${i}]`, N))).toEqual(outboxIn);
  });

  it("a WITHDRAW: the sender debited (roots as the state's after it), its outbox unchanged (no message)", async () => {
    const l = await withdrawLane();
    const outboxIn = [
      [1n, 2n],
      [3n, 4n],
    ];
    const w = await t.expectPass({ ...input(l), outboxIn: circuitInput({ outboxIn }).outboxIn });
    expect(read(w, "main.rootsOut", N)).toEqual(l.fx.state.roots());
    expect(read(w, "main.rootsOut", N)).not.toEqual(l.rootsIn);
    expect([0, 1].map((i) => read(w, `main.outboxOut[${i}]`, N))).toEqual(outboxIn);
    expect(l.fx.state.account(0, 0n)).toMatchObject({ balance: 970n, nonce: 1n });
    expect(l.debit).toMatchObject({ isWithdraw: 1n, dstChain: 0n, toIndex: BigInt(ADDRESS) });
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("DebitLane(2, 3, 16): a WITHDRAW refuses its attacks", () => {
  it("a withdrawal without debit: the sender's new leaf is its old leaf (path, roots and outbox consistent)", async () => {
    const l = await withdrawLane();
    const w = await t.expectPass(input(l));
    const newLeaf = signalNamed(t, w, /^main\.AccountLeaf_\d+_\d+\.out$/, l.fx.poseidon(accountFields(l.fx.state.account(0, 0n)!)));
    const kept = leafKept(t, w, "main.senderUpdate", {
      newLeaf,
      oldLeaf: l.fx.poseidon(l.debit.sender),
      rootsOut: ["main.rootsOut[0]", "main.rootsOut[1]"],
      rootsIn: l.rootsIn,
    });
    expect(read(kept, "main.rootsOut", N)).toEqual(l.rootsIn);
    const violated = t.expectConstraintFail(kept, exactly(newLeaf));
    for (const c of violated)
      expect(
        t.signalsOf(c).some((n) => n.startsWith(newLeaf.replace(/\.out$/, "."))),
        `constraint #${c} on ${t.signalsOf(c)}`,
      ).toBe(true);
  });

  it("a withdrawal without debit: the roots after it edited back to those before", async () => {
    const l = await withdrawLane();
    const w = await t.expectPass(input(l));
    t.expectConstraintFail(t.editWitness(w, { "main.rootsOut[0]": l.rootsIn[0] }), exactly("main.rootsOut[0]"));
  });

  it("a WITHDRAW with dstChain != srcChain (signed as the circuit digests it, opType 5)", async () => {
    const l = await withdrawLane();
    const op = withdrawOp(0, 0n, ADDRESS, 30n, 0n);
    const digest = l.fx.poseidon([l.fx.domain, 5n, 0n, 1n, op.from, op.to, op.tokenId, op.amount, op.nonce, op.dataHash]);
    const s = l.fx.signer.sign(l.fx.keys[0].privateKey, digest);
    const attack = await t.attackWitness(input(l, { dstChain: 1n, sigR8x: s.R8x, sigR8y: s.R8y, sigS: s.S }));
    t.expectConstraintFail(attack, exactly("main.isWithdraw", "main.dstChain", "main.srcChain"));
  });

  it("isWithdraw = 1 with debitOn = 0 (a withdrawal published without an operation)", async () => {
    const l = await withdrawLane();
    t.expectConstraintFail(await t.attackWitness(input(l, { debitOn: 0n })), exactly("main.isWithdraw", "main.debitOn"));
  });

  it("isWithdraw = 1 on an empty lane (emptyDebit)", async () => {
    const l = await withdrawLane();
    const w = await t.expectPass(circuitInput({ rootsIn: l.rootsIn, outboxIn: zeros(), tick: 9n, domain: l.fx.domain, ...emptyDebit(D) }));
    t.expectConstraintFail(t.editWitness(w, { "main.isWithdraw": 1n }), exactly("main.isWithdraw", "main.debitOn"));
  });

  it("a WITHDRAW whose message is appended anyway (selectors and outbox entry as if enabled)", async () => {
    const l = await withdrawLane();
    const w = await t.expectPass(input(l));
    const appended = appendedAnyway(t, w, N, 0, 0, "main.outboxOut");
    expect(signalValue(t, appended, "main.outboxOut[0][0]")).toBe(l.fx.poseidon([0n, signalValue(t, w, "main.sent")]));
    t.expectConstraintFail(appended, /^main\.PairChainAppend_\d+_\d+\.rowSel\[0\]$/);
  });

  it("a WITHDRAW whose outbox entry is edited (a message appended) fails a constraint on it", async () => {
    const w = await t.expectPass(input(await withdrawLane()));
    t.expectConstraintFail(bumped(t, w, "main.outboxOut[0][0]"), exactly("main.outboxOut[0][0]"));
  });

  it("a signed TRANSFER run as a WITHDRAW (opType 1 signed, 4 digested)", async () => {
    const l = await withdrawLane();
    const sig = signature(l.fx, { ...withdrawOp(0, 0n, ADDRESS, 30n, 0n), type: "TRANSFER" });
    t.expectConstraintFail(await t.attackWitness(input(l, sig)), /^main\.sig\./);
  });

  it("a signed WITHDRAW run as a TRANSFER (isWithdraw = 0: the withdrawn amount sent as a message)", async () => {
    const l = await withdrawLane();
    t.expectConstraintFail(await t.attackWitness(input(l, { isWithdraw: 0n })), /^main\.sig\./);
  });
});

/** A signed MINT of 30 of chain 0's native token by its minter leaf to the holder leaf, as the state executes it (applySigned). */
async function mintLane(): Promise<Lane & { tokenId: bigint; minterKey: KeyPair }> {
  const fx = await makeCluster(N, D);
  const { tokenId, minterKey } = addNativeToken(fx, 0, [0n, 100n]);
  const rootsIn = fx.state.roots();
  const op = fx.sign(mintOp(0, MINTER_LEAF, NATIVE_HOLDER_LEAF, tokenId, 30n, 0n), minterKey);
  const { debit, message } = fx.state.applySigned(op, TICK, 0n);
  return { fx, rootsIn, debit, message, tokenId, minterKey };
}

describe("DebitLane(2, 3, 16): a MINT", () => {
  it("passes: the minter's balance kept and its nonce + 1 (roots as the state's), its message to its own chain appended", async () => {
    const l = await mintLane();
    const w = await t.expectPass(input(l));
    expect(read(w, "main.rootsOut", N)).toEqual(l.fx.state.roots());
    expect(l.fx.state.account(0, MINTER_LEAF)).toMatchObject({ balance: 0n, nonce: 1n });
    const outbox = zeros();
    outbox[0][0] = l.fx.poseidon([0n, messageHash(l.fx.poseidon, l.message)]);
    expect([0, 1].map((i) => read(w, `main.outboxOut[${i}]`, N))).toEqual(outbox);
    expect(l.debit).toMatchObject({ isMint: 1n, isWithdraw: 0n, srcChain: 0n, dstChain: 0n, fromIndex: MINTER_LEAF });
  });

  it("a mint on a non-owner chain: chain 1's holder of chain 0's token signs a MINT of it (its leaf and path genuine)", async () => {
    const l = await mintLane();
    const holder = l.fx.state.account(1, NATIVE_HOLDER_LEAF)!;
    const op = mintOp(1, NATIVE_HOLDER_LEAF, 0n, l.tokenId, 30n, 0n);
    const forged: DebitLane = {
      ...l.debit,
      srcChain: 1n,
      dstChain: 1n,
      fromIndex: NATIVE_HOLDER_LEAF,
      toIndex: 0n,
      ...signature(l.fx, op, l.fx.domain, l.fx.keys[0]),
      sender: accountFields(holder),
      senderSiblings: l.fx.state.siblings(1, NATIVE_HOLDER_LEAF),
    };
    expect(() => l.fx.state.applySigned(l.fx.sign(op, l.fx.keys[0]), TICK, 0n)).toThrow(/^chainId: token \d+ is owned by chain 0/);
    const attack = await t.attackWitness(input(l, forged));
    t.expectConstraintFail(attack, exactly("main.isMint", "main.srcChain", "main.fromIndex", "main.tokenId"));
  });

  it("a mint of an L1-bridged token: the ETH leaf 0 signs a MINT of ETH to leaf 1", async () => {
    const l = await lane("TRANSFER");
    const op = { ...transferOp(0, 0n, 1n, 30n, 0n), type: "MINT" as const };
    const attack = await t.attackWitness(input(l, { isMint: 1n, ...signature(l.fx, op) }));
    t.expectConstraintFail(attack, exactly("main.isMint", "main.srcChain", "main.fromIndex", "main.tokenId"));
  });

  it("a signed TRANSFER of the minter run as a MINT (opType 1 signed, 6 digested: the balance would be kept)", async () => {
    const l = await mintLane();
    const sig = signature(l.fx, { ...mintOp(0, MINTER_LEAF, NATIVE_HOLDER_LEAF, l.tokenId, 30n, 0n), type: "TRANSFER" }, l.fx.domain, l.minterKey);
    t.expectConstraintFail(await t.attackWitness(input(l, sig)), /^main\.sig\./);
  });

  it("a MINT whose message goes to another chain (dstChain 1, signed as digested, opType 7)", async () => {
    const l = await mintLane();
    const digest = l.fx.poseidon([l.fx.domain, 7n, 0n, 1n, MINTER_LEAF, NATIVE_HOLDER_LEAF, l.tokenId, 30n, 0n, 0n]);
    const s = l.fx.signer.sign(l.minterKey.privateKey, digest);
    const attack = await t.attackWitness(input(l, { dstChain: 1n, sigR8x: s.R8x, sigR8y: s.R8y, sigS: s.S }));
    t.expectConstraintFail(attack, exactly("main.isMint", "main.dstChain", "main.srcChain"));
  });

  it("isMint = 1 on a WITHDRAW (a withdrawal that keeps the balance)", async () => {
    const l = await withdrawLane();
    t.expectConstraintFail(await t.attackWitness(input(l, { isMint: 1n })), exactly("main.isMint", "main.debitOn", "main.isWithdraw"));
  });

  it("isMint = 1 on an empty lane (emptyDebit)", async () => {
    const l = await lane();
    const w = await t.expectPass(circuitInput({ rootsIn: l.rootsIn, outboxIn: zeros(), tick: 9n, domain: l.fx.domain, ...emptyDebit(D) }));
    t.expectConstraintFail(t.editWitness(w, { "main.isMint": 1n }), exactly("main.isMint", "main.debitOn", "main.isWithdraw"));
  });
});

describe("DebitLane(2, 3, 16): each rule refuses its attack", () => {
  it("a bad signature", async () => {
    const l = await lane();
    t.expectConstraintFail(await t.attackWitness(input(l, { sigS: l.debit.sigS + 1n })), /^main\.sig\./);
  });

  it("a signature by a key other than the leaf's owner", async () => {
    const l = await lane();
    const sig = signature(l.fx, sendOp(0, 1, 0n, 1n, 30n, 0n), l.fx.domain, l.fx.keys[1]);
    t.expectConstraintFail(await t.attackWitness(input(l, sig)), /^main\.sig\./);
  });

  it("an operation signed for another deployment (domain)", async () => {
    const l = await lane();
    const sig = signature(l.fx, sendOp(0, 1, 0n, 1n, 30n, 0n), l.fx.domain + 1n);
    t.expectConstraintFail(await t.attackWitness(input(l, sig)), /^main\.sig\./);
  });

  it("a signed amount other than the one debited (the digest binds it)", async () => {
    const l = await lane();
    t.expectConstraintFail(await t.attackWitness(input(l, { amount: 29n })), /^main\.sig\./);
  });

  it("a wrong Merkle sibling of the sender", async () => {
    const l = await lane();
    const senderSiblings = [...l.debit.senderSiblings];
    senderSiblings[1] += 1n;
    t.expectConstraintFail(await t.attackWitness(input(l, { senderSiblings })), /^main\.senderUpdate\.merkle\./);
  });

  it("an edited balance in the sender's leaf preimage (not the leaf in the tree)", async () => {
    const l = await lane();
    const sender = [...l.debit.sender];
    sender[3] += 100n;
    t.expectConstraintFail(await t.attackWitness(input(l, { sender })), /^main\.senderUpdate\.merkle\./);
  });

  it("an overdraft (a correctly signed SEND of 30 from a genuine leaf holding 20)", async () => {
    const l = await lane();
    const poor = await makeCluster(N, D, [20n, 50n]);
    const sender = [...l.debit.sender];
    sender[3] = 20n;
    t.expectConstraintFail(await t.attackWitness({ ...input(l, { sender }), rootsIn: poor.state.roots().map(String) }), /^main\.debit\.debitedBits\./);
  });

  it("a wrong nonce, even when signed", async () => {
    const l = await lane();
    const op = sendOp(0, 1, 0n, 1n, 30n, 1n);
    t.expectConstraintFail(await t.attackWitness(input(l, { nonce: 1n, ...signature(l.fx, op) })), exactly("main.nonce", "main.sender[4]"));
  });

  it("a token other than the sender's, even when signed", async () => {
    const l = await lane();
    const op = { ...sendOp(0, 1, 0n, 1n, 30n, 0n), tokenId: 2n };
    t.expectConstraintFail(await t.attackWitness(input(l, { tokenId: 2n, ...signature(l.fx, op) })), exactly("main.tokenId", "main.sender[2]"));
  });

  it("an edited outbox entry of the SEND's pair fails a constraint on it", async () => {
    const w = await t.expectPass(input(await lane()));
    t.expectConstraintFail(bumped(t, w, "main.outboxOut[0][1]"), exactly("main.outboxOut[0][1]"));
  });

  it("an edited outbox entry of another pair fails a constraint on it", async () => {
    const w = await t.expectPass(input(await lane()));
    t.expectConstraintFail(bumped(t, w, "main.outboxOut[1][0]"), exactly("main.outboxOut[1][0]"));
  });

  it.each([0, 1])("an edited root (rootsOut[%i]) fails a constraint on it", async (i) => {
    const w = await t.expectPass(input(await lane()));
    t.expectConstraintFail(bumped(t, w, `main.rootsOut[${i}]`), exactly(`main.rootsOut[${i}]`));
  });

  it("an edited message hash (what the outbox appends) fails a constraint on it", async () => {
    const w = await t.expectPass(input(await lane()));
    t.expectConstraintFail(bumped(t, w, "main.sent"), exactly("main.sent"));
  });
});
