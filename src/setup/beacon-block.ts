import { devnetProvider } from "../l1/anvil.js";

/** An L1 block whose hash serves as a ceremony's beacon. */
export interface BeaconBlock {
  number: number;
  /** 0x and 64 hex digits. */
  hash: string;
  /** Seconds since the Unix epoch, from the block header. */
  timestamp: number;
}

/** The beacon block did not come in time (field `block`: the flag that chose it). */
export class BeaconBlockTimeout extends Error {
  readonly field = "block";
  constructor(message: string) {
    super(message);
    this.name = "BeaconBlockTimeout";
  }
}

/** Options of `waitForBeaconBlock`. */
export interface BeaconBlockWait {
  /** Give up after this many ms without the block (and its confirmations). */
  timeoutMs: number;
  /** Pause between polls of the L1's head, in ms. */
  pollMs: number;
  /** Blocks on top of it before its hash is used (a reorg could replace a fresh block; 0 on a devnet). */
  confirmations: number;
  /** Called after each poll that did not find it yet, with the L1's head. */
  onWait?: (head: number) => void;
}

/**
 * Waits until block `block` exists on the L1 at `rpcUrl` with `confirmations` blocks on top, polling
 * its head (ethers v6 JsonRpcProvider, see devnetProvider), and returns its hash: the beacon of a
 * ceremony's finalize step. The block number is announced before the last contribution, when the
 * block is still in the future, so nobody can know its hash while contributing.
 * @throws BeaconBlockTimeout `--block: block N not reached within S s (head H)`; ethers errors when the RPC fails.
 */
export async function waitForBeaconBlock(rpcUrl: string, block: number, o: BeaconBlockWait): Promise<BeaconBlock> {
  const provider = devnetProvider(rpcUrl, Math.max(10_000, Math.min(o.timeoutMs, 60_000)));
  const deadline = Date.now() + o.timeoutMs;
  try {
    for (;;) {
      const head = await provider.getBlockNumber();
      if (head >= block + o.confirmations) {
        const b = await provider.getBlock(block);
        if (!b?.hash) throw new Error(`--block: the L1 at ${rpcUrl} has head ${head} but returned no block ${block}`);
        return { number: b.number, hash: b.hash, timestamp: b.timestamp };
      }
      if (Date.now() >= deadline) {
        throw new BeaconBlockTimeout(
          `--block: block ${block}${o.confirmations ? ` with ${o.confirmations} confirmations` : ""} not reached within ${Math.round(o.timeoutMs / 1000)} s (head ${head})`,
        );
      }
      o.onWait?.(head);
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
  } finally {
    provider.destroy();
  }
}
