import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { FetchRequest, JsonRpcProvider, Network } from "ethers";

/** Private key of anvil's first pre-funded account (public, the same on every anvil devnet; never use elsewhere). */
export const ANVIL_DEFAULT_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

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
 * Starts anvil (npm @foundry-rs/anvil) on a free loopback port and waits until it answers
 * `eth_chainId`.
 * @param timeoutMs how long to wait for the RPC to come up.
 * @param port port on 127.0.0.1 (default: a free one from the OS).
 * @throws Error with anvil's output when it exits (e.g. the port is taken) or does not answer in time.
 */
export async function startAnvil(timeoutMs = 20_000, port?: number): Promise<Devnet> {
  port ??= await freeLoopbackPort();
  const child: ChildProcess = spawn(anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--silent"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  let exited = false;
  child.once("exit", () => (exited = true));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    await new Promise<void>((resolve) => { child.once("exit", () => resolve()); child.kill("SIGTERM"); });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`anvil exited during start: ${output}`);
    try {
      const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      if (res.ok) return { rpcUrl, stop };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`anvil did not answer on ${rpcUrl} within ${timeoutMs} ms: ${output}`);
}

/**
 * An ethers provider for `rpcUrl` that polls quickly (devnets mine instantly) and gives up on a
 * request after `timeoutMs` (ethers' default is 5 minutes), so a stalled RPC is an error, not a hang.
 * @param chainId the chain's id when known: the provider then never asks for it (no start-up
 *   network detection, whose failures ethers retries and logs on its own while the node is down).
 */
export function devnetProvider(rpcUrl: string, timeoutMs = 60_000, chainId?: bigint): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = timeoutMs;
  const provider = new JsonRpcProvider(request, chainId === undefined ? undefined : Network.from(chainId),
    { staticNetwork: chainId === undefined ? true : Network.from(chainId) });
  provider.pollingInterval = 50;
  return provider;
}
