import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { getPoseidon } from "../../src/crypto/poseidon.js";
import { EddsaSigner } from "../../src/crypto/eddsa.js";
import type { CircuitInstance } from "../../src/circuits/manifest.js";
import { ClusterState } from "../../src/state/cluster-state.js";
import { devWorkload } from "../../src/workload/dev-workload.js";
import { type DevKeys, applyGenesis, genesisDomain, genesisOf, type Genesis } from "../../src/protocol/genesis.js";
import { decodeOperation, isMalformed } from "../../src/protocol/operation-codec.js";

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** Dev genesis for an instance and `n` valid signed operations for it, as parsed JSON objects (API request items). */
export async function signedOperations(
  inst: CircuitInstance,
  n: number,
  seed = "service-test",
): Promise<{ genesis: Genesis; operations: Record<string, unknown>[]; keys: DevKeys }> {
  const { keys, workload } = await devWorkload(inst, { operations: n, crossChainShare: 0.5, faults: false, seed });
  return { genesis: genesisOf(keys), operations: workload.lines.map((l) => JSON.parse(l) as Record<string, unknown>), keys };
}

/** POSTs operations to a service; returns the status and the JSON body. */
export async function postOperations(
  url: string,
  operations: unknown[],
): Promise<{
  status: number;
  body: Record<string, unknown> & { accepted?: { id: string; index: number }[]; rejected?: { index: number; field: string; reason: string }[] };
}> {
  const res = await fetch(`${url}/v1/operations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ operations }) });
  return { status: res.status, body: (await res.json()) as never };
}

/** GET a JSON route. */
export async function getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls `check` every `everyMs` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 120_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The member roots after executing `operations` once each, in order, from `genesis`: what the
 * L1 must hold when every accepted operation settled exactly once (roots do not depend on batching).
 */
export async function expectedRoots(inst: CircuitInstance, genesis: Genesis, operations: string[]): Promise<bigint[]> {
  const state = new ClusterState(inst.members, inst.depth, await getPoseidon(), await EddsaSigner.create(), genesisDomain(genesis));
  applyGenesis(state, genesis);
  const seqs = new Map<string, bigint>();
  for (const text of operations) {
    const op = decodeOperation(text, 0);
    if (isMalformed(op)) throw new Error(`not an operation: ${text}`);
    const pair = `${op.chainId}->${op.dstChain}`;
    const { message } = state.applySigned(op, 1, seqs.get(pair) ?? 0n);
    state.applyCredit(message);
    seqs.set(pair, message.seq + 1n);
  }
  return state.roots();
}

/** A pino logger that writes nothing (tests read state, not logs), or to stderr at `level`. */
export function quietLogger(level = process.env.TEST_LOG_LEVEL ?? "silent"): Logger {
  return pino({ level });
}
