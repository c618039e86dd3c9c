/**
 * The main job's governors on its own anvil devnet: dev keys anyone can recompute (devnets only, like
 * anvil's accounts), each bonding 1 ETH and running a governor node (runGovernor) in this process
 * against the node's own calls (inProcessSequencer): the same re-execution, signing and reporting as
 * `cluster-settle govern`, without HTTP.
 */
import { type JsonRpcProvider, Wallet, id, parseEther } from "ethers";
import type { Logger } from "pino";
import type { CircuitInstance } from "../circuits/manifest.js";
import type { Genesis } from "../protocol/genesis.js";
import { type InProcessSequencer, inProcessSequencer, runGovernor } from "./governor.js";
import { registryClient } from "./registry.js";
import type { ClusterNode } from "../core/cluster-node.js";

/** The registry configuration of the main job's own devnet: an epoch per block, so a bond counts from the next block. */
export const DEVNET_REGISTRY_CONFIG = { epochBlocks: 1, challengeWindowBlocks: 100, unbondingBlocks: 200 } as const;

/** Private key of dev governor `k`: keccak256 of "cluster-settle dev governor <k>" (public: devnets only). */
export function devGovernorKey(k: number): string {
  return id(`cluster-settle dev governor ${k}`);
}

/** Running dev governors. */
export interface DevGovernors {
  addresses: string[];
  /** Stops the governor nodes and waits for them. */
  stop(): Promise<void>;
}

/**
 * Funds (anvil_setBalance) and bonds `count` dev governors of 1 ETH each, unless bonded already, mines a
 * block so all are in the set, and starts their governor nodes.
 * @param provider the node's own anvil devnet.
 * @throws ethers errors when a bond fails. A governor node that stops (a refused batch) is logged, not thrown.
 */
export async function startDevGovernors(
  node: InProcessSequencer,
  provider: JsonRpcProvider,
  inst: CircuitInstance,
  genesis: Genesis,
  count: number,
  log: Logger,
): Promise<DevGovernors> {
  const wallets = Array.from({ length: count }, (_, k) => new Wallet(devGovernorKey(k), provider));
  const { registry } = node.status();
  for (const w of wallets) {
    await provider.send("anvil_setBalance", [w.address, `0x${parseEther("100").toString(16)}`]);
    const client = registryClient(registry, w);
    if ((await client.governorOf(w.address)).stake === 0n) await (await client.bond({ value: parseEther("1") })).wait();
  }
  await provider.send("anvil_mine", ["0x1"]);
  const stop = new AbortController();
  const running = wallets.map((wallet) =>
    runGovernor({
      inst,
      genesis,
      wallet,
      sequencer: inProcessSequencer(node),
      pollMs: 100,
      log: log.child({ governor: wallet.address }),
      signal: stop.signal,
    }).catch((e) => log.error({ governor: wallet.address, err: (e as Error).message }, "governor node stopped")),
  );
  return {
    addresses: wallets.map((w) => w.address),
    stop: async () => {
      stop.abort();
      await Promise.allSettled(running);
    },
  };
}

/**
 * Waits until each of the first `total` batches is fast-confirmed (its governors sign within
 * milliseconds of its close; the wait is for the last ones), at most `timeoutMs` (ms): a report then
 * counts those that are.
 * @param node what the governors sign for: its store's fast confirmations are read every 100 ms.
 */
export async function whenFastConfirmed(node: Pick<ClusterNode, "store">, total: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && Array.from({ length: total }, (_, i) => node.store.fastConfirmation(i)).some((f) => f === undefined)) {
    await new Promise((r) => setTimeout(r, 100));
  }
}
