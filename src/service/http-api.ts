import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import {
  batchEntriesResponse,
  claimSignatureBody,
  claimSignatureResponse,
  claimSignaturesResponse,
  batchIndexParams,
  batchResponse,
  errorResponse,
  operationIdParams,
  operationResponse,
  proofResponse,
  readinessResponse,
  settlementIdParams,
  settlementResponse,
  statusResponse,
  submitOperationsBody,
  submitOperationsResponse,
} from "./api-schemas.js";
import type { NodeMetrics } from "../core/metrics.js";
import type { BatchView, OperationView, ProofView, SettlementView } from "./api-views.js";
import type { BatchEntriesView, ClaimSignaturesView } from "../governance/claim-views.js";
import type { NodeStatus } from "../core/cluster-node.js";
import type { SignatureReceipt, SignedClaimRequest } from "../governance/signature-collector.js";
import { FieldError } from "../config/field-error.js";

/** Outcome of POST /v1/operations. */
export interface SubmitOutcome {
  accepted: { index: number; id: string; seq: number; duplicate: boolean }[];
  /** `field` is the path in the request body, e.g. `operations[2].nonce`. */
  rejected: { index: number; field: string; reason: string }[];
}

/** What the HTTP API asks of the service (implemented by ClusterNode). */
export interface ApiBackend {
  readonly metrics: NodeMetrics;
  /** Room in the bounded queue: accepted operations not yet settled, and the bound. */
  queueRoom(): { unsettled: number; limit: number };
  /** Executes and stores operations in order; never throws for a bad operation (it is listed in `rejected`). */
  submitOperations(operations: unknown[]): SubmitOutcome;
  operation(id: string): OperationView | undefined;
  batch(index: number): BatchView | undefined;
  proof(index: number): ProofView | undefined;
  settlement(idOrHash: number | string): SettlementView | undefined;
  /** A closed batch's claim and entries (undefined: not closed). */
  batchEntries(index: number): BatchEntriesView | undefined;
  /** The signed claims received for a closed batch (undefined: not closed). */
  claimSignatures(index: number): ClaimSignaturesView | undefined;
  /** Checks and records a governor's signed claim. @throws FieldError naming the field when it is refused. */
  acceptClaimSignature(index: number, body: SignedClaimRequest): Promise<SignatureReceipt>;
  status(): NodeStatus;
  /** GET /readyz: ready, or the reasons it is not (each a sentence for an operator). */
  readiness(): { ready: boolean; reasons: string[] };
  /**
   * Why POST /v1/operations is refused now (HTTP 503), or undefined when operations are admitted.
   * Narrower than readiness: the service admits operations while it is not ready for some reasons
   * (e.g. while it reconciles settlements with L1 after a restart).
   */
  admissionRefusal(): string | undefined;
}

/** Limits of the HTTP API. */
export interface ApiLimits {
  /** Largest request body in bytes (HTTP 413 above). */
  bodyLimitBytes: number;
  /** Most operations in one POST /v1/operations (HTTP 400 above). */
  maxOperationsPerRequest: number;
}

/** `/operations/3/amount` → `operations[3].amount` (the field as a client wrote it). */
function fieldOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((acc, p) => (/^[0-9]+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "") || "body";
}

/**
 * The prover service's HTTP API on fastify: JSON schemas on every route (requests validated by
 * Ajv with no coercion and no silent removal of unknown fields; responses serialized by schema).
 * Every error body is `{ error, field, reason }`, fastify's own errors included: 400 schema (the
 * field path), bad JSON, bad URL or malformed HTTP; 404 unknown id, or no such route (`field`
 * "url"); 413 body too large; 415 a body that is not `application/json` (`field` "content-type");
 * 429 queue full (with Retry-After); 503 not ready, or the server is closing; 500 a bug (`field` "").
 * 422 (some operations rejected by the executor) is the outcome body, with `rejected[].field`.
 *
 * Routes: POST /v1/operations; GET /v1/operations/:id, /v1/batches/:index, /v1/batches/:index/proof,
 * /v1/batches/:index/entries (what a governor re-executes), /v1/batches/:index/signatures;
 * POST /v1/batches/:index/signatures (a governor's signed claim);
 * /v1/settlements/:id (id or transaction hash), /v1/status; GET /healthz, /readyz, /metrics.
 */
export function buildApi(backend: ApiBackend, limits: ApiLimits, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimitBytes,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: false } },
    // Errors fastify raises before routing (a URL it cannot decode, a path parameter over maxParamLength).
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      void reply.code(error.statusCode ?? 400).send({ error: "bad_request", field: "url", reason: error.message });
    },
    // A request that is not valid HTTP never reaches a route: answer it on the raw socket, in the same shape.
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (error.code === "ECONNRESET" || socket.destroyed) return;
      const [status, text, reason] =
        error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "Request Timeout", "the request did not arrive in time"]
          : error.code === "HPE_HEADER_OVERFLOW"
            ? [431, "Request Header Fields Too Large", "the request headers are too large"]
            : [400, "Bad Request", `not a valid HTTP request (${error.code ?? error.message})`];
      const body = JSON.stringify({ error: "bad_request", field: "request", reason });
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
    // Fastify's own 503 while closing has its own body: the onRequest hook below answers instead.
    return503OnClosing: false,
  });
  // The API reads JSON only: a text/plain body gets 415 like any other media type, not a schema error.
  app.removeContentTypeParser("text/plain");

  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onRequest", async (_request, reply) => {
    if (closing) return reply.code(503).header("connection", "close").send({ error: "closing", field: "", reason: "the service is stopping" });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: "not_found",
      field: "url",
      reason: `no route ${request.method} ${request.url.replace(/\?.*$/, "")}`,
    }),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation?.length) {
      const v = error.validation[0];
      const params = v.params as { missingProperty?: string; additionalProperty?: string };
      const field = fieldOf(v.instancePath, params.missingProperty ?? params.additionalProperty);
      const reason = params.additionalProperty
        ? "unknown field"
        : v.keyword === "anyOf"
          ? "must be a decimal integer string or a safe integer"
          : (v.message ?? "invalid");
      backend.metrics.requestsRefused.inc({ reason: "schema" });
      return reply
        .code(400)
        .send({ error: "bad_request", field: `${error.validationContext ?? "body"}${field === "body" ? "" : `.${field}`}`.replace(/^body\./, ""), reason });
    }
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      backend.metrics.requestsRefused.inc({ reason: "too_large" });
      return reply.code(413).send({ error: "payload_too_large", field: "body", reason: `larger than ${limits.bodyLimitBytes} bytes` });
    }
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      const type = request.headers["content-type"];
      return reply.code(415).send({
        error: "unsupported_media_type",
        field: "content-type",
        reason: `${type ? `"${type}"` : "a body without a content type"} is not accepted: send application/json`,
      });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: "bad_request", field: "body", reason: error.message });
    }
    logger.error({ err: error.message }, "request failed");
    return reply.code(500).send({ error: "internal", field: "", reason: error.message });
  });

  app.addHook("onResponse", async (request, reply) => {
    backend.metrics.httpRequests.inc({ route: request.routeOptions.url ?? "unknown", status: String(reply.statusCode) });
  });

  const errors = { 400: errorResponse, 404: errorResponse, 413: errorResponse, 429: errorResponse, 503: errorResponse };
  const notFound = (field: string, value: unknown) => ({ error: "not_found", field, reason: `no ${field} ${String(value)}` });

  app.post<{ Body: { operations: unknown[] } }>(
    "/v1/operations",
    {
      schema: {
        body: submitOperationsBody(limits.maxOperationsPerRequest),
        response: { 202: submitOperationsResponse, 422: submitOperationsResponse, ...errors },
      },
    },
    async (request, reply) => {
      const refusal = backend.admissionRefusal();
      if (refusal) return reply.code(503).send({ error: "not_ready", field: "", reason: refusal });
      const { unsettled, limit } = backend.queueRoom();
      const n = request.body.operations.length;
      if (unsettled + n > limit) {
        backend.metrics.requestsRefused.inc({ reason: "queue_full" });
        return reply
          .code(429)
          .header("retry-after", "5")
          .send({
            error: "queue_full",
            field: "operations",
            reason: `${unsettled} accepted operations are not settled yet; the queue holds ${limit}: retry later`,
          });
      }
      const outcome = backend.submitOperations(request.body.operations);
      return reply.code(outcome.rejected.length ? 422 : 202).send(outcome);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/operations/:id",
    { schema: { params: operationIdParams, response: { 200: operationResponse, ...errors } } },
    async (request, reply) => backend.operation(request.params.id) ?? reply.code(404).send(notFound("operation", request.params.id)),
  );

  app.get<{ Params: { index: string } }>(
    "/v1/batches/:index",
    { schema: { params: batchIndexParams, response: { 200: batchResponse, ...errors } } },
    async (request, reply) => backend.batch(Number(request.params.index)) ?? reply.code(404).send(notFound("batch", request.params.index)),
  );

  app.get<{ Params: { index: string } }>(
    "/v1/batches/:index/proof",
    { schema: { params: batchIndexParams, response: { 200: proofResponse, ...errors } } },
    async (request, reply) => backend.proof(Number(request.params.index)) ?? reply.code(404).send(notFound("proof of batch", request.params.index)),
  );

  app.get<{ Params: { index: string } }>(
    "/v1/batches/:index/entries",
    { schema: { params: batchIndexParams, response: { 200: batchEntriesResponse, ...errors } } },
    async (request, reply) => backend.batchEntries(Number(request.params.index)) ?? reply.code(404).send(notFound("batch", request.params.index)),
  );

  app.get<{ Params: { index: string } }>(
    "/v1/batches/:index/signatures",
    { schema: { params: batchIndexParams, response: { 200: claimSignaturesResponse, ...errors } } },
    async (request, reply) => backend.claimSignatures(Number(request.params.index)) ?? reply.code(404).send(notFound("batch", request.params.index)),
  );

  app.post<{ Params: { index: string }; Body: SignedClaimRequest }>(
    "/v1/batches/:index/signatures",
    { schema: { params: batchIndexParams, body: claimSignatureBody, response: { 202: claimSignatureResponse, ...errors } } },
    async (request, reply) => {
      const index = Number(request.params.index);
      if (!backend.batchEntries(index)) return reply.code(404).send(notFound("batch", request.params.index));
      try {
        return reply.code(202).send(await backend.acceptClaimSignature(index, request.body));
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        backend.metrics.requestsRefused.inc({ reason: "signature" });
        return reply.code(400).send({ error: "bad_request", field: e.field, reason: e.reason });
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/settlements/:id",
    { schema: { params: settlementIdParams, response: { 200: settlementResponse, ...errors } } },
    async (request, reply) => {
      const key = request.params.id.startsWith("0x") ? request.params.id.toLowerCase() : Number(request.params.id);
      return backend.settlement(key) ?? reply.code(404).send(notFound("settlement", request.params.id));
    },
  );

  app.get("/v1/status", { schema: { response: { 200: statusResponse } } }, async () => backend.status());

  app.get("/healthz", { schema: { response: { 200: { type: "object", properties: { ok: { type: "boolean" } } } } } }, async () => ({ ok: true }));

  app.get("/readyz", { schema: { response: { 200: readinessResponse, 503: readinessResponse } } }, async (_request, reply) => {
    const r = backend.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });

  app.get("/metrics", { schema: { response: { 200: { type: "string" } } } }, async (_request, reply) => {
    reply.header("content-type", backend.metrics.registry.contentType);
    return backend.metrics.registry.metrics();
  });

  return app;
}
