import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Groth16Proof } from "snarkjs";
import { REPO_ROOT } from "../circuits/manifest.js";

/*
 * The loader of the project's native Groth16 prover (native/: C++, a Node-API addon built at install
 * by native/build-addon.mjs). The addon reads a snarkjs .zkey and a circom .wtns from memory and proves
 * with Montgomery arithmetic on 4x64-bit limbs, Pippenger MSMs (G1 and G2) and radix-2 NTTs on the
 * odd coset snarkjs uses (Groth 2016; see native/src/prover.h). This module finds and loads it once,
 * says why when it cannot, keeps one parsed zkey per path per thread, and draws the blinding scalars.
 */

/** Where the addon is looked for; CLUSTER_NATIVE_ADDON overrides it (a test forces a load failure with a path that does not exist). */
export function nativeAddonPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLUSTER_NATIVE_ADDON || join(REPO_ROOT, "native/build/Release/bn254_prover.node");
}

/** Phase timings of one native proof, in milliseconds (measured inside the addon with a steady clock). */
export interface NativeTimings {
  /** Per-constraint sums of the zkey's coefficient section times the witness (the QAP's a, b on the domain; c = a b). */
  abcMs: number;
  /** 3 inverse and 3 forward NTTs of the domain size, the coset shift, and h = a b - c on the coset. */
  nttMs: number;
  /** The four G1 MSMs: A, B1, C (private signals) and H. */
  msmG1Ms: number;
  /** The G2 MSM of B. */
  msmG2Ms: number;
  /** The whole native call: witness parsing, the phases above, blinding and the affine conversion. */
  totalMs: number;
  /** Pippenger window widths the cost model chose (bits), for A/B1/C, B2 and H. */
  windowG1: number;
  windowG2: number;
  windowH: number;
}

/**
 * How a zkey is held. `precompute`: also build fixed-base tables (for every base P and 16-bit window j
 * the point 2^(16 j) P, affine): the MSMs then need no per-window bucket sums and no doublings, for
 * 16x the bases' memory (~400 MiB more at the default instance) and a build of ~254 doublings per
 * base when the zkey is loaded (seconds); `threads` builds that many tables at once.
 */
export interface NativeZkeyOptions {
  precompute?: boolean;
  threads?: number;
}

/** The addon object that holds one parsed zkey (its points in Montgomery form). */
export interface NativeZkey {
  readonly nVars: number;
  readonly nPublic: number;
  readonly domainSize: number;
  /** Bytes of parsed points and coefficients the object holds (fixed-base tables included). */
  readonly memoryBytes: number;
  /** Whether fixed-base tables were built (constructor option `precompute`). */
  readonly precomputed: boolean;
  prove(wtns: Uint8Array, random: Uint8Array, threads: number): { proof: Groth16Proof; publicSignals: string[]; timings: NativeTimings };
}

/** The addon's exports. frMul and msmG1/msmG2 are test entries (plain little-endian 32-byte scalars, zkey-layout bases). */
export interface NativeAddon {
  NativeProver: new (zkey: Uint8Array, options?: NativeZkeyOptions) => NativeZkey;
  frMul(a: Uint8Array, b: Uint8Array): Uint8Array;
  msmG1(bases: Uint8Array, scalars: Uint8Array, threads?: number): string[];
  msmG2(bases: Uint8Array, scalars: Uint8Array, threads?: number): string[][];
  /** ns per Fq Montgomery multiplication: in a dependent chain (latency) and over 8 independent chains (throughput). */
  fieldMulNs(iterations?: number): { latencyNs: number; throughputNs: number };
}

/** The outcome of loading the addon: the addon, or the reason it is unavailable (one line). */
export type NativeLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string; path: string };

let loaded: NativeLoad | undefined;

/**
 * Loads the addon once per thread (later calls return the same outcome). Never throws.
 * @returns `{ ok: false, reason }` when the file is missing (not built: no compiler at install, or
 *   `npm install --ignore-scripts`) or fails to load (another Node ABI, a broken file).
 */
export function loadNativeAddon(env: NodeJS.ProcessEnv = process.env): NativeLoad {
  if (loaded) return loaded;
  const path = nativeAddonPath(env);
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (typeof addon?.NativeProver !== "function") throw new Error("it does not export NativeProver");
    loaded = { ok: true, addon, path };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const why = err.code === "MODULE_NOT_FOUND" ? "not built (run `npm run build:native`; it needs a C++ compiler)" : (err.message ?? String(e)).split("\n")[0];
    loaded = { ok: false, reason: `native prover ${path}: ${why}`, path };
  }
  return loaded;
}

/** Forgets the cached load outcome (tests that switch CLUSTER_NATIVE_ADDON). */
export function resetNativeAddon(): void {
  loaded = undefined;
  zkeys.clear();
}

/** Parsed zkeys of this thread: path (and table option) -> addon object (parsed once, kept in memory for every later proof). */
const zkeys = new Map<string, NativeZkey>();

/**
 * The parsed zkey of a path, parsing it on first use (reads the file, checks every section, point and
 * coefficient; ~0.15 s and 45 MiB for the default instance's 45 MB zkey; with `precompute`, see
 * NativeZkeyOptions).
 * @throws Error when the addon is unavailable (its reason), or "zkey section N (name): reason" for a
 *   truncated or garbled file, another curve, or points off the curve.
 */
export function nativeZkey(zkeyPath: string, options: NativeZkeyOptions = {}): NativeZkey {
  const key = `${options.precompute ? "tables:" : ""}${zkeyPath}`;
  let z = zkeys.get(key);
  if (!z) {
    z = parseNativeZkey(readFileSync(zkeyPath), options);
    zkeys.set(key, z);
  }
  return z;
}

/**
 * Parses zkey bytes with the addon (not cached).
 * @throws Error as nativeZkey.
 */
export function parseNativeZkey(bytes: Uint8Array, options: NativeZkeyOptions = {}): NativeZkey {
  const load = loadNativeAddon();
  if (!load.ok) throw new Error(load.reason);
  return new load.addon.NativeProver(bytes, options);
}

/**
 * Proves with the native prover: Groth16 over BN254 from the zkey and the witness bytes of circom's
 * wasm (`snarkjs.wtns.calculate(input, wasm, { type: "mem" })`). r and s come from 128 bytes of
 * crypto.randomBytes (two 512-bit numbers reduced mod the scalar field).
 * @param threads threads inside this proof (>= 1; they share the MSM windows and the NTTs).
 * @returns snarkjs' proof shape (affine decimal strings with the trailing "1" / ["1", "0"],
 *   protocol "groth16", curve "bn128"), the public signals (decimal strings), and phase timings in ms.
 * @throws Error "wtns section ...: reason" before any work for a witness of the wrong length (another
 *   circuit), another field prime, or a value >= r; and as nativeZkey.
 */
export function proveNative(
  zkey: NativeZkey | string,
  wtns: Uint8Array,
  threads = 1,
): { proof: Groth16Proof; publicSignals: string[]; timings: NativeTimings } {
  const z = typeof zkey === "string" ? nativeZkey(zkey) : zkey;
  return z.prove(wtns, randomBytes(128), threads);
}

/** Threads inside one native proof when not configured: 1, since one single-threaded proof per core gave more proofs per minute on 2 cores (README, native prover). */
export const DEFAULT_NATIVE_THREADS = 1;
