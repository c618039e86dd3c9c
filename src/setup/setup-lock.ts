import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { lock } from "proper-lockfile";
import { REPO_ROOT } from "../circuits/manifest.js";

/** A lock older than this (no heartbeat from its holder: killed, or its host gone) is taken over. */
const STALE_MS = 60_000;
/** Heartbeat of a held lock (proper-lockfile touches the lock's mtime). */
const UPDATE_MS = 10_000;
const POLL_MS = 500;

/** Options of `withFileLock`. */
export interface LockWait {
  /** How long to wait for another holder before giving up, in ms (default 2 h: a big set-up takes long). */
  waitMs?: number;
  /** Called once when the lock is busy and this process starts to wait. */
  onWait?: () => void;
}

/**
 * Runs `fn` while holding an inter-process lock on `path` (npm proper-lockfile: an atomic
 * `mkdir <path>.lock`, kept fresh by a heartbeat; a lock whose holder stopped updating it for
 * 60 s is stale and taken over). Several processes (parallel test files, a service and a CLI)
 * may set up the same instance at once: the second waits, then finds what the first made.
 * Not re-entrant: never take the same lock again inside `fn`.
 * @param what names the lock in errors, e.g. `set-up of instance "test"`.
 * @throws Error `lock: <what>: ...` when the lock stays busy for `waitMs`, or when another process took
 *   it over while `fn` ran (this process then stalled for over 60 s; its result is not trusted).
 */
export async function withFileLock<T>(path: string, what: string, fn: () => Promise<T>, o: LockWait = {}): Promise<T> {
  const waitMs = o.waitMs ?? 2 * 3600_000;
  const deadline = Date.now() + waitMs;
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  let waited = false;
  for (;;) {
    try {
      release = await lock(path, {
        realpath: false,
        stale: STALE_MS,
        update: UPDATE_MS,
        onCompromised: (e) => {
          compromised = e;
        },
      });
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== "ELOCKED") throw e;
      if (Date.now() >= deadline) throw new Error(`lock: ${what}: still held by another process after ${Math.round(waitMs / 1000)} s (${path}.lock)`);
      if (!waited) o.onWait?.();
      waited = true;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
  try {
    const result = await fn();
    if (compromised) throw new Error(`lock: ${what}: taken over by another process while held (${compromised.message}); run again`);
    return result;
  } finally {
    await release().catch(() => {
      /* already released or taken over: reported above */
    });
  }
}

/** Folder of the set-up locks: build/locks/. */
export const LOCK_DIR = join(REPO_ROOT, "build/locks");

/**
 * Runs `fn` holding the set-up lock of one circuit instance (build/locks/<name>.lock): compile,
 * Groth16 set-up and zkey install of an instance run one process at a time. See `withFileLock`.
 */
export async function withInstanceLock<T>(name: string, fn: () => Promise<T>, o: LockWait = {}): Promise<T> {
  mkdirSync(LOCK_DIR, { recursive: true });
  return withFileLock(join(LOCK_DIR, name), `set-up of instance "${name}"`, fn, o);
}
