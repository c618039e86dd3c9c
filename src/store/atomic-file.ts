import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * A temporary name beside `path`, unique to this process and call (several processes may write the
 * same artifact at once: each writes its own temporary file, and the last rename wins whole).
 */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
}

/**
 * Removes the temporary files of `path` (tempPathFor) that a killed process left behind. Call it only
 * while holding the lock under which every writer of `path` writes.
 */
export function removeStaleTemps(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  const prefix = `${basename(path)}.`;
  for (const f of readdirSync(dir)) if (f.startsWith(prefix) && /\.\d+-[0-9a-f]{8}\.tmp/.test(f)) rmSync(join(dir, f), { force: true });
}

/** Moves a finished temporary file to `path` (fsync, then rename: a reader sees the old file or the whole new one). */
export function moveIntoPlace(tmp: string, path: string): void {
  const fd = openSync(tmp, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Writes `data` to `path` atomically (temporary file, fsync, rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    moveIntoPlace(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Runs `write(tmp)` on a temporary path beside `path`, then moves the result into place; the
 * temporary file is removed when `write` fails.
 */
export async function writeViaTemp<T>(path: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = tempPathFor(path);
  try {
    const result = await write(tmp);
    moveIntoPlace(tmp, path);
    return result;
  } finally {
    rmSync(tmp, { force: true });
  }
}
