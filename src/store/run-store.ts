import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync } from "node:fs";
import { writeFileAtomic } from "./atomic-file.js";
import { join } from "node:path";
import { toJson } from "../protocol/json.js";

/**
 * On-disk record of one run, in a folder of plain files (readable with jq, diffable):
 *
 * - `genesis.json`          the genesis the executor started from
 * - `accepted.jsonl`        every executed operation: line, batch index, tick order, the operation
 * - `rejected.jsonl`        every rejected line: line number, field, reason
 * - `batches/NNNNNN.json`   header, messages and full circuit input of each batch
 * - `proofs/NNNNNN.json`    Groth16 proof and public signals of each batch (the file `verify` checks)
 * - `settlements.jsonl`     one line per L1 transaction: hash, batch indices, gas used
 * - `report.json`           the run's summary
 *
 * Whole files are written to a temporary name and renamed; JSONL lines are appended and fsynced,
 * so a crash leaves every record either complete or absent.
 */
export class RunStore {
  /**
   * @param dir the run's folder (created if missing).
   */
  constructor(readonly dir: string) {
    mkdirSync(join(dir, "batches"), { recursive: true });
    mkdirSync(join(dir, "proofs"), { recursive: true });
  }

  /** Path of the proof file of batch `index`. */
  proofPath(index: bigint | number): string {
    return join(this.dir, "proofs", `${String(index).padStart(6, "0")}.json`);
  }

  /** Path of the batch file of batch `index`. */
  batchPath(index: bigint | number): string {
    return join(this.dir, "batches", `${String(index).padStart(6, "0")}.json`);
  }

  /** Writes a whole JSON file atomically (temporary file, fsync, rename). `name` is relative to the run folder. */
  writeJson(name: string, value: unknown): string {
    const path = join(this.dir, name);
    writeFileAtomic(path, `${toJson(value, 2)}\n`);
    return path;
  }

  /** Writes a whole JSONL file atomically (one record per line). `name` is relative to the run folder. */
  writeJsonl(name: "accepted.jsonl" | "rejected.jsonl" | "settlements.jsonl", records: unknown[]): string {
    const path = join(this.dir, name);
    writeFileAtomic(path, records.map((r) => `${toJson(r)}\n`).join(""));
    return path;
  }

  /** Appends records as JSON lines to `name` and fsyncs. */
  appendJsonl(name: "accepted.jsonl" | "rejected.jsonl" | "settlements.jsonl", records: unknown[]): void {
    const path = join(this.dir, name);
    appendFileSync(path, records.map((r) => `${toJson(r)}\n`).join(""));
    const fd = openSync(path, "r");
    fsyncSync(fd);
    closeSync(fd);
  }
}
