import { writeFileSync } from "node:fs";
import type { CircuitInstance } from "../circuits/manifest.js";
import type { RunStore } from "../store/run-store.js";
import { devWorkload } from "../workload/dev-workload.js";
import { genesisOf, type Genesis } from "../protocol/genesis.js";
import type { Workload } from "../workload/workload-generator.js";

/**
 * Generates the workload of a run that was given no `--operations` file (see devWorkload) and writes
 * keys.json and operations.jsonl into the run's store, so the run can be replayed with `--genesis`
 * and `--operations`.
 */
export async function generateRunWorkload(
  inst: CircuitInstance,
  store: RunStore,
  o: { operations: number; crossChainShare: number; faults: boolean; seed: string },
): Promise<{ genesis: Genesis; lines: string[]; workload: Workload }> {
  const { keys, workload } = await devWorkload(inst, o);
  store.writeJson("keys.json", keys);
  writeFileSync(`${store.dir}/operations.jsonl`, `${workload.lines.join("\n")}\n`);
  return { genesis: genesisOf(keys), lines: workload.lines, workload };
}
