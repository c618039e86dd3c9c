import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { EddsaSigner } from "../crypto/eddsa.js";
import type { DevKeys } from "../protocol/genesis.js";
import { SeededRandom } from "./seeded-random.js";

/** Parameters of a development key set. */
export interface DevKeysOptions {
  /** N, member chains. */
  members: number;
  /** Accounts per chain (leaves 0..accounts-1); must fit the instance's tree (2^D leaves). */
  accounts: number;
  /** Genesis balance of every account, in token base units. */
  balance: bigint;
  tokenId: bigint;
  /** Text seed: the same seed gives the same keys and cluster id. */
  seed: string;
  /** L1 the cluster will settle on (EIP-155 chain id; default 31337, anvil). */
  l1ChainId?: number;
  /** The cluster's id (default: derived from the seed, 248 bits). */
  clusterId?: bigint;
}

/** Chain id of anvil devnets (the default L1 of dev clusters). */
export const ANVIL_CHAIN_ID = 31337;

/**
 * Generates Baby Jubjub keys for the genesis accounts of a development cluster: user k owns leaf k on
 * every member chain (one key per user, as one wallet across the cluster). Private keys are derived
 * from the seed (SeededRandom) and written in clear: devnets only. The cluster id (with the L1 chain id,
 * the signing domain of every operation) is derived from the seed unless given.
 * @throws RangeError naming `members`, `accounts` or `balance` when out of range.
 */
export function generateDevKeys(signer: EddsaSigner, o: DevKeysOptions): DevKeys {
  if (!Number.isInteger(o.members) || o.members < 2) throw new RangeError(`members: must be an integer >= 2, got ${o.members}`);
  if (!Number.isInteger(o.accounts) || o.accounts < 2) throw new RangeError(`accounts: must be an integer >= 2, got ${o.accounts}`);
  if (o.balance < 0n || o.balance >= 1n << 128n) throw new RangeError(`balance: must be in 0..2^128-1, got ${o.balance}`);
  const clusterId = o.clusterId ?? BigInt(`0x${bytesToHex(new SeededRandom(`cluster-id:${o.seed}`).bytes(31))}`);
  const random = new SeededRandom(`dev-keys:${o.seed}`);
  const users = Array.from({ length: o.accounts }, () => signer.keyPair(random.bytes(32)));
  const accounts = [];
  for (let chainId = 0; chainId < o.members; chainId++) {
    for (let index = 0; index < o.accounts; index++) {
      const user = users[index];
      accounts.push({
        chainId,
        index: BigInt(index),
        privateKey: `0x${bytesToHex(user.privateKey)}`,
        ax: user.ax,
        ay: user.ay,
        tokenId: o.tokenId,
        balance: o.balance,
      });
    }
  }
  return { l1ChainId: o.l1ChainId ?? ANVIL_CHAIN_ID, clusterId, members: o.members, accounts };
}

/** The 32 private-key bytes of a dev keys entry. */
export function privateKeyBytes(hex: string): Uint8Array {
  return hexToBytes(hex.slice(2));
}
