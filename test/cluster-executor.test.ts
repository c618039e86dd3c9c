import { describe, expect, it } from "vitest";
import { ClusterExecutor } from "../src/executor/cluster-executor.js";
import { makeCluster, sendOp, transferOp } from "./helpers/cluster-fixture.js";

describe("ClusterExecutor (N = 2, D = 4, B = 3, Δ = 2)", () => {
  it("delivers each SEND at the next tick and closes batches drained, with continuing ticks and roots", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 3, 2);
    ex.submit(fx.sign(sendOp(0, 1, 0n, 1n, 100n, 0n)));   // tick 1: SEND (+ reserved RECEIVE)
    ex.submit(fx.sign(transferOp(1, 0n, 1n, 10n, 0n)));   // tick 1: TRANSFER -> 3 slots used in batch 0
    ex.submit(fx.sign(sendOp(1, 0, 1n, 0n, 5n, 0n)));     // does not fit batch 0 -> batch 1
    const b0 = ex.nextBatch()!;
    expect(b0.header).toMatchObject({ batchIndex: 0n, firstTick: 1, lastTick: 2 });
    expect(b0.slots.map((s) => [Number(s.opType), Number(s.tick)])).toEqual([[2, 1], [1, 1], [3, 2]]);
    const b1 = ex.nextBatch()!;
    expect(b1.header).toMatchObject({ batchIndex: 1n, firstTick: 3, lastTick: 4, oldRoots: b0.header.newRoots });
    expect(b1.messages).toEqual([{ srcChain: 1, dstChain: 0, seq: 0n, sendTick: 3, recipient: 0n, tokenId: 1n, amount: 5n, dataHash: 7n }]);
    expect(ex.nextBatch()).toBeUndefined();
    // balances: chain 0 leaf 0: 1000 - 100 + 5; chain 1 leaf 1: 50 + 100 + 10 - 5
    expect(fx.state.account(0, 0n)?.balance).toBe(905n);
    expect(fx.state.account(1, 1n)?.balance).toBe(155n);
    expect(fx.state.account(1, 0n)).toMatchObject({ balance: 990n, nonce: 1n });
    expect(fx.state.roots()).toEqual(b1.header.newRoots);
  });

  it("numbers messages per ordered pair and receives within Δ", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 4, 2);
    ex.submit(fx.sign(sendOp(0, 1, 0n, 1n, 1n, 0n)));
    ex.submit(fx.sign(sendOp(0, 1, 0n, 1n, 2n, 1n)));
    const b = ex.nextBatch()!;
    expect(b.messages.map((m) => m.seq)).toEqual([0n, 1n]);
    for (const s of b.slots.filter((s) => s.opType === 3n)) expect(s.tick - s.msgSendTick).toBeLessThanOrEqual(BigInt(ex.deltaTicks));
  });

  it("rejects bad operations with the field at fault; the valid ones still execute", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 4, 2);
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5000n, 0n)));             // overdraft
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5n, 7n)));                // wrong nonce
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5n, 0n), fx.keys[1]));    // bad signature
    ex.submit(fx.sign(transferOp(0, 0n, 1n, 5n, 0n)));                // valid
    const b = ex.nextBatch()!;
    expect(ex.rejected).toEqual([
      { position: 0, field: "amount", reason: "overdraft: balance 1000" },
      { position: 1, field: "nonce", reason: "expected 0, got 7" },
      { position: 2, field: "signature", reason: expect.stringContaining("EdDSA") },
    ]);
    expect(b.slots).toHaveLength(1);
    expect(fx.state.account(0, 1n)?.balance).toBe(55n);
  });

  it("keeps the RECEIVE slot of an in-flight message free (B = 2: a SEND fills its batch)", async () => {
    const fx = await makeCluster(2, 4);
    const ex = new ClusterExecutor(fx.state, 2, 2);
    ex.submit(fx.sign(sendOp(0, 1, 0n, 1n, 1n, 0n)));
    ex.submit(fx.sign(transferOp(1, 0n, 1n, 1n, 0n)));
    const b0 = ex.nextBatch()!;
    expect(b0.slots.map((s) => s.opType)).toEqual([2n, 3n]);
    const b1 = ex.nextBatch()!;
    expect(b1.slots.map((s) => s.opType)).toEqual([1n]);
    expect(b1.header).toMatchObject({ firstTick: 3, lastTick: 3 });
  });
});
