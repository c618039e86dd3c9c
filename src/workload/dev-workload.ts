import { getPoseidon } from "../crypto/poseidon.js";
import { EddsaSigner } from "../crypto/eddsa.js";
import type { CircuitInstance } from "../circuits/manifest.js";
import { generateDevKeys } from "./dev-keys.js";
import type { DevKeys } from "../protocol/genesis.js";
import { generateWorkload, type Workload } from "./workload-generator.js";

/** Defaults of generated workloads (also the `keys` and `workload` commands' defaults). */
export const WORKLOAD_DEFAULTS = {
  accountsPerChain: 16,
  balance: 1_000_000_000_000n,
  tokenId: 1n,
  zipfExponent: 1.1,
  maxAmount: 1000n,
} as const;

/**
 * Dev keys for an instance's N members (16 accounts per chain, or 2^D if smaller) and a signed
 * workload for them, with WORKLOAD_DEFAULTS for what `o` does not set (WITHDRAWs to `o.withdrawTo`
 * when given; with `o.nativeToken`, a cluster-native token whose MINT and SEND open the workload:
 * generateDevKeys and generateWorkload). Used by `run` without `--operations` and by the bench.
 * @throws RangeError naming `nativeToken` when the tree has no room for its 2 extra leaves.
 */
export async function devWorkload(
  inst: CircuitInstance,
  o: { operations: number; crossChainShare: number; faults: boolean; seed: string; withdrawTo?: bigint; nativeToken?: boolean },
): Promise<{ keys: DevKeys; workload: Workload }> {
  const signer = await EddsaSigner.create();
  const accounts = Math.min(WORKLOAD_DEFAULTS.accountsPerChain, 2 ** inst.depth);
  if (o.nativeToken && accounts + 2 > 2 ** inst.depth)
    throw new RangeError(`nativeToken: the tree of depth ${inst.depth} has no 2 leaves free after ${accounts} accounts`);
  const keys = generateDevKeys(signer, {
    members: inst.members,
    accounts,
    balance: WORKLOAD_DEFAULTS.balance,
    tokenId: WORKLOAD_DEFAULTS.tokenId,
    seed: o.seed,
    nativeToken: o.nativeToken,
  });
  const workload = generateWorkload(keys, signer, await getPoseidon(), {
    operations: o.operations,
    crossChainShare: o.crossChainShare,
    zipfExponent: WORKLOAD_DEFAULTS.zipfExponent,
    maxAmount: WORKLOAD_DEFAULTS.maxAmount,
    faults: o.faults,
    seed: o.seed,
    withdrawTo: o.withdrawTo,
  });
  return { keys, workload };
}
