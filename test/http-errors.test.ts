import type { NodeStatus } from "../src/core/cluster-node.js";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildApi, type ApiBackend, type SubmitOutcome } from "../src/service/http-api.js";
import { NodeMetrics } from "../src/core/metrics.js";
import { quietLogger } from "./helpers/service-fixture.js";
import { FieldError } from "../src/config/field-error.js";

/** A backend whose answers each test sets: the API alone is under test here, not the service. */
function stubBackend(over: Partial<ApiBackend> = {}): ApiBackend {
  return {
    metrics: new NodeMetrics(() => ({ openOperations: 0, provingBatches: 0, provedBatches: 0, includedBatches: 0, unsettledOperations: 0, proofQueueJobs: 0 })),
    queueRoom: () => ({ unsettled: 0, limit: 10 }),
    submitOperations: (ops): SubmitOutcome => ({
      accepted: ops.map((_, index) => ({ index, id: "ab".repeat(32), seq: index, duplicate: false })),
      rejected: [],
    }),
    operation: () => undefined,
    batch: () => undefined,
    proof: () => undefined,
    settlement: () => undefined,
    batchEntries: () => undefined,
    claimSignatures: () => undefined,
    acceptClaimSignature: async () => {
      throw new Error("not reached");
    },
    status: () => ({}) as NodeStatus, // not read by these tests
    readiness: () => ({ ready: true, reasons: [] }),
    admissionRefusal: () => undefined,
    ...over,
  };
}

const LIMITS = { bodyLimitBytes: 2048, maxOperationsPerRequest: 2 };
const apps: FastifyInstance[] = [];
function api(over: Partial<ApiBackend> = {}): FastifyInstance {
  const app = buildApi(stubBackend(over), LIMITS, quietLogger());
  apps.push(app);
  return app;
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** A signed operation that passes the schema (the stub backend does not check signatures). */
const op = { type: "TRANSFER", chainId: 0, from: "1", to: "2", tokenId: "0", amount: "5", nonce: "0", signature: { R8x: "1", R8y: "2", S: "3" } };

/** Asserts the API's one error shape, `{ error, field, reason }` (strings, nothing else), and returns it. */
function errorBody(text: string): { error: string; field: string; reason: string } {
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["error", "field", "reason"]);
  for (const key of ["error", "field", "reason"]) expect(typeof body[key], key).toBe("string");
  return body as { error: string; field: string; reason: string };
}

describe("HTTP API: every error body is { error, field, reason }", () => {
  it("answers a governor's signed claim that is malformed, of an unclosed batch, or refused by the collector with 400/404 naming the field", async () => {
    const claim = { cluster: `0x${"ab".repeat(20)}`, batchIndex: "0", header: "18446744073709551616", newRootsCommitment: "7" };
    const signature = `0x${"11".repeat(65)}`;
    const entries = { batchIndex: 0, claim, entries: [] };
    const app = api({
      batchEntries: (i) => (i === 0 ? entries : undefined),
      acceptClaimSignature: async () => {
        throw new FieldError("signature", "its signer 0x1 holds no stake in epoch 0");
      },
    });
    const post = (url: string, payload: unknown) => app.inject({ method: "POST", url, payload: payload as object });
    const unclosed = await post("/v1/batches/5/signatures", { claim, signature });
    expect([unclosed.statusCode, errorBody(unclosed.body)]).toEqual([404, { error: "not_found", field: "batch", reason: "no batch 5" }]);
    const short = await post("/v1/batches/0/signatures", { claim, signature: "0x11" });
    expect([short.statusCode, errorBody(short.body).field]).toEqual([400, "signature"]);
    const extra = await post("/v1/batches/0/signatures", { claim: { ...claim, note: "x" }, signature });
    expect([extra.statusCode, errorBody(extra.body).field]).toEqual([400, "claim.note"]);
    const negative = await post("/v1/batches/0/signatures", { claim: { ...claim, batchIndex: "-1" }, signature });
    expect([negative.statusCode, errorBody(negative.body).field]).toEqual([400, "claim.batchIndex"]);
    const refused = await post("/v1/batches/0/signatures", { claim, signature });
    expect([refused.statusCode, errorBody(refused.body)]).toEqual([
      400,
      { error: "bad_request", field: "signature", reason: "its signer 0x1 holds no stake in epoch 0" },
    ]);
  });

  it("answers an unknown route or method with 404 naming the url, as for an unknown id", async () => {
    const app = api();
    for (const [method, url] of [
      ["GET", "/nope"],
      ["DELETE", "/v1/status"],
      ["POST", "/healthz?x=1"],
      ["GET", "/v1/batches/3/proofs"],
    ] as const) {
      const r = await app.inject({ method, url });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(errorBody(r.body)).toEqual({ error: "not_found", field: "url", reason: `no route ${method} ${url.replace(/\?.*$/, "")}` });
    }
    const unknownId = await app.inject({ method: "GET", url: `/v1/operations/${"0".repeat(64)}` });
    expect(unknownId.statusCode).toBe(404);
    expect(errorBody(unknownId.body)).toMatchObject({ error: "not_found", field: "operation" });
  });

  it("answers a body that is not application/json with 415 naming the content type (text/plain included)", async () => {
    const app = api();
    for (const [type, shown] of [
      ["application/xml", '"application/xml"'],
      ["text/plain", '"text/plain"'],
      ["application/x-www-form-urlencoded", '"application/x-www-form-urlencoded"'],
    ]) {
      const r = await app.inject({ method: "POST", url: "/v1/operations", headers: { "content-type": type }, payload: "operations=1" });
      expect(r.statusCode, type).toBe(415);
      expect(errorBody(r.body)).toEqual({ error: "unsupported_media_type", field: "content-type", reason: `${shown} is not accepted: send application/json` });
    }
    const untyped = await app.inject({ method: "POST", url: "/v1/operations", payload: Buffer.from("{}") });
    expect(untyped.statusCode).toBe(415);
    expect(errorBody(untyped.body).reason).toBe("a body without a content type is not accepted: send application/json");
    const json = await app.inject({
      method: "POST",
      url: "/v1/operations",
      headers: { "content-type": "application/json; charset=utf-8" },
      payload: JSON.stringify({ operations: [op] }),
    });
    expect(json.statusCode).toBe(202); // the one accepted type still works
  });

  it("answers bad JSON, schema errors, a bad URL and an over-long parameter with 400/414 naming the field", async () => {
    const app = api();
    const post = (payload: string) => app.inject({ method: "POST", url: "/v1/operations", headers: { "content-type": "application/json" }, payload });
    const badJson = await post('{"operations": [');
    expect(badJson.statusCode).toBe(400);
    expect(errorBody(badJson.body)).toMatchObject({ error: "bad_request", field: "body" });
    const empty = await post("");
    expect(empty.statusCode).toBe(400);
    expect(errorBody(empty.body)).toMatchObject({ error: "bad_request", field: "body" });
    const schema = await post(JSON.stringify({ operations: [{ ...op, amount: "-1" }] }));
    expect(schema.statusCode).toBe(400);
    expect(errorBody(schema.body)).toMatchObject({ error: "bad_request", field: "operations[0].amount" });
    const params = await app.inject({ method: "GET", url: "/v1/batches/x" });
    expect(params.statusCode).toBe(400);
    expect(errorBody(params.body)).toMatchObject({ error: "bad_request", field: "params.index" });
    const badUrl = await app.inject({ method: "GET", url: "/v1/operations/%zz" });
    expect(badUrl.statusCode).toBe(400);
    expect(errorBody(badUrl.body)).toMatchObject({ error: "bad_request", field: "url" });
    const longParam = await app.inject({ method: "GET", url: `/v1/operations/${"a".repeat(200)}` });
    expect(longParam.statusCode).toBe(414);
    expect(errorBody(longParam.body)).toMatchObject({ error: "bad_request", field: "url" });
  });

  it("answers 413, 429, 503 and 500 in the same shape", async () => {
    const big = await api().inject({
      method: "POST",
      url: "/v1/operations",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ operations: [op], pad: "x".repeat(4096) }),
    });
    expect(big.statusCode).toBe(413);
    expect(errorBody(big.body)).toEqual({ error: "payload_too_large", field: "body", reason: "larger than 2048 bytes" });

    const full = await api({ queueRoom: () => ({ unsettled: 10, limit: 10 }) }).inject({
      method: "POST",
      url: "/v1/operations",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ operations: [op] }),
    });
    expect(full.statusCode).toBe(429);
    expect(full.headers["retry-after"]).toBe("5");
    expect(errorBody(full.body)).toMatchObject({ error: "queue_full", field: "operations" });

    const refused = await api({ admissionRefusal: () => "batch 3 cannot be proved: boom" }).inject({
      method: "POST",
      url: "/v1/operations",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ operations: [op] }),
    });
    expect(refused.statusCode).toBe(503);
    expect(errorBody(refused.body)).toEqual({ error: "not_ready", field: "", reason: "batch 3 cannot be proved: boom" });

    const broken = await api({
      submitOperations: () => {
        throw new Error("disk on fire");
      },
    }).inject({ method: "POST", url: "/v1/operations", headers: { "content-type": "application/json" }, payload: JSON.stringify({ operations: [op] }) });
    expect(broken.statusCode).toBe(500);
    expect(errorBody(broken.body)).toEqual({ error: "internal", field: "", reason: "disk on fire" });
  });

  it("admits operations while not ready for a reason that does not refuse them (reconciling with L1)", async () => {
    const app = api({ readiness: () => ({ ready: false, reasons: ["reconciling settlements with L1"] }) });
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ ready: false, reasons: ["reconciling settlements with L1"] });
    const posted = await app.inject({
      method: "POST",
      url: "/v1/operations",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ operations: [op] }),
    });
    expect(posted.statusCode).toBe(202);
  });

  it("answers a request that is not HTTP, and one that arrives while the server closes, in the same shape (real socket)", async () => {
    const app = api();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    app.get("/test/slow", async () => {
      entered();
      await gate;
      return { ok: true };
    });
    const port = Number(new URL(await app.listen({ host: "127.0.0.1", port: 0 })).port);

    const exchange = async (send: (write: (text: string) => void) => Promise<void>): Promise<string> => {
      const socket = connect(port, "127.0.0.1");
      let received = "";
      socket.on("data", (d) => (received += d));
      socket.on("error", () => {
        /* the server destroys the socket after answering */
      });
      const closed = new Promise((r) => socket.on("close", r));
      await new Promise((r) => socket.once("connect", r));
      await send((text) => socket.write(text));
      await closed;
      return received;
    };
    const bodyOf = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);

    const garbage = await exchange(async (write) => write("NOT HTTP AT ALL\r\n\r\n"));
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(errorBody(bodyOf(garbage))).toMatchObject({ error: "bad_request", field: "request" });

    // A request pipelined behind a slow one on a kept-alive connection reaches the server after close() began.
    let closing: Promise<void> | undefined;
    const both = await exchange(async (write) => {
      write("GET /test/slow HTTP/1.1\r\nHost: t\r\n\r\n");
      await inHandler;
      closing = app.close();
      await new Promise((r) => setTimeout(r, 50));
      write("GET /v1/status HTTP/1.1\r\nHost: t\r\n\r\n");
      await new Promise((r) => setTimeout(r, 50));
      release();
    });
    await closing;
    const second = both.slice(both.indexOf("HTTP/1.1", 1));
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(errorBody(bodyOf(second))).toEqual({ error: "closing", field: "", reason: "the service is stopping" });
  });
});
