import { writeFileSync } from "node:fs";
import type { CircuitInstance } from "../circuits/manifest.js";
import type { RunStore } from "../store/run-store.js";
import { WORKLOAD_DEFAULTS, devWorkload } from "../workload/dev-workload.js";
import { genesisOf, type Genesis } from "../protocol/genesis.js";
import type { Workload } from "../workload/workload-generator.js";
import type { PlannedDeposit } from "../pipeline/settlement-run.js";

/**
 * Generates the workload of a run that was given no `--operations` file (see devWorkload) and writes
 * keys.json and operations.jsonl into the run's store, so the run can be replayed with `--genesis`
 * and `--operations`. Its L1 side: one ETH deposit per member (into leaf c of chain c, credited) and
 * one into an empty leaf (refunded), made before the operations; and WITHDRAWs to `o.withdrawTo`
 * (the run's L1 wallet, which claims them after the settlement). Where the tree has room (D >= 5), the
 * genesis also holds a cluster-native token of chain 0, which the workload mints and sends to chain 1
 * first (nativeDevToken).
 */
export async function generateRunWorkload(
  inst: CircuitInstance,
  store: RunStore,
  o: { operations: number; crossChainShare: number; faults: boolean; seed: string; withdrawTo: bigint },
): Promise<{ genesis: Genesis; lines: string[]; workload: Workload; deposits: PlannedDeposit[] }> {
  const nativeToken = 2 ** inst.depth >= WORKLOAD_DEFAULTS.accountsPerChain + 2; // room for its minter and holder leaves
  const { keys, workload } = await devWorkload(inst, { ...o, nativeToken });
  store.writeJson("keys.json", keys);
  writeFileSync(`${store.dir}/operations.jsonl`, `${workload.lines.join("\n")}\n`);
  const deposits: PlannedDeposit[] = Array.from({ length: inst.members }, (_, c) => ({ chainId: c, to: BigInt(c), amount: 1_000_000n * BigInt(c + 1) }));
  deposits.push({ chainId: 0, to: (1n << BigInt(inst.depth)) - 1n, amount: 777n }); // no account there: refunded to the depositor
  return { genesis: genesisOf(keys), lines: workload.lines, workload, deposits };
}
