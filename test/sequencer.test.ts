import { describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loadInstance } from "../src/circuits/manifest.js";
import type { SignedOperation } from "../src/protocol/operation.js";
import { Sequencer } from "../src/core/sequencer.js";
import { ClusterStore } from "../src/store/cluster-store.js";
import { parseOperation } from "../src/protocol/operation-codec.js";
import { signedOperations, tempDir } from "./helpers/service-fixture.js";

const inst = loadInstance("test"); // N = 2, D = 4, B = 2
const policy = { tickDeadlineMs: 3_600_000 };

describe("service sequencer: recovery by replay of the store", () => {
  it("rebuilds the same roots, closed batches and open tick; refuses a store whose operation was edited", async () => {
    const { genesis, operations } = await signedOperations(inst, 5, "sequencer-test");
    const path = join(tempDir("sequencer"), "service.sqlite");
    const store = new ClusterStore(path);
    const closed: number[] = [];
    const first = await Sequencer.recover(inst, genesis, store, policy, (i) => closed.push(i));
    for (const raw of operations) first.admit(parseOperation(raw) as SignedOperation);
    expect(closed).toEqual([0, 1]);
    expect(first.openSize).toBe(1);
    const roots = first.roots();
    store.close();

    const reopened = new ClusterStore(path);
    const again = await Sequencer.recover(inst, genesis, reopened, policy, () => {
      throw new Error("no batch closes during recovery");
    });
    expect(again.roots()).toEqual(roots);
    expect(again.openBatchIndex).toBe(2);
    expect(again.openSize).toBe(1);
    expect(again.admit(parseOperation(operations[0]) as SignedOperation)).toMatchObject({ seq: 0, duplicate: true });
    reopened.close();

    // Signatures are not checked again on replay; the stored headers are, so an edited operation is caught.
    const db = new Database(path);
    const body = JSON.parse((db.prepare("SELECT body FROM operations WHERE seq = 0").get() as { body: string }).body);
    db.prepare("UPDATE operations SET body = ? WHERE seq = 0").run(JSON.stringify({ ...body, amount: "1" }));
    db.close();
    const tampered = new ClusterStore(path);
    await expect(Sequencer.recover(inst, genesis, tampered, policy, () => {})).rejects.toThrow(/^store: replaying batch 0 gives roots commitment/);
    tampered.close();
  });
});

describe("service sequencer: heartbeat batches", () => {
  it("closes an empty batch only when nothing is open, stores it between the others, and recovery replays it", async () => {
    const { genesis, operations } = await signedOperations(inst, 3, "heartbeat-test");
    const path = join(tempDir("heartbeat"), "service.sqlite");
    const store = new ClusterStore(path);
    const closed: number[] = [];
    const seq = await Sequencer.recover(inst, genesis, store, policy, (i) => closed.push(i));
    expect(seq.closeHeartbeat()).toBe(0); // batch 0: NOOPs only, the genesis roots on both sides
    expect(store.header(0)).toMatchObject({ oldRoots: seq.genesisRoots, newRoots: seq.genesisRoots });
    seq.admit(parseOperation(operations[0]) as SignedOperation);
    expect(seq.closeHeartbeat()).toBeUndefined(); // an operation is open: it closes with it, not empty
    seq.admit(parseOperation(operations[1]) as SignedOperation); // B = 2: batch 1 closes full
    expect(seq.closeHeartbeat()).toBe(2);
    expect(closed).toEqual([0, 1, 2]);
    expect(store.operationsOfBatch(0)).toEqual([]);
    expect(store.operationsOfBatch(1).map((o) => o.seq)).toEqual([0, 1]);
    expect(store.unsettledOperationCount()).toBe(2);
    const roots = seq.roots();
    store.close();

    const reopened = new ClusterStore(path);
    const again = await Sequencer.recover(inst, genesis, reopened, policy, () => {
      throw new Error("no batch closes during recovery");
    });
    expect(again.openBatchIndex).toBe(3);
    expect(again.roots()).toEqual(roots);
    expect(reopened.header(2)!.oldRoots).toEqual(roots);
    reopened.close();
  });
});
