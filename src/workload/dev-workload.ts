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
 * when given). Used by `run` without `--operations` and by the bench.
 */
export async function devWorkload(
  inst: CircuitInstance,
  o: { operations: number; crossChainShare: number; faults: boolean; seed: string; withdrawTo?: bigint },
): Promise<{ keys: DevKeys; workload: Workload }> {
  const signer = await EddsaSigner.create();
  const keys = generateDevKeys(signer, {
    members: inst.members,
    accounts: Math.min(WORKLOAD_DEFAULTS.accountsPerChain, 2 ** inst.depth),
    balance: WORKLOAD_DEFAULTS.balance,
    tokenId: WORKLOAD_DEFAULTS.tokenId,
    seed: o.seed,
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
