import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * Deterministic random numbers for workload generation: SHA-256 in counter mode over a text seed
 * (block_i = SHA-256(seed || ":" || i)), so a workload is reproducible from its seed on any machine.
 * Not for keys of value: development workloads only.
 */
export class SeededRandom {
  private counter = 0;
  private pool: Uint8Array = new Uint8Array(0);
  private offset = 0;

  constructor(private readonly seed: string) {}

  /** `n` pseudo-random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (this.offset >= this.pool.length) {
        this.pool = sha256(utf8ToBytes(`${this.seed}:${this.counter++}`));
        this.offset = 0;
      }
      out[i] = this.pool[this.offset++];
    }
    return out;
  }

  /** A float in [0, 1) with 48 random bits. */
  float(): number {
    const b = this.bytes(6);
    let v = 0;
    for (const x of b) v = v * 256 + x;
    return v / 2 ** 48;
  }

  /** An integer in [lo, hi] (inclusive). @throws RangeError when hi < lo. */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`int: empty range ${lo}..${hi}`);
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
}

/**
 * Zipf-distributed index sampler over 0..n-1 with exponent s (P(k) ∝ 1 / (k+1)^s): a few accounts
 * are popular, most are rarely used, as in account activity on real chains.
 * @throws RangeError when n < 1 or s < 0.
 */
export function zipfSampler(n: number, s: number, random: SeededRandom): () => number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`accounts: must be an integer >= 1, got ${n}`);
  if (!(s >= 0)) throw new RangeError(`zipfExponent: must be >= 0, got ${s}`);
  const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    cdf.push(acc);
  }
  return () => {
    const u = random.float();
    const k = cdf.findIndex((c) => u < c);
    return k < 0 ? n - 1 : k;
  };
}
