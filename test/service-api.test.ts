import { SCALAR_FIELD } from "../src/crypto/field.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "ethers";
import * as snarkjs from "snarkjs";
import { devnetProvider } from "../src/l1/anvil.js";
import { ProverService } from "../src/service/prover-service.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { expectedRoots, getJson, postOperations, quietLogger, signedOperations, tempDir, waitFor } from "./helpers/service-fixture.js";

const QUEUE_LIMIT = 6;
let prepared: PreparedInstance;
let service: ProverService;
let url: string;
let dataDir: string;
let ops: Record<string, unknown>[];
let genesis: Awaited<ReturnType<typeof signedOperations>>["genesis"];
/** Ids of every operation the API accepted, in acceptance order. */
const acceptedIds: string[] = [];

beforeAll(async () => {
  prepared = await preparedTestInstance();
  ({ genesis, operations: ops } = await signedOperations(prepared.inst, 24));
  dataDir = tempDir("service-api");
  service = await ProverService.start(
    {
      dataDir,
      genesis,
      workers: 2,
      singleThread: true,
      tickDeadlineMs: 300,
      settleBatches: 4,
      queueLimit: QUEUE_LIMIT,
      rpcRetryMinMs: 100,
      rpcRetryMaxMs: 1000,
    },
    { host: "127.0.0.1", port: 0, maxOperationsPerRequest: 8, bodyLimitBytes: 64 * 1024 },
    prepared,
    quietLogger(),
  );
  await service.whenReconciled();
  url = service.url;
}, 600_000);

afterAll(async () => {
  await service?.stop();
  await terminateCurve();
});

async function onChainRoots(): Promise<bigint[]> {
  const status = (await getJson<{ settlement: string; rpcUrl: string }>(`${url}/v1/status`)).body;
  const provider = devnetProvider(status.rpcUrl);
  try {
    return [...((await new Contract(status.settlement, prepared.contracts.settlement.abi as never, provider).currentRoots()) as bigint[])];
  } finally {
    provider.destroy();
  }
}

describe("prover service HTTP API (real HTTP on loopback, own anvil)", () => {
  it("accepts signed operations, proves and settles them; every route reports them", async () => {
    expect((await getJson(`${url}/healthz`)).status).toBe(200);
    expect((await getJson(`${url}/readyz`)).body).toEqual({ ready: true, reasons: [] });

    const first = await postOperations(url, ops.slice(0, 2));
    expect(first.status).toBe(202);
    expect(first.body.rejected).toEqual([]);
    const ids = first.body.accepted!.map((a) => a.id);
    acceptedIds.push(...ids);
    const again = await postOperations(url, [ops[0]]);
    expect(again.status).toBe(202);
    expect(again.body.accepted).toEqual([{ index: 0, id: ids[0], seq: 0, duplicate: true }]);

    const settled = await waitFor(
      "operation settled",
      async () => {
        const r = await getJson<{ status: string; batchIndex: number; settlementTx: string }>(`${url}/v1/operations/${ids[1]}`);
        return r.body.status === "settled" ? r.body : undefined;
      },
      60_000,
    );
    const batch = await getJson<{ status: string; operations: string[]; newRoots: string[] }>(`${url}/v1/batches/${settled.batchIndex}`);
    expect(batch.body.status).toBe("settled");
    expect(batch.body.operations).toEqual(ids);
    const proof = await getJson<{ proof: snarkjs.Groth16Proof; publicSignals: string[] }>(`${url}/v1/batches/${settled.batchIndex}/proof`);
    expect(await snarkjs.groth16.verify(prepared.keys.vkey, proof.body.publicSignals, proof.body.proof)).toBe(true);
    const tx = await getJson<{ status: string; batches: number[]; gasUsed: string }>(`${url}/v1/settlements/${settled.settlementTx}`);
    expect(tx.body.status).toBe("mined");
    expect(tx.body.batches).toContain(settled.batchIndex);
    expect(Number(tx.body.gasUsed)).toBeGreaterThan(0);

    expect((await onChainRoots()).map(String)).toEqual(batch.body.newRoots);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^cluster_operations_accepted_total 2$/m);
    expect(metrics).toMatch(/^cluster_batches_settled_total 1$/m);
    expect(metrics).toMatch(/^cluster_proof_duration_seconds_count\{phase="groth16"\} 1$/m);
    expect(metrics).toMatch(/^cluster_queue_depth\{stage="unsettled_operations"\} 0$/m);
  });

  it("rejects bad input with a 4xx naming the field, and keeps every operation accepted beside it", async () => {
    const op = ops[2];
    const cases: [unknown, number, string][] = [
      [{ operations: [{ ...op, amount: "12a" }] }, 400, "operations[0].amount"],
      [{ operations: [{ ...op, signature: undefined }] }, 400, "operations[0].signature"],
      [{ operations: [{ ...op, fee: "1" }] }, 400, "operations[0].fee"],
      [{ operations: [{ ...op, chainId: -1 }] }, 400, "operations[0].chainId"],
      [{ operations: [] }, 400, "operations"],
      [{ operations: Array(9).fill(op) }, 400, "operations"],
      [{ ops: [op] }, 400, "operations"],
      [{ operations: [op], ops: 1 }, 400, "ops"],
    ];
    for (const [body, status, field] of cases) {
      const res = await fetch(`${url}/v1/operations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = (await res.json()) as { field: string; reason: string };
      expect({ status: res.status, field: json.field }, JSON.stringify(json)).toEqual({ status, field });
      expect(json.reason.length).toBeGreaterThan(0);
    }
    const notJson = await fetch(`${url}/v1/operations`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"operations": [' });
    expect(notJson.status).toBe(400);
    const tooLarge = await fetch(`${url}/v1/operations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operations: [op], pad: "x".repeat(70_000) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { field: string }).field).toBe("body");

    // The scalar field order r itself (and anything above): past the schema, refused by the operation codec.
    const atR = await postOperations(url, [{ ...op, amount: SCALAR_FIELD.toString() }]);
    expect(atR.status).toBe(422);
    expect(atR.body.rejected![0]).toMatchObject({ field: "operations[0].amount", reason: "must be below the BN254 scalar field order r" });
    // Above the field modulus: past the schema, refused by the operation codec.
    const overModulus = await postOperations(url, [{ ...op, signature: { ...(op.signature as object), S: (1n << 254n).toString() } }]);
    expect(overModulus.status).toBe(422);
    expect(overModulus.body.rejected![0].field).toBe("operations[0].signature.S");

    // One valid, one replayed with a wrong nonce, one with a forged amount: only the first is executed and kept.
    const mixed = await postOperations(url, [op, { ...ops[0] }, { ...ops[3], amount: "1" }]);
    expect(mixed.status).toBe(422);
    expect(mixed.body.accepted!.map((a) => a.index)).toEqual([0, 1]); // index 1 is the duplicate of an accepted operation
    expect(mixed.body.rejected!.map((r) => r.field)).toEqual(["operations[2].signature"]);
    acceptedIds.push(mixed.body.accepted![0].id);
    const wrongNonce = await postOperations(url, [{ ...ops[3], nonce: "7" }]);
    expect(wrongNonce.body.rejected![0].field).toBe("operations[0].nonce");
    expect((await getJson(`${url}/v1/operations/${mixed.body.accepted![0].id}`)).status).toBe(200);

    expect((await getJson(`${url}/v1/operations/${"0".repeat(64)}`)).status).toBe(404);
    const badId = await getJson<{ field: string }>(`${url}/v1/operations/xyz`);
    expect(badId).toMatchObject({ status: 400, body: { field: "params.id" } });
    expect((await getJson(`${url}/v1/batches/999`)).status).toBe(404);
  });

  it("answers 429 while the bounded queue is full, never holds more than its bound, and settles all it accepted", async () => {
    let refused = 0;
    let maxUnsettled = 0;
    for (const op of ops.slice(3)) {
      const res = await postOperations(url, [op]);
      if (res.status === 429) {
        refused++;
        expect(res.body.field).toBe("operations");
      } else if (res.status === 202) {
        acceptedIds.push(res.body.accepted![0].id);
      } else {
        // A later operation of a sender whose earlier one was refused: its nonce is now ahead.
        expect(res.status).toBe(422);
        expect(res.body.rejected![0].field).toBe("operations[0].nonce");
      }
      const status = (await getJson<{ unsettledOperations: number }>(`${url}/v1/status`)).body;
      maxUnsettled = Math.max(maxUnsettled, status.unsettledOperations);
    }
    expect(refused).toBeGreaterThan(0);
    expect(maxUnsettled).toBeLessThanOrEqual(QUEUE_LIMIT);

    await waitFor(
      "every accepted operation settled",
      async () => (await getJson<{ unsettledOperations: number }>(`${url}/v1/status`)).body.unsettledOperations === 0,
      120_000,
      500,
    );
    const bodies: string[] = [];
    for (const id of acceptedIds) {
      const r = await getJson<{ status: string; operation: unknown }>(`${url}/v1/operations/${id}`);
      expect(r.body.status).toBe("settled");
      bodies.push(JSON.stringify(r.body.operation));
    }
    expect(await onChainRoots()).toEqual(await expectedRoots(prepared.inst, genesis, bodies));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^cluster_requests_refused_total\{reason="queue_full"\} [1-9]/m);
  });

  it("restarted on its own devnet (new at every start), deploys again and settles every stored proof again without proving", async () => {
    const before = (await getJson<{ batches: { settled: number }; settlement: string; roots: string[] }>(`${url}/v1/status`)).body;
    const config = service.config;
    await service.stop();
    service = await ProverService.start(config, { host: "127.0.0.1", port: 0, maxOperationsPerRequest: 8, bodyLimitBytes: 64 * 1024 }, prepared, quietLogger());
    url = service.url;
    await waitFor(
      "every stored batch settled again",
      async () => (await getJson<{ batches: { settled: number } }>(`${url}/v1/status`)).body.batches.settled === before.batches.settled,
      60_000,
      300,
    );
    expect((await onChainRoots()).map(String)).toEqual(before.roots);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).not.toMatch(/^cluster_proofs_total\{status="proved"\} [1-9]/m);
    expect(metrics).toMatch(new RegExp(`^cluster_batches_settled_total ${before.batches.settled}$`, "m"));
  });
});
