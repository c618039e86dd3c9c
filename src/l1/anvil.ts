import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FetchRequest, JsonRpcProvider, Network } from "ethers";

/** Private key of anvil's first pre-funded account (public, the same on every anvil devnet; never use elsewhere). */
export const ANVIL_DEFAULT_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * Private key of anvil's second pre-funded account (public, the same on every anvil devnet): the L1
 * user of a run on its own devnet (it deposits, is paid the withdrawals, and claims them).
 */
export const ANVIL_USER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/** A running anvil devnet on loopback. */
export interface Devnet {
  rpcUrl: string;
  stop(): Promise<void>;
}

/** Path of the anvil binary shipped in the npm package @foundry-rs/anvil-<platform>-<arch>. */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    return join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
  } catch {
    throw new Error(`anvil: no binary package ${pkg} installed (npm package @foundry-rs/anvil has none for this platform)`);
  }
}

/** A free TCP port on 127.0.0.1, from the OS (bind to port 0). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Path of the compiled anvil guard (src/l1/anvil-guard.ts): next to this module when it runs from
 * the build (dist/src/l1/), else dist/src/l1/ of the repository (this module run from its
 * TypeScript source, as under vitest; Node 20 runs no TypeScript, so the guard is always the build's).
 * @throws Error when the guard is not built (run `npm run build`).
 */
export function anvilGuardScript(): string {
  const candidates = [new URL("./anvil-guard.js", import.meta.url), new URL("../../dist/src/l1/anvil-guard.js", import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`anvil: the guard is not built (none of ${candidates.join(", ")}): run npm run build`);
  return found;
}

/**
 * Starts anvil (npm @foundry-rs/anvil) on a free loopback port and waits until it answers
 * `eth_chainId`.
 *
 * The devnet dies with the process that started it, however that process ends (exit, crash,
 * SIGKILL): anvil runs under the anvil guard (src/l1/anvil-guard.ts), a small Node process whose
 * stdin is a pipe from this process. Nothing is ever written to it; when this process dies the
 * kernel closes its end, the guard reads end-of-file and stops anvil. Process groups or `setsid`
 * would not do: a SIGKILL of the parent signals nobody else, and Node cannot ask Linux for a
 * parent-death signal (prctl PR_SET_PDEATHSIG). The pipe is opened close-on-exec, so no other
 * child of this process keeps it open. `stop()` closes the pipe and sends SIGTERM to the guard,
 * which stops anvil, and resolves when both have exited.
 * @param timeoutMs how long to wait for the RPC to come up.
 * @param port port on 127.0.0.1 (default: a free one from the OS).
 * @throws Error with anvil's output when it exits (e.g. the port is taken) or does not answer in
 *   time; Error when the guard is not built (anvilGuardScript).
 */
export async function startAnvil(timeoutMs = 20_000, port?: number): Promise<Devnet> {
  port ??= await freeLoopbackPort();
  const child: ChildProcess = spawn(process.execPath, [anvilGuardScript(), anvilBinary(), "--host", "127.0.0.1", "--port", String(port), "--silent"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin?.on("error", () => {
    /* the guard is gone: its exit is reported below */
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  let exited = false;
  child.once("exit", () => (exited = true));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.stdin?.end();
      child.kill("SIGTERM");
    });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`anvil exited during start: ${output}`);
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return { rpcUrl, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`anvil did not answer on ${rpcUrl} within ${timeoutMs} ms: ${output}`);
}

/**
 * An ethers provider for `rpcUrl` that polls quickly (devnets mine instantly) and gives up on a
 * request after `timeoutMs` (ethers' default is 5 minutes), so a stalled RPC is an error, not a hang.
 * No response cache (ethers caches some answers for 250 ms by default: a nonce read right after a
 * transaction was mined would be stale).
 * @param chainId the chain's id when known: the provider then never asks for it (no start-up
 *   network detection, whose failures ethers retries and logs on its own while the node is down).
 */
export function devnetProvider(rpcUrl: string, timeoutMs = 60_000, chainId?: bigint): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = timeoutMs;
  const provider = new JsonRpcProvider(request, chainId === undefined ? undefined : Network.from(chainId), {
    staticNetwork: chainId === undefined ? true : Network.from(chainId),
    cacheTimeout: -1,
  });
  provider.pollingInterval = 50;
  return provider;
}
