/**
 * The membership changes joint governance made to a running cluster, as its node records them (store
 * meta `memberChanges`, in the order they happened): a member added (with the N + 1 instance the node
 * switched to) or removed. The Sequencer replays each at its batch boundary, so a restart rebuilds the
 * executor, and the node proves every batch from an addition on with that instance's zkey.
 */
import { FieldError } from "../config/field-error.js";
import { parseGenesisAccounts, type GenesisAccount } from "../protocol/genesis.js";
import type { ClusterStore } from "../store/cluster-store.js";

/** The store's meta key of the recorded membership changes. */
const META_KEY = "memberChanges";

/** A member added at a batch boundary (what the settlement's MemberAdded event said, and the instance the node switched to). */
export interface MemberAddition {
  kind: "add";
  chainId: number;
  /** Batches from this index on are built for `instance` (N + 1 members). */
  atBatch: number;
  /** Name of the N + 1 circuit instance (circuits/instances.json). */
  instance: string;
  genesisRoot: bigint;
  /** The new member's genesis accounts (on chain `chainId`). */
  accounts: GenesisAccount[];
}

/** A member removed at a batch boundary (the settlement's MemberRemovedAt event): its root is frozen from `atBatch` on. */
export interface MemberRemoval {
  kind: "remove";
  chainId: number;
  atBatch: number;
}

export type MemberChange = MemberAddition | MemberRemoval;

/**
 * The membership changes recorded in a store, in the order they happened (none for a store that never had one).
 * @throws FieldError naming `store meta memberChanges[i]` when an entry is malformed or out of batch order.
 */
export function recordedMemberChanges(store: ClusterStore): MemberChange[] {
  const raw = store.getMeta<unknown>(META_KEY);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new FieldError("store", `meta ${META_KEY} is not a list`);
  let lastBatch = 0;
  return raw.map((r, i) => {
    const a = r as Record<string, unknown>;
    const where = `store meta ${META_KEY}[${i}]`;
    if (!Number.isInteger(a.chainId) || !Number.isInteger(a.atBatch)) throw new FieldError(where, "needs chainId and atBatch (integers)");
    if ((a.atBatch as number) < lastBatch) throw new FieldError(where, "changes are not in batch order");
    lastBatch = a.atBatch as number;
    if (a.kind === "remove") return { kind: "remove", chainId: a.chainId as number, atBatch: a.atBatch as number };
    if (a.kind !== "add" || typeof a.instance !== "string" || typeof a.genesisRoot !== "string")
      throw new FieldError(where, 'needs kind "add" or "remove"; an addition needs instance and genesisRoot (strings)');
    return {
      kind: "add",
      chainId: a.chainId as number,
      atBatch: a.atBatch as number,
      instance: a.instance,
      genesisRoot: BigInt(a.genesisRoot),
      accounts: parseGenesisAccounts(a.accounts, `${where}.accounts`),
    };
  });
}

/** Appends a membership change to the store's record (call before the executor applies it, so a crash in between replays it). */
export function recordMemberChange(store: ClusterStore, change: MemberChange): void {
  store.setMeta(META_KEY, [...recordedMemberChanges(store), change]);
}
