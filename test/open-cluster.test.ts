import { describe, expect, it } from "vitest";
import { getPoseidon } from "../src/crypto/poseidon.js";
import { loadInstance } from "../src/circuits/manifest.js";
import { OpenCluster } from "../src/core/open-cluster.js";
import { OperationRejected } from "../src/state/cluster-state.js";
import { makeCluster, sendOp, transferOp } from "./helpers/cluster-fixture.js";

/** An OpenCluster over the fixture's state with B slots (the "test" instance otherwise: N = 2, D = 4, Δ = 2). */
const openOver = async (state: ConstructorParameters<typeof OpenCluster>[1], slots: number) =>
  new OpenCluster({ ...loadInstance("test"), slots }, state, await getPoseidon());

describe("OpenCluster, the one executor (N = 2, D = 4, Δ = 2)", () => {
  it("runs each operation in one slot (debit, then delivery in the same tick); at most B per batch; ticks and roots continue", async () => {
    const fx = await makeCluster(2, 4);
    const ex = await openOver(fx.state, 3);
    ex.admit(fx.sign(sendOp(0, 1, 0n, 1n, 100n, 0n))); // chain 0 leaf 0 -> chain 1 leaf 1
    ex.admit(fx.sign(transferOp(1, 0n, 1n, 10n, 0n))); // chain 1: leaf 0 -> leaf 1
    ex.admit(fx.sign(sendOp(1, 0, 1n, 0n, 5n, 0n))); // chain 1 leaf 1 -> chain 0 leaf 0, spends what it received
    expect(ex.full).toBe(true);
    expect(() => ex.admit(fx.sign(transferOp(0, 1n, 0n, 1n, 0n)))).toThrow(RangeError);
    const b0 = ex.close();
    expect(b0.header).toMatchObject({ batchIndex: 0n, firstTick: 1, lastTick: 1 });
    expect(b0.index).toBe(0);
    expect(b0.slots.map((s) => [s.debitOn, s.creditOn, s.tick, s.srcChain, s.dstChain, s.inSrcChain, s.inDstChain])).toEqual([
      [1n, 1n, 1n, 0n, 1n, 0n, 1n],
      [1n, 1n, 1n, 1n, 1n, 1n, 1n],
      [1n, 1n, 1n, 1n, 0n, 1n, 0n],
    ]);
    expect(b0.messages[2]).toEqual({ srcChain: 1, dstChain: 0, seq: 0n, sendTick: 1, recipient: 0n, tokenId: 1n, amount: 5n, dataHash: 7n });
    expect((b0.input.debitOn as string[]).length).toBe(3); // the circuit input, padded to B
    ex.admit(fx.sign(transferOp(0, 1n, 0n, 1n, 0n))); // the next batch, the next tick
    const b1 = ex.close();
    expect(b1.header).toMatchObject({ batchIndex: 1n, firstTick: 2, lastTick: 2, oldRoots: b0.header.newRoots });
    expect(() => ex.close()).toThrow(/holds no operation/);
    // chain 0: leaf 0 1000 - 100 + 5 + 1 = 906, leaf 1 50 - 1 = 49; chain 1: leaf 0 1000 - 10 = 990, leaf 1 50 + 100 + 10 - 5 = 155
    expect(fx.state.account(0, 0n)).toMatchObject({ balance: 906n, nonce: 1n });
    expect(fx.state.account(0, 1n)).toMatchObject({ balance: 49n, nonce: 1n });
    expect(fx.state.account(1, 0n)).toMatchObject({ balance: 990n, nonce: 1n });
    expect(fx.state.account(1, 1n)).toMatchObject({ balance: 155n, nonce: 1n });
    expect(ex.roots()).toEqual(b1.header.newRoots);
  });

  it("numbers messages per ordered pair, a TRANSFER's pair (c, c) included, across batches", async () => {
    const fx = await makeCluster(2, 4);
    const ex = await openOver(fx.state, 2);
    ex.admit(fx.sign(sendOp(0, 1, 0n, 1n, 1n, 0n)));
    ex.admit(fx.sign(transferOp(0, 0n, 1n, 1n, 1n)));
    const b0 = ex.close();
    ex.admit(fx.sign(sendOp(0, 1, 0n, 1n, 2n, 2n)));
    const seqs = [b0, ex.close()].flatMap((b) => b.messages.map((m) => `${m.srcChain}->${m.dstChain}#${m.seq}`));
    expect(seqs).toEqual(["0->1#0", "0->0#0", "0->1#1"]);
  });

  it("refuses bad operations with the field at fault, changing nothing; the valid ones still execute", async () => {
    const fx = await makeCluster(2, 4);
    const ex = await openOver(fx.state, 4);
    const roots = ex.roots();
    const refusal = (op: Parameters<typeof ex.admit>[0]) => {
      try {
        ex.admit(op);
      } catch (e) {
        if (e instanceof OperationRejected) return { field: e.field, reason: e.reason };
        throw e;
      }
      return undefined;
    };
    expect(refusal(fx.sign(transferOp(0, 0n, 1n, 5000n, 0n)))).toEqual({ field: "amount", reason: "overdraft: balance 1000" });
    expect(refusal(fx.sign(transferOp(0, 0n, 1n, 5n, 7n)))).toEqual({ field: "nonce", reason: "expected 0, got 7" });
    expect(refusal(fx.sign(transferOp(0, 0n, 1n, 5n, 0n), fx.keys[1]))).toMatchObject({ field: "signature", reason: expect.stringContaining("EdDSA") });
    expect(refusal(fx.sign(sendOp(0, 1, 0n, 9n, 5n, 0n)))).toEqual({ field: "to", reason: "no account 9 on chain 1" });
    expect(ex.roots()).toEqual(roots);
    expect(ex.openSize).toBe(0);
    expect(refusal(fx.sign(transferOp(0, 0n, 1n, 5n, 0n)))).toBeUndefined();
    expect(ex.close().slots).toHaveLength(1);
    expect(fx.state.account(0, 1n)?.balance).toBe(55n);
  });

  it("adds a member at a batch boundary (joint governance): N + 1 from the open batch on, the new member from its genesis root, messages reach it", async () => {
    const fx = await makeCluster(2, 4);
    const ex = await openOver(fx.state, 2);
    const next = { ...ex.inst, name: "test-n3", members: 3 };
    const newcomer = { chainId: 2, index: 0n, ax: fx.keys[0].ax, ay: fx.keys[0].ay, tokenId: 1n, balance: 0n };
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof OperationRejected) return `${e.field}: ${e.reason}`;
        throw e;
      }
      return "accepted";
    };
    ex.admit(fx.sign(transferOp(0, 0n, 1n, 5n, 0n)));
    expect(refusal(() => ex.addMember(next, [newcomer]))).toBe("openBatch: batch 0 holds 1 operation(s): a member joins only at a batch boundary");
    const b0 = ex.close();
    const roots = ex.roots();
    expect(refusal(() => ex.addMember({ ...next, members: 4 }, [newcomer]))).toBe('members: instance "test-n3" has 4 members, expected 3');
    expect(refusal(() => ex.addMember({ ...next, depth: 5 }, [newcomer]))).toBe('depth: instance "test-n3" has depth 5, the cluster 4');
    expect(refusal(() => ex.addMember(next, [{ ...newcomer, balance: 1n }]))).toBe(
      "accounts[0].balance: a new member's ETH escrow on L1 is 0: its genesis ETH balances must be 0",
    );
    expect(refusal(() => ex.addMember(next, [{ ...newcomer, chainId: 1 }]))).toBe("accounts[0].chainId: must be the new member's chainId 2, got 1");
    expect(refusal(() => ex.addMember(next, [newcomer, newcomer]))).toBe("accounts[1].index: account 0 appears twice");
    expect(ex.roots()).toEqual(roots); // nothing changed by a refusal
    expect(ex.inst.members).toBe(2);

    const { chainId, genesisRoot } = ex.addMember(next, [newcomer]);
    expect(chainId).toBe(2);
    expect(ex.inst).toBe(next);
    expect(ex.roots()).toEqual([...roots, genesisRoot]);
    ex.admit(fx.sign(sendOp(0, 2, 0n, 0n, 30n, 1n))); // chain 0 leaf 0 -> the new member's leaf 0
    const b1 = ex.close();
    expect(b1.header).toMatchObject({ batchIndex: 1n, firstTick: 2, oldRoots: [...b0.header.newRoots, genesisRoot] });
    expect(b1.header.oldRootsCommitment).toBe(fx.state.rootsCommitment([...b0.header.newRoots, genesisRoot]));
    expect((b1.input.oldRoots as string[]).length).toBe(3); // the circuit input is of the N + 1 instance
    expect(fx.state.account(2, 0n)).toMatchObject({ balance: 30n, nonce: 0n });
  });
});
