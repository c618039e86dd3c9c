import { writeFileSync } from "node:fs";
import { getPoseidon } from "../crypto/poseidon.js";
import { EddsaSigner } from "../crypto/eddsa.js";
import type { CircuitInstance } from "../circuits/manifest.js";
import type { RunStore } from "../store/run-store.js";
import { generateDevKeys } from "../workload/dev-keys.js";
import { genesisOf, type Genesis } from "../workload/genesis.js";
import { generateWorkload, type Workload } from "../workload/workload-generator.js";

/** Defaults of generated workloads (also the `keys` and `workload` commands' defaults). */
export const WORKLOAD_DEFAULTS = {
  accountsPerChain: 16,
  balance: 1_000_000_000_000n,
  tokenId: 1n,
  zipfExponent: 1.1,
  maxAmount: 1000n,
} as const;

/**
 * Generates the workload of a run that was given no `--operations` file: dev keys for the instance's
 * N members (16 accounts per chain, or 2^D if smaller), then a signed workload. Writes keys.json and
 * operations.jsonl into the run's store so the run can be replayed with `--genesis` and `--operations`.
 */
export async function generateRunWorkload(inst: CircuitInstance, store: RunStore,
                                          o: { operations: number; crossChainShare: number; faults: boolean; seed: string }):
    Promise<{ genesis: Genesis; lines: string[]; workload: Workload }> {
  const signer = await EddsaSigner.create();
  const keys = generateDevKeys(signer, {
    members: inst.members, accounts: Math.min(WORKLOAD_DEFAULTS.accountsPerChain, 2 ** inst.depth),
    balance: WORKLOAD_DEFAULTS.balance, tokenId: WORKLOAD_DEFAULTS.tokenId, seed: o.seed,
  });
  const workload = generateWorkload(keys, signer, await getPoseidon(), {
    operations: o.operations, crossChainShare: o.crossChainShare, zipfExponent: WORKLOAD_DEFAULTS.zipfExponent,
    maxAmount: WORKLOAD_DEFAULTS.maxAmount, faults: o.faults, seed: o.seed,
  });
  store.writeJson("keys.json", keys);
  writeFileSync(`${store.dir}/operations.jsonl`, `${workload.lines.join("\n")}\n`);
  return { genesis: genesisOf(keys), lines: workload.lines, workload };
}
