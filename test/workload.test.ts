import { describe, expect, it } from "vitest";
import { EddsaSigner } from "../src/crypto/eddsa.js";
import { getPoseidon } from "../src/crypto/poseidon.js";
import { loadInstance } from "../src/circuits/manifest.js";
import { openCluster, type ClosedBatchInput } from "../src/core/open-cluster.js";
import { admitLines } from "../src/pipeline/settlement-run.js";
import type { RejectedLine } from "../src/pipeline/run-report.js";
import { generateDevKeys, nativeDevToken } from "../src/workload/dev-keys.js";
import { genesisOf, loadGenesis, writeJson } from "../src/protocol/genesis.js";
import { SCALAR_FIELD } from "../src/crypto/field.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeOperation, isMalformed } from "../src/protocol/operation-codec.js";
import { FAULT_KINDS, generateWorkload } from "../src/workload/workload-generator.js";
import { batchPubdata } from "../src/circuits/batch-input.js";
import { decodeBatchPubdata } from "../src/protocol/pubdata.js";

const base = { crossChainShare: 0.4, zipfExponent: 1.1, maxAmount: 1000n, seed: "test" };

async function devCluster(members: number, accounts: number) {
  const signer = await EddsaSigner.create();
  const keys = generateDevKeys(signer, { members, accounts, balance: 5000n, tokenId: 1n, seed: "test" });
  return { signer, keys, poseidon: await getPoseidon() };
}

describe("workload generator", () => {
  it("is deterministic in its seed, at least 30% cross-chain, and skewed toward popular accounts", async () => {
    const { signer, keys, poseidon } = await devCluster(4, 16);
    const w = generateWorkload(keys, signer, poseidon, { ...base, operations: 200, faults: false });
    expect(generateWorkload(keys, signer, poseidon, { ...base, operations: 200, faults: false }).lines).toEqual(w.lines);
    expect(w.lines).toHaveLength(200);
    expect(w.sends / 200).toBeGreaterThanOrEqual(0.3);
    const senders = new Map<bigint, number>();
    for (const line of w.lines) {
      const op = decodeOperation(line, 0);
      if (isMalformed(op)) throw new Error(op.reason);
      senders.set(op.from, (senders.get(op.from) ?? 0) + 1);
    }
    const counts = [...senders.values()].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(3 * counts[Math.floor(counts.length / 2)]); // Zipf: the hottest account dominates the median
  });

  it("every valid line executes; each fault line is rejected naming its field, in file order", async () => {
    const { signer, keys, poseidon } = await devCluster(2, 8);
    const w = generateWorkload(keys, signer, poseidon, { ...base, operations: 30, faults: true });
    expect(w.faults.map((f) => f.kind)).toEqual(Object.keys(FAULT_KINDS));
    const cluster = await openCluster(loadInstance("test"), genesisOf(keys));
    const batches: ClosedBatchInput[] = [];
    const rejected: RejectedLine[] = [];
    let accepted = 0;
    admitLines(
      w.lines.map((text, i) => ({ text, line: i + 1 })),
      (op) => {
        cluster.admit(op);
        accepted++;
        if (cluster.full) batches.push(cluster.close());
      },
      (_line, r) => {
        if (r) rejected.push(r);
      },
    );
    if (cluster.openSize > 0) batches.push(cluster.close());
    expect(accepted).toBe(30);
    expect(batches.flatMap((b) => b.messages).length).toBe(30); // one message per operation (a TRANSFER's to its own chain)
    expect(rejected.map((r) => ({ line: r.line, field: r.field }))).toEqual(w.faults.map((f) => ({ line: f.line, field: f.field })));
    // batches chain: each starts at the previous one's new roots and ticks
    batches.forEach((b, i) => {
      expect(b.header.batchIndex).toBe(BigInt(i));
      if (i > 0) {
        expect(b.header.oldRoots).toEqual(batches[i - 1].header.newRoots);
        expect(b.header.firstTick).toBe(batches[i - 1].header.lastTick + 1);
      }
    });
    expect(batches.at(-1)!.header.newRoots).toEqual(cluster.roots());
  });

  it("with a cluster-native token in the keys: opens with its MINT and a SEND of half of it; every line executes, and the ETH leaves alone move otherwise", async () => {
    const signer = await EddsaSigner.create();
    const keys = generateDevKeys(signer, { members: 2, accounts: 8, balance: 5000n, tokenId: 1n, seed: "test", nativeToken: true });
    const native = nativeDevToken(8);
    expect(keys.accounts.filter((a) => a.tokenId === native.tokenId).map((a) => [a.chainId, a.index])).toEqual([
      [0, 8n],
      [0, 9n],
      [1, 9n],
    ]);
    // the users' keys do not depend on the option
    expect(generateDevKeys(signer, { members: 2, accounts: 8, balance: 5000n, tokenId: 1n, seed: "test" }).accounts).toEqual(keys.accounts.slice(0, 16));
    const w = generateWorkload(keys, signer, await getPoseidon(), { ...base, operations: 20, faults: false });
    const ops = w.lines.map((line, i) => decodeOperation(line, i + 1));
    expect(ops.slice(0, 2)).toMatchObject([
      { type: "MINT", chainId: 0, from: 8n, to: 9n, tokenId: native.tokenId, amount: 1_000_000n },
      { type: "SEND", chainId: 0, dstChain: 1, from: 9n, to: 9n, tokenId: native.tokenId, amount: 500_000n },
    ]);
    expect(ops.slice(2).every((op) => !isMalformed(op) && op.tokenId === 1n)).toBe(true);
    expect(w.mints).toBe(1);
    const inst = loadInstance("circuit-test");
    const cluster = await openCluster(inst, genesisOf(keys));
    const batches: ClosedBatchInput[] = [];
    for (const op of ops) {
      if (isMalformed(op)) throw new Error(op.reason);
      cluster.admit(op); // throws on a refusal
      if (cluster.full) batches.push(cluster.close());
    }
    const first = decodeBatchPubdata(batchPubdata(batches[0].slots, inst.slots, batches[0].header.lastTick, inst.depth));
    expect(first.slice(0, 2)).toMatchObject([
      { isMint: true, srcChain: 0, fromIndex: 8n, inRecipient: 9n, inAmount: 1_000_000n },
      { isMint: false, srcChain: 0, dstChain: 1, inDstChain: 1, inRecipient: 9n, inTokenId: native.tokenId, inAmount: 500_000n },
    ]);
  });

  it("refuses a genesis file with a public key coordinate >= r, naming the file and the field", async () => {
    const { keys } = await devCluster(2, 2);
    const dir = mkdtempSync(join(tmpdir(), "genesis-field-"));
    const path = join(dir, "genesis.json");
    const genesis = genesisOf(keys);
    writeJson(path, { ...genesis, accounts: [{ ...genesis.accounts[0], ax: SCALAR_FIELD }, ...genesis.accounts.slice(1)] });
    expect(() => loadGenesis(path)).toThrow(/^genesis .*genesis\.json: accounts\[0\]\.ax: must be below the BN254 scalar field order r/);
    writeJson(path, genesis);
    expect(loadGenesis(path).accounts).toHaveLength(genesis.accounts.length);
  });

  it("rejects a genesis whose member count differs from the instance's, naming the field", async () => {
    const { keys } = await devCluster(3, 4);
    await expect(openCluster(loadInstance("test"), genesisOf(keys))).rejects.toThrow(/^genesis\.members: 3/);
  });
});
