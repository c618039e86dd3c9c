import pRetry from "p-retry";

const TRANSIENT_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "UND_ERR_SOCKET"]);
const TRANSIENT_ETHERS_CODES = new Set(["NETWORK_ERROR", "SERVER_ERROR", "TIMEOUT"]);

/**
 * True for an RPC failure worth retrying: the connection was refused, reset or timed out, or the
 * node answered with an HTTP 5xx (ethers codes NETWORK_ERROR, SERVER_ERROR, TIMEOUT, and the Node.js
 * socket error codes). A revert (CALL_EXCEPTION), a bad nonce or a missing balance is not transient.
 */
export function isTransientRpcError(e: unknown): boolean {
  for (let err = e as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; err && depth < 4; err = err.cause as typeof err, depth++) {
    if (typeof err.code === "string" && (TRANSIENT_SOCKET_CODES.has(err.code) || TRANSIENT_ETHERS_CODES.has(err.code))) return true;
    if (err.code === "UNKNOWN_ERROR" && typeof err.message === "string" && /socket|ECONN|connect|timeout/i.test(err.message)) return true;
  }
  return false;
}

/** Retry policy of L1 calls: exponential backoff (factor 2, jittered) between `minTimeoutMs` and `maxTimeoutMs`. */
export interface RpcRetryOptions {
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Attempts after the first; Infinity for a service that waits for its L1 to come back. */
  retries: number;
  /** Called on each transient failure before the next attempt. */
  onRetry?: (what: string, error: Error, attempt: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs an L1 call, retrying transient RPC failures (isTransientRpcError) with exponential backoff
 * (p-retry). Any other error is thrown at once.
 * @param what a short name of the call, for logs ("eth_getTransactionReceipt").
 * @throws the call's error when it is not transient or the retries are used up; AbortError on `signal`.
 */
export async function withRpcRetry<T>(what: string, call: () => Promise<T>, o: RpcRetryOptions): Promise<T> {
  return pRetry(call, {
    retries: o.retries,
    factor: 2,
    minTimeout: o.minTimeoutMs,
    maxTimeout: o.maxTimeoutMs,
    randomize: true,
    signal: o.signal,
    shouldRetry: ({ error }) => isTransientRpcError(error),
    onFailedAttempt: ({ error, attemptNumber }) => {
      if (isTransientRpcError(error)) o.onRetry?.(what, error, attemptNumber);
    },
  });
}
