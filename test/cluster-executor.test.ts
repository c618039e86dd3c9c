import { describe, expect, it } from "vitest";
import { ClusterExecutor } from "../src/executor/cluster-executor.js";
import { makeCluster, sendOp, transferOp } from "./helpers/cluster-fixture.js";

describe("ClusterExecutor (N = 2, D = 4, Δ = 2)", () => {
  it("runs each operation in one slot (debit, then delivery in the same tick); at most B per batch; ticks and roots continue", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 3, 2);
    ex.submit(fx.sign(sendOp(0, 1, 0n, 1n, 100n, 0n)));   // chain 0 leaf 0 -> chain 1 leaf 1
    ex.submit(fx.sign(transferOp(1, 0n, 1n, 10n, 0n)));   // chain 1: leaf 0 -> leaf 1
    ex.submit(fx.sign(sendOp(1, 0, 1n, 0n, 5n, 0n)));     // chain 1 leaf 1 -> chain 0 leaf 0, spends what it received
    ex.submit(fx.sign(transferOp(0, 1n, 0n, 1n, 0n)));    // B = 3: next batch, next tick
    const b0 = ex.nextBatch()!;
    expect(b0.header).toMatchObject({ batchIndex: 0n, firstTick: 1, lastTick: 1 });
    expect(b0.slots.map((s) => [s.debitOn, s.creditOn, s.tick, s.srcChain, s.dstChain, s.inSrcChain, s.inDstChain]))
      .toEqual([[1n, 1n, 1n, 0n, 1n, 0n, 1n], [1n, 1n, 1n, 1n, 1n, 1n, 1n], [1n, 1n, 1n, 1n, 0n, 1n, 0n]]);
    expect(b0.messages[2]).toEqual({ srcChain: 1, dstChain: 0, seq: 0n, sendTick: 1, recipient: 0n, tokenId: 1n, amount: 5n, dataHash: 7n });
    expect(b0.positions).toEqual([0, 1, 2]);
    const b1 = ex.nextBatch()!;
    expect(b1.header).toMatchObject({ batchIndex: 1n, firstTick: 2, lastTick: 2, oldRoots: b0.header.newRoots });
    expect(b1.positions).toEqual([3]);
    expect(ex.nextBatch()).toBeUndefined();
    // chain 0: leaf 0 1000 - 100 + 5 + 1 = 906, leaf 1 50 - 1 = 49; chain 1: leaf 0 1000 - 10 = 990, leaf 1 50 + 100 + 10 - 5 = 155
    expect(fx.state.account(0, 0n)).toMatchObject({ balance: 906n, nonce: 1n });
    expect(fx.state.account(0, 1n)).toMatchObject({ balance: 49n, nonce: 1n });
    expect(fx.state.account(1, 0n)).toMatchObject({ balance: 990n, nonce: 1n });
    expect(fx.state.account(1, 1n)).toMatchObject({ balance: 155n, nonce: 1n });
    expect(fx.state.roots()).toEqual(b1.header.newRoots);
  });

  it("numbers messages per ordered pair, a TRANSFER's pair (c, c) included, across batches", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 2, 2);
    ex.submit(fx.sign(sendOp(0, 1, 0n, 1n, 1n, 0n)));
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 1n, 1n)));
    ex.submit(fx.sign(sendOp(0, 1, 0n, 1n, 2n, 2n)));
    const seqs = [ex.nextBatch()!, ex.nextBatch()!].flatMap((b) => b.messages.map((m) => `${m.srcChain}->${m.dstChain}#${m.seq}`));
    expect(seqs).toEqual(["0->1#0", "0->0#0", "0->1#1"]);
  });

  it("rejects bad operations with the field at fault; the valid ones still execute", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 4, 2);
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5000n, 0n)));             // overdraft
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5n, 7n)));                // wrong nonce
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5n, 0n), fx.keys[1]));    // bad signature
    ex.submit(fx.sign(sendOp(0, 1, 0n, 9n, 5n, 0n)));                 // unknown recipient on chain 1
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5n, 0n)));                // valid
    const b = ex.nextBatch()!;
    expect(ex.rejected).toEqual([
      { position: 0, field: "amount", reason: "overdraft: balance 1000" },
      { position: 1, field: "nonce", reason: "expected 0, got 7" },
      { position: 2, field: "signature", reason: expect.stringContaining("EdDSA") },
      { position: 3, field: "to", reason: "no account 9 on chain 1" },
    ]);
    expect(b.slots).toHaveLength(1);
    expect(b.positions).toEqual([4]);
    expect(fx.state.account(0, 1n)?.balance).toBe(55n);
  });

  it("makes no batch from operations that are all rejected", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 2, 2);
    const roots = fx.state.roots();
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5n, 3n)));
    expect(ex.nextBatch()).toBeUndefined();
    expect(ex.rejected).toHaveLength(1);
    expect(fx.state.roots()).toEqual(roots);
  });
});
