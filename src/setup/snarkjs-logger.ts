import type { PhaseProgress } from "../phases/phase.js";

/** The logger interface snarkjs calls (a subset of console's). */
export interface SnarkjsLogger {
  info(message: unknown): void;
  debug(message: unknown): void;
  warn(message: unknown): void;
  error(message: unknown): void;
}

/**
 * A snarkjs logger that turns its progress messages ("processing constraints: 20000/63024",
 * "Applying key: L Section: 1024/65536") into counts for `onProgress`, and hands its error messages
 * (e.g. "INVALID:  Invalid delta1" from zkey verification) to `onError`; every other message is dropped.
 */
export function snarkjsProgressLogger(onProgress?: (p: PhaseProgress) => void, onError?: (message: string) => void): SnarkjsLogger {
  const progress = (message: unknown) => {
    const m = /^(.*?):?\s+(\d+)\/(\d+)$/.exec(String(message));
    if (m && onProgress) onProgress({ label: m[1].replace(/:$/, ""), done: Number(m[2]), total: Number(m[3]) });
  };
  return { debug: progress, info: progress, warn: () => {}, error: (message) => onError?.(String(message)) };
}
