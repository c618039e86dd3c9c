import { signedOperationJsonSchema } from "../protocol/operation-codec.js";

/**
 * JSON schemas of the prover service's HTTP API (fastify validates every request and serializes
 * every response with them). Numbers that can exceed 2^53 (field elements, amounts) travel as
 * decimal strings; a safe integer is accepted too.
 */

/** A signed TRANSFER or SEND, as `cluster-settle workload` writes it (one JSONL line): derived from the one zod schema. */
export const signedOperationSchema = signedOperationJsonSchema();

/** POST /v1/operations body: one or more signed operations, executed in array order. */
export function submitOperationsBody(maxOperations: number) {
  return {
    type: "object",
    additionalProperties: false,
    required: ["operations"],
    properties: { operations: { type: "array", minItems: 1, maxItems: maxOperations, items: signedOperationSchema } },
  } as const;
}

const fieldError = {
  type: "object",
  required: ["error", "field", "reason"],
  properties: { error: { type: "string" }, field: { type: "string" }, reason: { type: "string" } },
} as const;

/** Response of POST /v1/operations (202 all accepted, 422 some rejected: the accepted ones are stored). */
export const submitOperationsResponse = {
  type: "object",
  properties: {
    accepted: {
      type: "array",
      items: {
        type: "object",
        properties: { index: { type: "integer" }, id: { type: "string" }, seq: { type: "integer" }, duplicate: { type: "boolean" } },
      },
    },
    rejected: {
      type: "array",
      items: { type: "object", properties: { index: { type: "integer" }, field: { type: "string" }, reason: { type: "string" } } },
    },
  },
} as const;

/** Every 4xx/5xx body: what went wrong, the field at fault, why. */
export const errorResponse = fieldError;

export const operationIdParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: { type: "string", pattern: "^[0-9a-f]{64}$" } },
} as const;

export const batchIndexParams = {
  type: "object",
  required: ["index"],
  additionalProperties: false,
  properties: { index: { type: "string", pattern: "^[0-9]{1,9}$" } },
} as const;

export const settlementIdParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: { type: "string", pattern: "^([0-9]{1,9}|0x[0-9a-fA-F]{64})$" } },
} as const;

export const operationResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    seq: { type: "integer" },
    status: { type: "string", enum: ["open", "proving", "proved", "included", "settled"] },
    batchIndex: { type: ["integer", "null"] },
    settlementTx: { type: ["string", "null"] },
    acceptedAt: { type: "string" },
    operation: { type: "object", additionalProperties: true },
  },
} as const;

export const batchResponse = {
  type: "object",
  properties: {
    batchIndex: { type: "integer" },
    status: { type: "string" },
    tick: { type: "integer" },
    operations: { type: "array", items: { type: "string" } },
    oldRootsCommitment: { type: "string" },
    newRootsCommitment: { type: "string" },
    newRoots: { type: "array", items: { type: "string" } },
    proved: { type: "boolean" },
    proveMs: { type: ["number", "null"] },
    settlementTx: { type: ["string", "null"] },
    closedAt: { type: "string" },
    fastConfirmedAt: { type: ["string", "null"] },
  },
} as const;

const claimSchema = {
  type: "object",
  required: ["cluster", "batchIndex", "header", "newRootsCommitment"],
  additionalProperties: false,
  properties: {
    cluster: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" },
    batchIndex: { type: "string", pattern: "^(0|[1-9][0-9]{0,19})$" },
    header: { type: "string", pattern: "^(0|[1-9][0-9]{0,77})$" },
    newRootsCommitment: { type: "string", pattern: "^(0|[1-9][0-9]{0,77})$" },
  },
} as const;

/** GET /v1/batches/:index/entries: what a governor re-executes (canonical JSON of each operation and deposit, in order). */
export const batchEntriesResponse = {
  type: "object",
  properties: {
    batchIndex: { type: "integer" },
    claim: claimSchema,
    entries: { type: "array", items: { type: "string" } },
  },
} as const;

/** POST /v1/batches/:index/signatures: one governor's EIP-712 signed claim. */
export const claimSignatureBody = {
  type: "object",
  required: ["claim", "signature"],
  additionalProperties: false,
  properties: { claim: claimSchema, signature: { type: "string", pattern: "^0x[0-9a-fA-F]{130}$" } },
} as const;

const fastConfirmationSchema = {
  type: ["object", "null"],
  properties: { epoch: { type: "string" }, signedStake: { type: "string" }, totalStake: { type: "string" }, confirmedAt: { type: "string" } },
} as const;

export const claimSignatureResponse = {
  type: "object",
  properties: {
    batchIndex: { type: "integer" },
    signer: { type: "string" },
    matches: { type: "boolean" },
    recorded: { type: "boolean" },
    signedStake: { type: "string" },
    totalStake: { type: "string" },
    fastConfirmed: { type: "boolean" },
  },
} as const;

/** GET /v1/batches/:index/signatures. */
export const claimSignaturesResponse = {
  type: "object",
  properties: {
    batchIndex: { type: "integer" },
    claim: claimSchema,
    signatures: {
      type: "array",
      items: {
        type: "object",
        properties: {
          signer: { type: "string" },
          claim: claimSchema,
          signature: { type: "string" },
          matches: { type: "boolean" },
          stake: { type: "string" },
          receivedAt: { type: "string" },
        },
      },
    },
    fastConfirmation: fastConfirmationSchema,
  },
} as const;

export const proofResponse = {
  type: "object",
  properties: {
    batchIndex: { type: "integer" },
    instance: { type: "string" },
    proof: { type: "object", additionalProperties: true },
    publicSignals: { type: "array", items: { type: "string" } },
    witnessMs: { type: "number" },
    proveMs: { type: "number" },
    provedAt: { type: "string" },
  },
} as const;

export const settlementResponse = {
  type: "object",
  properties: {
    id: { type: "integer" },
    txHash: { type: "string" },
    nonce: { type: "integer" },
    from: { type: "string" },
    batches: { type: "array", items: { type: "integer" } },
    status: { type: "string" },
    gasUsed: { type: ["string", "null"] },
    blockNumber: { type: ["integer", "null"] },
    error: { type: ["string", "null"] },
  },
} as const;

export const statusResponse = {
  type: "object",
  properties: {
    instance: { type: "string" },
    members: { type: "integer" },
    slots: { type: "integer" },
    deltaTicks: { type: "integer" },
    settlement: { type: "string" },
    registry: { type: "string" },
    governance: { type: "string" },
    rpcUrl: { type: "string" },
    proofQueue: { type: "string" },
    confirmations: { type: "integer" },
    operations: { type: "integer" },
    unsettledOperations: { type: "integer" },
    queueLimit: { type: "integer" },
    openBatch: { type: "object", properties: { batchIndex: { type: "integer" }, operations: { type: "integer" } } },
    batches: {
      type: "object",
      properties: { proving: { type: "integer" }, proved: { type: "integer" }, included: { type: "integer" }, settled: { type: "integer" } },
    },
    roots: { type: "array", items: { type: "string" } },
    settledRoots: { type: "array", items: { type: "string" } },
    memberAdditions: {
      type: "array",
      items: { type: "object", properties: { chainId: { type: "integer" }, atBatch: { type: "integer" }, instance: { type: "string" } } },
    },
    removedMembers: {
      type: "array",
      items: { type: "object", properties: { chainId: { type: "integer" }, atBatch: { type: "integer" } } },
    },
    pendingMemberChange: {
      type: ["object", "null"],
      properties: {
        proposal: { type: "string" },
        kind: { type: "string" },
        atBatch: { type: "integer" },
        instance: { type: "string" },
        chainId: { type: "integer" },
        executableAt: { type: "integer" },
      },
    },
  },
} as const;

export const readinessResponse = {
  type: "object",
  properties: { ready: { type: "boolean" }, reasons: { type: "array", items: { type: "string" } } },
} as const;
