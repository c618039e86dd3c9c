import { join } from "node:path";
import { Piscina } from "piscina";
import { REPO_ROOT } from "../circuits/manifest.js";
import type { SignatureCheck } from "../../workers/verify-signatures.js";

export type { SignatureCheck };

/**
 * EdDSA-Poseidon signature checks in worker threads (piscina, workers/verify-signatures), so that
 * the API's event loop stays free while a request's signatures are checked and checks of
 * concurrent requests run in parallel. The executor then takes each verdict instead of checking
 * again (ClusterState.applySigned's `signatureValid`).
 */
export class SignaturePool {
  private readonly pool: Piscina;

  /** @param threads worker threads (>= 1). @throws RangeError naming `threads`. */
  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads: must be an integer >= 1, got ${threads}`);
    // workerData: {} as for the provers: ffjavascript (under circomlibjs) reads workerData.mod in any worker (DESIGN.md).
    this.pool = new Piscina({ filename: join(REPO_ROOT, "dist/workers/verify-signatures.js"), minThreads: 1, maxThreads: threads, workerData: {} });
  }

  /**
   * Checks signatures, split into one chunk per thread.
   * @returns one verdict per check, in order.
   * @throws AbortError when a chunk takes longer than 30 s (a stuck worker must not hang the request).
   */
  async verify(checks: SignatureCheck[]): Promise<boolean[]> {
    if (checks.length === 0) return [];
    const chunk = Math.ceil(checks.length / this.pool.options.maxThreads);
    const parts: Promise<boolean[]>[] = [];
    for (let i = 0; i < checks.length; i += chunk) parts.push(this.pool.run(checks.slice(i, i + chunk), { signal: AbortSignal.timeout(30_000) }) as Promise<boolean[]>);
    return (await Promise.all(parts)).flat();
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
