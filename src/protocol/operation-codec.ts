import { z } from "zod";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { L1Deposit, SignedOperation } from "./operation.js";
import { SCALAR_FIELD } from "../crypto/field.js";
import { toJson } from "./json.js";

/** A field element as a decimal string or a safe integer, < the BN254 scalar field order r (src/crypto/field.ts). */
const fieldElement = z
  .union([
    z
      .string()
      .regex(/^[0-9]+$/, "must be a decimal integer")
      .max(78, "must have at most 78 digits"),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((v) => BigInt(v))
  .refine((v) => v < SCALAR_FIELD, "must be below the BN254 scalar field order r");

/** A member chain id (the circuit's N is at most 8; 16 bits leave room). */
const chainId = z.number().int().nonnegative().max(65535);

/**
 * The signed operation, defined once: workload lines and API requests are read with it, and the HTTP
 * API's JSON Schema is derived from it (signedOperationJsonSchema). A WITHDRAW's `to` is the L1
 * address paid, as a decimal uint160 (the executor refuses 0 and 2^160 or more, naming `to`).
 */
const operationSchema = z
  .object({
    type: z.enum(["TRANSFER", "SEND", "WITHDRAW", "MINT"]),
    chainId,
    dstChain: chainId.optional(),
    from: fieldElement,
    to: fieldElement,
    tokenId: fieldElement,
    amount: fieldElement,
    nonce: fieldElement,
    dataHash: fieldElement.optional(),
    signature: z.object({ R8x: fieldElement, R8y: fieldElement, S: fieldElement }).strict(),
  })
  .strict();

/** A line of a workload file that could not be read as an operation. */
export interface MalformedLine {
  /** 1-based line number. */
  line: number;
  field: string;
  reason: string;
}

/**
 * Reads one JSONL line of a workload file: a signed TRANSFER, SEND, WITHDRAW or MINT with numbers as decimal strings
 * (or safe integers). `dstChain` defaults to `chainId` (TRANSFER), `dataHash` to 0.
 * @returns the operation, or the field at fault and why (the line is then skipped, nothing else lost).
 */
export function decodeOperation(text: string, line: number): SignedOperation | MalformedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { line, field: "(line)", reason: `not JSON: ${(e as Error).message}` };
  }
  const parsed = parseOperation(raw);
  return "reason" in parsed ? { line, ...parsed } : parsed;
}

/**
 * Reads a signed operation from parsed JSON (a workload line's or an API request's): numbers as
 * decimal strings or safe integers, each field element below the BN254 scalar field modulus.
 * @returns the operation, or the field at fault (path inside the object, e.g. `signature.S`) and why.
 */
export function parseOperation(raw: unknown): SignedOperation | { field: string; reason: string } {
  const parsed = operationSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { field: issue.path.join(".") || "(line)", reason: issue.message };
  }
  const o = parsed.data;
  return { ...o, dstChain: o.dstChain ?? o.chainId, dataHash: o.dataHash ?? 0n };
}

/** One JSONL line for an operation (inverse of decodeOperation). */
export function encodeOperation(op: SignedOperation): string {
  return toJson(op);
}

/** True when decodeOperation failed. */
export function isMalformed(x: SignedOperation | MalformedLine): x is MalformedLine {
  return "reason" in x && "line" in x;
}

/**
 * Canonical JSON of an operation: fixed key order, numbers as decimal strings, `dstChain` and
 * `dataHash` always present. Two encodings of the same operation give the same text.
 */
export function canonicalOperation(op: SignedOperation): string {
  const s = (v: bigint) => v.toString();
  return JSON.stringify({
    type: op.type,
    chainId: op.chainId,
    dstChain: op.dstChain,
    from: s(op.from),
    to: s(op.to),
    tokenId: s(op.tokenId),
    amount: s(op.amount),
    nonce: s(op.nonce),
    dataHash: s(op.dataHash),
    signature: { R8x: s(op.signature.R8x), R8y: s(op.signature.R8y), S: s(op.signature.S) },
  });
}

/** Id of an operation: SHA-256 (@noble/hashes) of its canonical JSON, 64 hex digits. */
export function operationId(op: SignedOperation): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalOperation(op))));
}

/**
 * The JSON Schema (draft-07, what fastify's Ajv reads) of a signed operation as a request carries it,
 * derived from the one zod schema (zod's toJSONSchema of its input side): the HTTP API validates
 * with it, and parseOperation then checks what JSON Schema cannot say (each field element below r).
 */
export function signedOperationJsonSchema(): Record<string, unknown> {
  const { $schema: _draft, ...schema } = z.toJSONSchema(operationSchema, { io: "input", target: "draft-7" }) as Record<string, unknown>;
  return schema;
}

/** A deposit as the store keeps it among the admitted operations (canonicalDeposit). */
const storedDepositSchema = z
  .object({
    type: z.literal("DEPOSIT"),
    index: fieldElement,
    chainId,
    to: fieldElement,
    tokenId: fieldElement,
    amount: fieldElement,
    depositor: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be 0x and 40 hex digits"),
  })
  .strict();

/**
 * Canonical JSON of an L1 deposit, as the store keeps it among the admitted operations (type DEPOSIT;
 * numbers as decimal strings, the depositor lower-case). Never accepted from a client: deposits come
 * from the contract's Deposited events only.
 */
export function canonicalDeposit(d: L1Deposit): string {
  return JSON.stringify({
    type: "DEPOSIT",
    index: d.index.toString(),
    chainId: d.chainId,
    to: d.to.toString(),
    tokenId: d.tokenId.toString(),
    amount: d.amount.toString(),
    depositor: d.depositor.toLowerCase(),
  });
}

/** Id of a deposit in the store: SHA-256 of its canonical JSON (as operationId), 64 hex digits. */
export function depositId(d: L1Deposit): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalDeposit(d))));
}

/**
 * Reads one admitted entry back from the store: a signed operation, or an L1 deposit (type DEPOSIT).
 * @returns the entry, or the field at fault and why.
 */
export function decodeStoredEntry(text: string): SignedOperation | L1Deposit | { field: string; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { field: "(entry)", reason: `not JSON: ${(e as Error).message}` };
  }
  if ((raw as { type?: unknown } | null)?.type !== "DEPOSIT") return parseOperation(raw);
  const parsed = storedDepositSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { field: issue.path.join(".") || "(entry)", reason: issue.message };
  }
  const { type: _deposit, ...d } = parsed.data;
  return d;
}

/** True for an L1 deposit entry (decodeStoredEntry). */
export function isDeposit(x: SignedOperation | L1Deposit): x is L1Deposit {
  return "depositor" in x;
}
