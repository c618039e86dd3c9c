import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { ClusterState } from "../state/cluster-state.js";
import { formatZodIssue } from "../config/zod-error.js";
import { clusterDomain } from "./domain.js";
import { SCALAR_FIELD } from "../crypto/field.js";
import { toJson } from "./json.js";
import { ETH_TOKEN_ID } from "./token.js";
import { FieldError } from "../config/field-error.js";

const decimal = z
  .string()
  .regex(/^[0-9]+$/, "must be a decimal integer string")
  .transform((v) => BigInt(v));
/** A field element (< r, src/crypto/field.ts): a value at or above r would be reduced in the circuit. */
const fieldElement = decimal.refine((v) => v < SCALAR_FIELD, "must be below the BN254 scalar field order r");
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits");

const genesisAccountSchema = z.object({
  chainId: z.number().int().nonnegative(),
  index: decimal,
  ax: fieldElement,
  ay: fieldElement,
  tokenId: fieldElement,
  balance: decimal,
});

/** Identity of a cluster deployment: with the L1 chain id, its signing domain (src/protocol/domain.ts). */
const clusterIdentity = {
  /** EIP-155 chain id of the L1 the cluster settles on (anvil: 31337). */
  l1ChainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** The cluster's id, a 256-bit unsigned integer as a decimal string (chosen at genesis; never reused). */
  clusterId: decimal.refine((v) => v < 1n << 256n, "must be below 2^256"),
};

/** Genesis of a cluster (public): its identity and every member's accounts before the first batch. */
const genesisSchema = z.object({
  ...clusterIdentity,
  members: z.number().int().min(2),
  accounts: z.array(genesisAccountSchema).min(1),
});

/** Development keys of the genesis accounts (private keys in clear: devnets only). */
const devKeysSchema = z.object({
  ...clusterIdentity,
  members: z.number().int().min(2),
  accounts: z.array(genesisAccountSchema.extend({ privateKey: hex32 })).min(1),
});

export type Genesis = z.infer<typeof genesisSchema>;
export type GenesisAccount = z.infer<typeof genesisAccountSchema>;
export type DevKeys = z.infer<typeof devKeysSchema>;

function readJson<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new FieldError(`${what}`, `cannot read ${path}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${what} ${path}: ${formatZodIssue(parsed.error.issues[0])}`);
  return parsed.data;
}

/**
 * Reads a genesis file: `{ l1ChainId, clusterId, members, accounts: [{ chainId, index, ax, ay, tokenId,
 * balance }] }`, numbers as decimal strings (l1ChainId and members as JSON numbers). A dev keys file (same accounts plus `privateKey`) is also a genesis.
 * @throws Error naming the file and the field when it is unreadable or invalid.
 */
export function loadGenesis(path: string): Genesis {
  return readJson(path, genesisSchema, "genesis");
}

/**
 * Reads a genesis from parsed JSON (as `loadGenesis` reads a file; e.g. one recorded in a store).
 * @throws Error naming `what` and the field when it is invalid.
 */
export function parseGenesis(raw: unknown, what = "genesis"): Genesis {
  const parsed = genesisSchema.safeParse(raw);
  if (!parsed.success) throw new FieldError(`${what}`, `${formatZodIssue(parsed.error.issues[0])}`);
  return parsed.data;
}

/**
 * Reads genesis accounts from parsed JSON (decimal strings, as a store records those of a member added later).
 * @throws FieldError naming `what` and the field when they are invalid.
 */
export function parseGenesisAccounts(raw: unknown, what: string): GenesisAccount[] {
  const parsed = z.array(genesisAccountSchema).safeParse(raw);
  if (!parsed.success) throw new FieldError(`${what}`, `${formatZodIssue(parsed.error.issues[0])}`);
  return parsed.data;
}

/** Reads a dev keys file (see `generateDevKeys`). @throws Error naming the file and the field. */
export function loadDevKeys(path: string): DevKeys {
  return readJson(path, devKeysSchema, "keys");
}

/** Writes JSON with bigints as decimal strings. */
export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${toJson(value, 2)}\n`);
}

/** The public genesis of a dev keys file (private keys dropped). */
export function genesisOf(keys: DevKeys): Genesis {
  return {
    l1ChainId: keys.l1ChainId,
    clusterId: keys.clusterId,
    members: keys.members,
    accounts: keys.accounts.map(({ privateKey: _secret, ...account }) => account),
  };
}

/**
 * ETH each member holds at genesis: the sum of its genesis balances of token 1, in wei (index =
 * chainId). The deployment sends it to ClusterSettlement as the members' genesis escrow, so every
 * genesis balance of ETH is backed on L1. Balances of other tokens at genesis have no escrow: they can
 * move inside their chain but never leave it (the contract's escrow caps refuse it).
 */
export function genesisEthEscrow(genesis: Pick<Genesis, "members" | "accounts">): bigint[] {
  const escrow = Array.from({ length: genesis.members }, () => 0n);
  for (const a of genesis.accounts) if (a.tokenId === ETH_TOKEN_ID && a.chainId < genesis.members) escrow[a.chainId] += a.balance;
  return escrow;
}

/** Signing domain of a genesis' cluster: clusterDomain(l1ChainId, clusterId). */
export function genesisDomain(genesis: Pick<Genesis, "l1ChainId" | "clusterId">): bigint {
  return clusterDomain(BigInt(genesis.l1ChainId), genesis.clusterId);
}

/**
 * Creates every genesis account in `state` (nonce 0).
 * @throws Error naming `genesis.members` when it differs from the state's, or
 *   `genesis.accounts[i].<field>` when an account is rejected (unknown chain, index out of the tree, duplicate).
 */
export function applyGenesis(state: ClusterState, genesis: Genesis): void {
  if (genesis.members !== state.members) {
    throw new FieldError(`genesis.members`, `${genesis.members}, but the circuit instance has N = ${state.members} members`);
  }
  if (genesisDomain(genesis) !== state.domain) throw new FieldError("genesis.clusterId", "the state was opened for another cluster domain");
  genesis.accounts.forEach((a, i) => {
    try {
      state.createAccount(a.chainId, a.index, { ax: a.ax, ay: a.ay, tokenId: a.tokenId, balance: a.balance, nonce: 0n });
    } catch (e) {
      const field = (e as { field?: string }).field ?? "(account)";
      throw new FieldError(`genesis.accounts[${i}].${field}`, (e as { reason?: string }).reason ?? (e as Error).message);
    }
  });
}
