/**
 * The members joint governance added to a running cluster, as its node records them (store meta
 * `memberAdditions`): the Sequencer replays each at its batch boundary, so a restart rebuilds the
 * N + 1 executor, and the node proves every batch from `atBatch` on with that instance's zkey.
 */
import { FieldError } from "../config/field-error.js";
import { parseGenesisAccounts, type GenesisAccount } from "../protocol/genesis.js";
import type { ClusterStore } from "../store/cluster-store.js";

/** The store's meta key of the recorded member additions. */
const META_KEY = "memberAdditions";

/** One member added at a batch boundary (what the settlement's MemberAdded event said, and the instance the node switched to). */
export interface MemberAddition {
  chainId: number;
  /** Batches from this index on are built for `instance` (N + 1 members). */
  atBatch: number;
  /** Name of the N + 1 circuit instance (circuits/instances.json). */
  instance: string;
  genesisRoot: bigint;
  /** The new member's genesis accounts (on chain `chainId`). */
  accounts: GenesisAccount[];
}

/**
 * The member additions recorded in a store, in chainId order (none for a store that never had one).
 * @throws FieldError naming `store` when the record is not a list of additions in chainId and batch order.
 */
export function recordedMemberAdditions(store: ClusterStore): MemberAddition[] {
  const raw = store.getMeta<unknown>(META_KEY);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new FieldError("store", `meta ${META_KEY} is not a list`);
  return raw.map((r, i) => {
    const a = r as Record<string, unknown>;
    const where = `store meta ${META_KEY}[${i}]`;
    if (!Number.isInteger(a.chainId) || !Number.isInteger(a.atBatch) || typeof a.instance !== "string" || typeof a.genesisRoot !== "string") {
      throw new FieldError(where, "needs chainId, atBatch (integers), instance and genesisRoot (strings)");
    }
    if (i > 0 && (a.chainId !== (raw[i - 1] as MemberAddition).chainId + 1 || (a.atBatch as number) < (raw[i - 1] as MemberAddition).atBatch)) {
      throw new FieldError(where, "additions are not in chainId and batch order");
    }
    return {
      chainId: a.chainId as number,
      atBatch: a.atBatch as number,
      instance: a.instance,
      genesisRoot: BigInt(a.genesisRoot),
      accounts: parseGenesisAccounts(a.accounts, `${where}.accounts`),
    };
  });
}

/** Appends a member addition to the store's record (call before the executor switches, so a crash in between replays it). */
export function recordMemberAddition(store: ClusterStore, addition: MemberAddition): void {
  store.setMeta(META_KEY, [...recordedMemberAdditions(store), addition]);
}
