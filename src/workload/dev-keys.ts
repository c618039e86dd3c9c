import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { EddsaSigner } from "../crypto/eddsa.js";
import type { DevKeys } from "../protocol/genesis.js";
import { SeededRandom } from "./seeded-random.js";
import { nativeTokenId } from "../protocol/token.js";

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
  /**
   * Adds a cluster-native token owned by chain 0 (nativeDevToken): its minter leaf `accounts` on chain 0
   * (a key of its own) and a holder leaf `accounts + 1` on every chain (user 0's key), all at balance 0.
   * The tree must hold accounts + 2 leaves.
   */
  nativeToken?: boolean;
}

/** The cluster-native token of a dev key set with `nativeToken`: owner chain 0, minted by leaf `accounts`, held by leaf `accounts + 1` on every chain. */
export function nativeDevToken(accounts: number): { tokenId: bigint; ownerChain: number; minterIndex: bigint; holderIndex: bigint } {
  return { tokenId: nativeTokenId(0, BigInt(accounts)), ownerChain: 0, minterIndex: BigInt(accounts), holderIndex: BigInt(accounts) + 1n };
}

/** Chain id of anvil devnets (the default L1 of dev clusters). */
export const ANVIL_CHAIN_ID = 31337;

/**
 * Generates Baby Jubjub keys for the genesis accounts of a development cluster: user k owns leaf k on
 * every member chain (one key per user, as one wallet across the cluster). Private keys are derived
 * from the seed (SeededRandom) and written in clear: devnets only. The cluster id (with the L1 chain id,
 * the signing domain of every operation) is derived from the seed unless given. With `nativeToken`, also
 * the accounts of a cluster-native token (nativeDevToken).
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
  if (o.nativeToken) {
    const native = nativeDevToken(o.accounts);
    const minter = signer.keyPair(random.bytes(32)); // drawn after the users: their keys do not depend on this option
    const entry = (chainId: number, index: bigint, key: { privateKey: Uint8Array; ax: bigint; ay: bigint }) => ({
      chainId,
      index,
      privateKey: `0x${bytesToHex(key.privateKey)}`,
      ax: key.ax,
      ay: key.ay,
      tokenId: native.tokenId,
      balance: 0n,
    });
    accounts.push(entry(native.ownerChain, native.minterIndex, minter));
    for (let chainId = 0; chainId < o.members; chainId++) accounts.push(entry(chainId, native.holderIndex, users[0]));
  }
  return { l1ChainId: o.l1ChainId ?? ANVIL_CHAIN_ID, clusterId, members: o.members, accounts };
}

/** The 32 private-key bytes of a dev keys entry. */
export function privateKeyBytes(hex: string): Uint8Array {
  return hexToBytes(hex.slice(2));
}
