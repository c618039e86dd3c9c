import { describe, expect, it } from "vitest";
import { SparseMerkleTree } from "../src/state/sparse-merkle-tree.js";
import { OperationRejected } from "../src/state/cluster-state.js";
import { accountLeaf } from "../src/state/account.js";
import { operationDigest } from "../src/protocol/operation.js";
import { MINTER_LEAF, NATIVE_HOLDER_LEAF, addNativeToken, execute, makeCluster, mintOp, sendOp, transferOp, withdrawOp } from "./helpers/cluster-fixture.js";
import { decodeSlotPubdata, slotPubdataWords } from "../src/protocol/pubdata.js";
import { parseOperation } from "../src/protocol/operation-codec.js";

describe("SparseMerkleTree", () => {
  it("matches a hand-built depth-2 tree and its paths", async () => {
    const { poseidon } = await makeCluster(2, 2);
    const h = (l: bigint, r: bigint) => poseidon([l, r]);
    const tree = new SparseMerkleTree(2, h);
    expect(tree.root).toBe(h(h(0n, 0n), h(0n, 0n)));
    tree.update(2n, 5n);
    expect(tree.root).toBe(h(h(0n, 0n), h(5n, 0n)));
    expect(tree.siblings(2n)).toEqual([0n, h(0n, 0n)]);
    expect(SparseMerkleTree.rootFromPath(5n, 2n, tree.siblings(2n), h)).toBe(tree.root);
    tree.update(2n, 0n);
    expect(tree.root).toBe(h(h(0n, 0n), h(0n, 0n)));
    expect(() => tree.update(4n, 1n)).toThrow(/index: must be in 0..3/);
  });
});

describe("ClusterState", () => {
  it("TRANSFER debits, credits and bumps the nonce; roots follow the leaves", async () => {
    const fx = await makeCluster(2, 4);
    const before = fx.state.roots();
    const { message } = execute(fx, transferOp(1, 0n, 1n, 40n, 0n), 1);
    expect(message).toMatchObject({ srcChain: 1, dstChain: 1, amount: 40n }); // a message to its own chain
    expect(fx.state.account(1, 0n)).toMatchObject({ balance: 960n, nonce: 1n });
    expect(fx.state.account(1, 1n)).toMatchObject({ balance: 90n, nonce: 0n });
    const after = fx.state.roots();
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
  });

  it("SEND debits the source only; its delivery credits the destination; the message is the sent tuple", async () => {
    const fx = await makeCluster(2, 4);
    const { message, debit } = fx.state.applySigned(fx.sign(sendOp(0, 1, 0n, 1n, 30n, 0n)), 3, 5n);
    expect(message).toEqual({ srcChain: 0, dstChain: 1, seq: 5n, sendTick: 3, recipient: 1n, tokenId: 1n, amount: 30n, dataHash: 7n });
    expect(debit).toMatchObject({ debitOn: 1n, msgSeq: 5n, srcChain: 0n, dstChain: 1n });
    expect(fx.state.account(0, 0n)?.balance).toBe(970n);
    expect(fx.state.account(1, 1n)?.balance).toBe(50n);
    const recv = fx.state.applyCredit(message);
    expect(fx.state.account(1, 1n)?.balance).toBe(80n);
    expect(recv.recipient[3]).toBe(50n);
    expect(SparseMerkleTree.rootFromPath(accountLeaf(fx.poseidon, fx.state.account(1, 1n)!), 1n, recv.recipientSiblings, (l, r) => fx.poseidon([l, r]))).toBe(
      fx.state.roots()[1],
    );
  });

  it.each([
    ["signature", (fx: Awaited<ReturnType<typeof makeCluster>>) => fx.sign(transferOp(0, 0n, 1n, 5n, 0n), fx.keys[1])],
    ["nonce", (fx: Awaited<ReturnType<typeof makeCluster>>) => fx.sign(transferOp(0, 0n, 1n, 5n, 3n))],
    ["amount", (fx: Awaited<ReturnType<typeof makeCluster>>) => fx.sign(transferOp(0, 0n, 1n, 1001n, 0n))],
    ["chainId", (fx: Awaited<ReturnType<typeof makeCluster>>) => fx.sign({ ...transferOp(0, 0n, 1n, 5n, 0n), chainId: 9, dstChain: 9 })],
    ["to", (fx: Awaited<ReturnType<typeof makeCluster>>) => fx.sign(transferOp(0, 0n, 9n, 5n, 0n))],
    ["from", (fx: Awaited<ReturnType<typeof makeCluster>>) => ({ ...fx.sign(transferOp(0, 0n, 1n, 5n, 0n)), from: 7n })],
    ["dstChain", (fx: Awaited<ReturnType<typeof makeCluster>>) => fx.sign(sendOp(0, 0, 0n, 1n, 5n, 0n))],
    [
      "signature",
      (fx: Awaited<ReturnType<typeof makeCluster>>) => {
        // validly signed, but for another deployment (domain): replay across clusters or L1s is refused
        const op = transferOp(0, 0n, 1n, 5n, 0n);
        return { ...op, signature: fx.signer.sign(fx.keys[0].privateKey, operationDigest(fx.poseidon, fx.domain + 1n, op)) };
      },
    ],
  ])("rejects a bad %s, naming the field, and changes nothing", async (field, make) => {
    const fx = await makeCluster(2, 4);
    const roots = fx.state.roots();
    let error: unknown;
    try {
      fx.state.applySigned(make(fx), 1, 0n);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OperationRejected);
    expect((error as OperationRejected).field).toBe(field);
    expect(fx.state.roots()).toEqual(roots);
    // a valid operation still executes after the rejection
    execute(fx, transferOp(0, 0n, 1n, 5n, 0n), 1);
    expect(fx.state.account(0, 1n)?.balance).toBe(55n);
  });
});

describe("ClusterState: WITHDRAW and L1 deposits, refused naming the field, nothing changed", () => {
  const L1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  it.each([
    ["above the balance", { amount: 1001n }, "amount"],
    ["to the zero address", { to: 0n }, "to"],
    ["to a value that is not a uint160", { to: 1n << 160n }, "to"],
    ["off its chain", { dstChain: 1 }, "dstChain"],
    ["with a wrong nonce", { nonce: 1n }, "nonce"],
  ])("a WITHDRAW %s", async (_name, edit, field) => {
    const fx = await makeCluster(2, 4);
    const before = fx.state.roots();
    const op = fx.sign({ ...withdrawOp(0, 0n, L1, 30n, 0n), ...edit });
    expect(() => fx.state.applyWithdraw(op)).toThrow(expect.objectContaining({ field }));
    expect(fx.state.roots()).toEqual(before);
  });

  it("a WITHDRAW with another's signature is refused, naming the signature", async () => {
    const fx = await makeCluster(2, 4);
    const op = fx.sign(withdrawOp(0, 0n, L1, 30n, 0n), fx.keys[1]);
    expect(() => fx.state.applyWithdraw(op)).toThrow(expect.objectContaining({ field: "signature" }));
  });

  it.each([
    ["to an unknown chain", { chainId: 2 }, "chainId"],
    ["to a leaf outside the tree", { to: 16n }, "to"],
    ["of zero", { amount: 0n }, "amount"],
    ["of 2^96", { amount: 1n << 96n }, "amount"],
  ])("a deposit %s", async (_name, edit, field) => {
    const fx = await makeCluster(2, 4);
    const before = fx.state.roots();
    const d = { index: 0n, chainId: 0, to: 0n, tokenId: 1n, amount: 5n, depositor: L1, ...edit };
    expect(() => fx.state.applyDeposit(d)).toThrow(expect.objectContaining({ field }));
    expect(fx.state.roots()).toEqual(before);
  });

  it("a client cannot send a DEPOSIT as an operation (deposits come from L1 events only)", () => {
    const parsed = parseOperation({
      type: "DEPOSIT",
      chainId: 0,
      from: "0",
      to: "0",
      tokenId: "1",
      amount: "5",
      nonce: "0",
      signature: { R8x: "0", R8y: "0", S: "0" },
    });
    expect(parsed).toMatchObject({ field: "type" });
  });
});

describe("ClusterState: MINT of a cluster-native token, only by its minter leaf on its owner chain", () => {
  async function minting() {
    const fx = await makeCluster(2, 4);
    const { tokenId, minterKey } = addNativeToken(fx, 0, [0n, 7n]);
    return {
      fx,
      tokenId,
      minterKey,
      mint: (over: Partial<ReturnType<typeof mintOp>> = {}, key = minterKey) =>
        fx.sign({ ...mintOp(0, MINTER_LEAF, NATIVE_HOLDER_LEAF, tokenId, 500n, 0n), ...over }, key),
    };
  }

  it("a MINT keeps the minter's balance (nonce + 1) and its message credits the recipient; sync replays it to the same roots", async () => {
    const { fx, mint } = await minting();
    const genesis = await makeCluster(2, 4);
    addNativeToken(genesis, 0, [0n, 7n]);
    const { debit, message } = fx.state.applySigned(mint(), 1, 0n);
    const credit = fx.state.applyCredit(message);
    expect(fx.state.account(0, MINTER_LEAF)).toMatchObject({ balance: 0n, nonce: 1n });
    expect(fx.state.account(0, NATIVE_HOLDER_LEAF)?.balance).toBe(500n);
    expect(message).toMatchObject({ srcChain: 0, dstChain: 0, amount: 500n });
    genesis.state.replayPublished(decodeSlotPubdata(slotPubdataWords({ tick: 1n, ...debit, ...credit })));
    expect(genesis.state.roots()).toEqual(fx.state.roots());
  });

  it.each([
    ["on a chain that does not own the token", { chainId: 1, dstChain: 1, from: NATIVE_HOLDER_LEAF }, "chainId"],
    ["by a leaf other than the minter", { from: NATIVE_HOLDER_LEAF, to: 0n }, "from"],
    ["of an L1-bridged token (ETH)", { tokenId: 1n }, "tokenId"],
    ["to another chain", { dstChain: 1 }, "dstChain"],
    ["to the minter itself", { to: MINTER_LEAF }, "to"],
    ["to a leaf of another token", { to: 0n }, "tokenId"],
    ["of zero", { amount: 0n }, "amount"],
    ["with a wrong nonce", { nonce: 1n }, "nonce"],
  ])("a MINT %s is refused, naming the field, nothing changed", async (_name, over, field) => {
    const { fx, mint } = await minting();
    const before = fx.state.roots();
    expect(() => fx.state.applySigned(mint(over), 1, 0n)).toThrow(expect.objectContaining({ field }));
    expect(fx.state.roots()).toEqual(before);
  });

  it("a MINT signed by another key than the minter leaf's is refused, naming the signature", async () => {
    const { fx, mint } = await minting();
    expect(() => fx.state.applySigned(mint({}, fx.keys[0]), 1, 0n)).toThrow(expect.objectContaining({ field: "signature" }));
  });

  it("a WITHDRAW of a cluster-native token is refused, naming the token (it has no L1 asset)", async () => {
    const { fx, tokenId } = await minting();
    const op = fx.sign({ ...withdrawOp(1, NATIVE_HOLDER_LEAF, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", 5n, 0n), tokenId }, fx.keys[0]);
    expect(() => fx.state.applyWithdraw(op)).toThrow(/^tokenId: token \d+ is cluster-native/);
  });

  it("a MINT line of a workload file parses (the codec knows the type)", () => {
    const parsed = parseOperation({
      type: "MINT",
      chainId: 0,
      from: "2",
      to: "3",
      tokenId: "32800",
      amount: "5",
      nonce: "0",
      signature: { R8x: "1", R8y: "2", S: "3" },
    });
    expect(parsed).toMatchObject({ type: "MINT", dstChain: 0, tokenId: 32800n });
  });
});
