import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Groth16Proof } from "snarkjs";
import { pubdataOfInput, type BatchHeader, type CircuitInput } from "../circuits/batch-input.js";
import { toJson } from "../protocol/json.js";
import { FieldError } from "../config/field-error.js";

/**
 * Life of a batch in the service: closed by the sequencer ("proving"), proved by the queue
 * ("proved"), on L1 at the head ("included": the contract's state at the latest block holds it) and
 * final ("settled": the contract holds it at the confirmation depth below the head). A reorg that
 * takes a batch out of the L1 sends it back to "proved", and it is settled again.
 */
export type BatchStatus = "proving" | "proved" | "included" | "settled";

/**
 * Life of a settlement transaction: signed (persisted before broadcast), sent, then mined, reverted
 * or dropped; "reorged" when its block left the L1's chain (its batches are sent again, in a new transaction).
 */
export type SubmissionStatus = "signed" | "sent" | "mined" | "reverted" | "dropped" | "reorged";

/** An accepted operation as stored. */
export interface StoredOperation {
  /** Acceptance order (0-based); the executor's order. */
  seq: number;
  /** SHA-256 of the operation's canonical JSON, hex (see operationId). */
  id: string;
  /** The operation as canonical JSON (operation-codec's encodeOperation). */
  body: string;
  /** Batch that executed it; null while its batch is open. */
  batchIndex: number | null;
  acceptedAt: number;
}

/** A closed batch as stored. */
export interface StoredBatch {
  batchIndex: number;
  status: BatchStatus;
  /** BatchHeader as JSON (bigints as strings). */
  header: string;
  /** Circuit input of ClusterBatch (NOOP-padded), JSON. */
  input: string;
  firstSeq: number;
  lastSeq: number;
  closedAt: number;
  /** Hash of the settlement transaction that put it on L1 (null until included, or when it was found on L1 sent by another account). */
  settledTx: string | null;
}

/** A Groth16 proof of a batch as stored. */
export interface StoredProof {
  batchIndex: number;
  proof: Groth16Proof;
  publicSignals: string[];
  witnessMs: number;
  proveMs: number;
  provedAt: number;
}

/** A settlement transaction as stored (written before it is broadcast). */
export interface StoredSubmission {
  id: number;
  firstBatch: number;
  lastBatch: number;
  from: string;
  nonce: number;
  txHash: string;
  /** The signed raw transaction, so a restart can broadcast exactly the same transaction again. */
  rawTx: string;
  status: SubmissionStatus;
  gasUsed: string | null;
  blockNumber: number | null;
  /** Decoded custom error or RPC error of a reverted or dropped transaction. */
  error: string | null;
  createdAt: number;
  /** When this node saw its receipt (ms since the epoch), or null. */
  minedAt: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS operations (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
  batch_index INTEGER, accepted_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS operations_batch ON operations(batch_index);
CREATE TABLE IF NOT EXISTS batches (
  batch_index INTEGER PRIMARY KEY, status TEXT NOT NULL, header TEXT NOT NULL, input TEXT NOT NULL,
  first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, closed_at INTEGER NOT NULL, settled_tx TEXT);
CREATE INDEX IF NOT EXISTS batches_status ON batches(status, batch_index);
CREATE TABLE IF NOT EXISTS proofs (
  batch_index INTEGER PRIMARY KEY, proof TEXT NOT NULL, public_signals TEXT NOT NULL,
  witness_ms REAL NOT NULL, prove_ms REAL NOT NULL, proved_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, first_batch INTEGER NOT NULL, last_batch INTEGER NOT NULL,
  from_address TEXT NOT NULL, nonce INTEGER NOT NULL, tx_hash TEXT NOT NULL UNIQUE, raw_tx TEXT NOT NULL,
  status TEXT NOT NULL, gas_used TEXT, block_number INTEGER, error TEXT, created_at INTEGER NOT NULL, mined_at INTEGER);
`;

/**
 * Governors' signed claims the node received (POST /v1/batches/:i/signatures): those matching the
 * batch's own claim count towards its fast confirmation; the others are kept as evidence for slashing.
 */
const GOVERNANCE_SCHEMA = `
CREATE TABLE IF NOT EXISTS claim_signatures (
  batch_index INTEGER NOT NULL, signer TEXT NOT NULL, claim_key TEXT NOT NULL, claim TEXT NOT NULL, signature TEXT NOT NULL,
  matches INTEGER NOT NULL, stake TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (batch_index, signer, claim_key));
CREATE TABLE IF NOT EXISTS fast_confirmations (
  batch_index INTEGER PRIMARY KEY, epoch TEXT NOT NULL, signed_stake TEXT NOT NULL, total_stake TEXT NOT NULL, confirmed_at INTEGER NOT NULL);
`;

/** A governor's signed claim as stored. */
export interface StoredClaimSignature {
  batchIndex: number;
  /** The recovered signer (checksummed address). */
  signer: string;
  /** claimKey(claim), 0x hex. */
  claimKey: string;
  /** The signed claim as JSON (bigints as strings). */
  claim: string;
  /** 65-byte signature, 0x hex. */
  signature: string;
  /** Whether the claim is the batch's own (header and roots commitment as the node closed it). */
  matches: boolean;
  /** The signer's stake in wei, as a decimal string, in the epoch it was received in. */
  stake: string;
  receivedAt: number;
}

/** The moment governors holding 2/3 of an epoch's stake had signed a batch's claim. */
export interface StoredFastConfirmation {
  batchIndex: number;
  epoch: string;
  signedStake: string;
  totalStake: string;
  confirmedAt: number;
}

const SUBMISSION_COLUMNS = `id, first_batch AS firstBatch, last_batch AS lastBatch, from_address AS "from", nonce, tx_hash AS txHash,
  raw_tx AS rawTx, status, gas_used AS gasUsed, block_number AS blockNumber, error, created_at AS createdAt, mined_at AS minedAt`;
const BATCH_COLUMNS = `batch_index AS batchIndex, status, header, input, first_seq AS firstSeq, last_seq AS lastSeq,
  closed_at AS closedAt, settled_tx AS settledTx`;
const OPERATION_COLUMNS = "seq, id, body, batch_index AS batchIndex, accepted_at AS acceptedAt";

/** The store is held by another connection (another service on the same data folder); its field is the data folder (`dataDir`). */
export class StoreInUse extends FieldError {
  /**
   * @param path the database file.
   * @param ownerPid the owner's pid from `<path>-owner`, when that process is alive.
   */
  constructor(
    readonly path: string,
    readonly ownerPid: number | undefined,
  ) {
    super("dataDir", `the store ${path} is in use by another process${ownerPid === undefined ? "" : ` (pid ${ownerPid})`}`);
    this.name = "StoreInUse";
  }
}

/** The pid recorded in `<path>-owner` when that process is alive (else undefined: the holder is another program). */
function ownerPid(path: string): number | undefined {
  let pid: unknown;
  try {
    pid = (JSON.parse(readFileSync(`${path}-owner`, "utf8")) as { pid?: unknown }).pid;
  } catch {
    return undefined; // no owner file (the holder is not a service) or a torn one
  }
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return pid;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM" ? pid : undefined; // EPERM: alive, another user's; ESRCH: gone
  }
}

/**
 * The prover service's durable store: one SQLite database (better-sqlite3) in WAL mode with
 * `synchronous = FULL`, so every committed transaction survives a process crash or power loss
 * (SQLite docs, "Write-Ahead Logging"). It holds every accepted operation, closed batch (header and
 * circuit input), Groth16 proof and settlement transaction; each state change is one transaction,
 * so a `kill -9` leaves each record either complete or absent.
 *
 * One process owns a store (a second service on the same file would execute the same operations
 * again): see the constructor.
 */
export class ClusterStore {
  private readonly db: Database.Database;

  /**
   * Opens (or creates) the database at `path`; ":memory:" for tests. The connection takes SQLite's
   * own exclusive lock at once and keeps it until `close` (`locking_mode = EXCLUSIVE`, set before WAL
   * is first used, so no shared-memory index is used either, then `BEGIN EXCLUSIVE`): a second opener,
   * in this process or another, fails at once (no busy wait). The lock is the kernel's (a POSIX
   * record lock on the database file), released when the owner's process ends by any means, a
   * `kill -9` included, so no stale lock can block a restart. The owner's pid is written to
   * `<path>-owner` for the error message only; that file is never a lock.
   * @throws StoreInUse (field `dataDir`) when another connection holds the store; Error from SQLite
   *   when the file cannot be opened or is not a database.
   */
  constructor(readonly path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { timeout: 0 });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.exec("BEGIN EXCLUSIVE; COMMIT");
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === "SQLITE_BUSY") throw new StoreInUse(path, ownerPid(path));
      throw e;
    }
    this.db = db;
    if (path !== ":memory:") writeFileSync(`${path}-owner`, `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`);
    this.db.pragma("synchronous = FULL");
    this.db.exec(SCHEMA);
    this.db.exec(GOVERNANCE_SCHEMA);
    // Stores made before the receipt time was recorded gain its column (NULL for their transactions).
    const columns = (this.db.prepare("PRAGMA table_info(submissions)").all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes("mined_at")) this.db.exec("ALTER TABLE submissions ADD COLUMN mined_at INTEGER");
  }

  /** A value of the meta table (JSON), or undefined. */
  getMeta<T>(key: string): T | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Sets a value of the meta table (JSON, bigints as strings). */
  setMeta(key: string, value: unknown): void {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, toJson(value));
  }

  /** Number of accepted operations (the next operation's seq; seqs have no gaps). O(log n). */
  operationCount(): number {
    return (this.db.prepare("SELECT COALESCE(MAX(seq), -1) + 1 AS n FROM operations").get() as { n: number }).n;
  }

  /** Records an accepted operation (committed before the API answers). @throws on a duplicate seq or id. */
  insertOperation(op: Omit<StoredOperation, "batchIndex">): void {
    this.db.prepare("INSERT INTO operations (seq, id, body, batch_index, accepted_at) VALUES (?, ?, ?, NULL, ?)").run(op.seq, op.id, op.body, op.acceptedAt);
  }

  /** The operation with this id, or undefined. */
  operationById(id: string): StoredOperation | undefined {
    return this.db.prepare(`SELECT ${OPERATION_COLUMNS} FROM operations WHERE id = ?`).get(id) as StoredOperation | undefined;
  }

  /** Operations of a closed batch, in slot order. */
  operationsOfBatch(batchIndex: number): StoredOperation[] {
    return this.db.prepare(`SELECT ${OPERATION_COLUMNS} FROM operations WHERE batch_index = ? ORDER BY seq`).all(batchIndex) as StoredOperation[];
  }

  /** Accepted operations whose batch is not closed yet, in acceptance order. */
  openOperations(): StoredOperation[] {
    return this.db.prepare(`SELECT ${OPERATION_COLUMNS} FROM operations WHERE batch_index IS NULL ORDER BY seq`).all() as StoredOperation[];
  }

  /** The admitted L1 deposits (entries of type DEPOSIT, canonicalDeposit), in queue order. */
  depositEntries(): StoredOperation[] {
    return this.db.prepare(`SELECT ${OPERATION_COLUMNS} FROM operations WHERE body LIKE '{"type":"DEPOSIT"%' ORDER BY seq`).all() as StoredOperation[];
  }

  /** Every operation, in acceptance order (for audits and tests). */
  allOperations(): StoredOperation[] {
    return this.db.prepare(`SELECT ${OPERATION_COLUMNS} FROM operations ORDER BY seq`).all() as StoredOperation[];
  }

  /**
   * Closes a batch in one transaction: stores its header and circuit input (status "proving") and
   * assigns its operations to it.
   * @param seqs the operations it executed, in slot order (consecutive seqs); none for a heartbeat batch.
   * @throws Error when the batch exists or an operation is already in a batch (the transaction is rolled back).
   */
  closeBatch(header: BatchHeader, input: CircuitInput, seqs: number[], closedAt: number): void {
    const index = Number(header.batchIndex);
    this.db.transaction(() => {
      const first = seqs[0] ?? this.operationCount(); // a heartbeat (no operation): the empty range after the last one
      this.db
        .prepare("INSERT INTO batches (batch_index, status, header, input, first_seq, last_seq, closed_at) VALUES (?, 'proving', ?, ?, ?, ?, ?)")
        .run(index, toJson(header), toJson(input), first, seqs.at(-1) ?? first - 1, closedAt);
      const assign = this.db.prepare("UPDATE operations SET batch_index = ? WHERE seq = ? AND batch_index IS NULL");
      for (const seq of seqs) {
        if (assign.run(index, seq).changes !== 1) throw new Error(`operation ${seq}: not open, cannot join batch ${index}`);
      }
    })();
  }

  /** Number of closed batches (the next batch's index; indices have no gaps). O(log n), no row is read. */
  batchCount(): number {
    return (this.db.prepare("SELECT COALESCE(MAX(batch_index), -1) + 1 AS n FROM batches").get() as { n: number }).n;
  }

  /** One batch, or undefined. */
  batch(index: number): StoredBatch | undefined {
    return this.db.prepare(`SELECT ${BATCH_COLUMNS} FROM batches WHERE batch_index = ?`).get(index) as StoredBatch | undefined;
  }

  /** The header of a closed batch, decoded (bigints back from their decimal strings), or undefined. */
  header(index: number): BatchHeader | undefined {
    const row = this.db.prepare("SELECT header FROM batches WHERE batch_index = ?").get(index) as { header: string } | undefined;
    if (!row) return undefined;
    const h = JSON.parse(row.header) as Record<string, unknown>;
    return {
      domain: BigInt(h.domain as string),
      batchIndex: BigInt(h.batchIndex as string),
      firstTick: Number(h.firstTick),
      lastTick: Number(h.lastTick),
      oldRoots: (h.oldRoots as string[]).map(BigInt),
      newRoots: (h.newRoots as string[]).map(BigInt),
      oldRootsCommitment: BigInt(h.oldRootsCommitment as string),
      newRootsCommitment: BigInt(h.newRootsCommitment as string),
      pubdataCommitment: BigInt(h.pubdataCommitment as string),
    };
  }

  /** The published data of a closed batch (pubdataOfInput of its stored circuit input), or undefined. */
  pubdata(index: number): bigint[] | undefined {
    const row = this.db.prepare("SELECT input FROM batches WHERE batch_index = ?").get(index) as { input: string } | undefined;
    return row && pubdataOfInput(JSON.parse(row.input) as CircuitInput);
  }

  /** The oldest batch waiting for its proof (lowest index with status proving): index and closing time (ms), or undefined. */
  oldestUnprovedBatch(): { batchIndex: number; closedAt: number } | undefined {
    return this.db
      .prepare("SELECT batch_index AS batchIndex, closed_at AS closedAt FROM batches WHERE status = 'proving' ORDER BY batch_index LIMIT 1")
      .get() as { batchIndex: number; closedAt: number } | undefined;
  }

  unprovedBatches(): StoredBatch[] {
    return this.db.prepare(`SELECT ${BATCH_COLUMNS} FROM batches WHERE status = 'proving' ORDER BY batch_index`).all() as StoredBatch[];
  }

  /**
   * Stores a batch's proof and marks it proved, in one transaction. A second proof of the same
   * batch (a job that ran twice) is ignored.
   * @returns true when this proof was stored, false when the batch already had one.
   */
  saveProof(p: StoredProof): boolean {
    return this.db.transaction(() => {
      const inserted =
        this.db
          .prepare("INSERT OR IGNORE INTO proofs (batch_index, proof, public_signals, witness_ms, prove_ms, proved_at) VALUES (?, ?, ?, ?, ?, ?)")
          .run(p.batchIndex, toJson(p.proof), toJson(p.publicSignals), p.witnessMs, p.proveMs, p.provedAt).changes === 1;
      if (inserted) this.db.prepare("UPDATE batches SET status = 'proved' WHERE batch_index = ? AND status = 'proving'").run(p.batchIndex);
      return inserted;
    })();
  }

  /** The proof of a batch, or undefined. */
  proof(batchIndex: number): StoredProof | undefined {
    const row = this.db
      .prepare(
        "SELECT batch_index AS batchIndex, proof, public_signals AS publicSignals, witness_ms AS witnessMs, prove_ms AS proveMs, proved_at AS provedAt FROM proofs WHERE batch_index = ?",
      )
      .get(batchIndex) as (Omit<StoredProof, "proof" | "publicSignals"> & { proof: string; publicSignals: string }) | undefined;
    return row && { ...row, proof: JSON.parse(row.proof), publicSignals: JSON.parse(row.publicSignals) };
  }

  /** Index of the first batch not settled (final; batches settle in order, so settled ones are a prefix). O(log n). */
  firstUnsettledBatch(): number {
    return (this.db.prepare("SELECT COALESCE(MAX(batch_index), -1) + 1 AS n FROM batches WHERE status = 'settled'").get() as { n: number }).n;
  }

  /**
   * Index of the first batch that is not on L1 (neither included nor settled): the next one to send,
   * and the contract's `nextBatchIndex` when this store and the L1 agree. O(log n).
   */
  firstBatchNotOnL1(): number {
    return (this.db.prepare("SELECT COALESCE(MAX(batch_index), -1) + 1 AS n FROM batches WHERE status IN ('included', 'settled')").get() as { n: number }).n;
  }

  /**
   * Marks batches `[0, upTo)` that are not on L1 yet "included" (the contract at the L1's head holds
   * them); `txHash` is recorded where known (null when found on L1 but sent by another account).
   * @returns how many batches changed to included.
   */
  markIncludedUpTo(upTo: number, txHash: string | null): number {
    return this.db
      .prepare("UPDATE batches SET status = 'included', settled_tx = COALESCE(?, settled_tx) WHERE batch_index < ? AND status IN ('proving', 'proved')")
      .run(txHash, upTo).changes;
  }

  /**
   * Marks included batches `[0, upTo)` "settled" (final: the contract holds them at the confirmation
   * depth below the head).
   * @returns how many batches changed to settled.
   */
  markSettledUpTo(upTo: number): number {
    return this.db.prepare("UPDATE batches SET status = 'settled' WHERE batch_index < ? AND status = 'included'").run(upTo).changes;
  }

  /**
   * Settled batches from index `from` on are not final any more (a reorg deeper than the confirmation
   * depth): they become "included" again. @returns how many changed.
   */
  markUnsettledFrom(from: number): number {
    return this.db.prepare("UPDATE batches SET status = 'included' WHERE batch_index >= ? AND status = 'settled'").run(from).changes;
  }

  /**
   * Batches from index `from` on left the L1 (a reorg took their settlement away): in one
   * transaction they become "proved" again (their proofs stay; the submitter sends them again) and
   * their mined submissions become "reorged".
   * @returns the indices that changed, ascending.
   */
  markReorgedFrom(from: number): number[] {
    return this.db.transaction(() => {
      const gone = (
        this.db.prepare("SELECT batch_index AS i FROM batches WHERE batch_index >= ? AND status IN ('included', 'settled') ORDER BY batch_index").all(from) as {
          i: number;
        }[]
      ).map((r) => r.i);
      this.db.prepare("UPDATE batches SET status = 'proved', settled_tx = NULL WHERE batch_index >= ? AND status IN ('included', 'settled')").run(from);
      this.db.prepare("UPDATE submissions SET status = 'reorged' WHERE last_batch >= ? AND status = 'mined'").run(from);
      return gone;
    })();
  }

  /**
   * Operations accepted but not settled on L1 (the bounded queue of the API): those after the last
   * operation of the last settled batch (batches hold consecutive seqs and settle in order). O(log n).
   */
  unsettledOperationCount(): number {
    const settledUpTo = (
      this.db
        .prepare(`SELECT COALESCE((SELECT last_seq FROM batches WHERE status = 'settled'
      ORDER BY batch_index DESC LIMIT 1), -1) AS s`)
        .get() as { s: number }
    ).s;
    return this.operationCount() - (settledUpTo + 1);
  }

  /** Batches per status. */
  batchCounts(): Record<BatchStatus, number> {
    const counts: Record<BatchStatus, number> = { proving: 0, proved: 0, included: 0, settled: 0 };
    for (const row of this.db.prepare("SELECT status, COUNT(*) AS n FROM batches GROUP BY status").all() as { status: BatchStatus; n: number }[])
      counts[row.status] = row.n;
    return counts;
  }

  /** Records a signed settlement transaction before it is broadcast. @returns its id. */
  insertSubmission(s: Pick<StoredSubmission, "firstBatch" | "lastBatch" | "from" | "nonce" | "txHash" | "rawTx" | "createdAt">): number {
    return Number(
      this.db
        .prepare(`INSERT INTO submissions (first_batch, last_batch, from_address, nonce, tx_hash, raw_tx, status, created_at)
      VALUES (?, ?, ?, ?, ?, ?, 'signed', ?)`)
        .run(s.firstBatch, s.lastBatch, s.from, s.nonce, s.txHash, s.rawTx, s.createdAt).lastInsertRowid,
    );
  }

  /** Updates a submission's status (and receipt data or error). */
  updateSubmission(id: number, u: { status: SubmissionStatus; gasUsed?: bigint; blockNumber?: number; error?: string; minedAt?: number }): void {
    this.db
      .prepare(
        "UPDATE submissions SET status = ?, gas_used = COALESCE(?, gas_used), block_number = COALESCE(?, block_number), error = COALESCE(?, error), mined_at = COALESCE(?, mined_at) WHERE id = ?",
      )
      .run(u.status, u.gasUsed?.toString() ?? null, u.blockNumber ?? null, u.error ?? null, u.minedAt ?? null, id);
  }

  /** Submissions signed or sent whose receipt has not been seen, oldest first. */
  pendingSubmissions(): StoredSubmission[] {
    return this.db.prepare(`SELECT ${SUBMISSION_COLUMNS} FROM submissions WHERE status IN ('signed', 'sent') ORDER BY id`).all() as StoredSubmission[];
  }

  /** Every submission, oldest first. */
  submissions(): StoredSubmission[] {
    return this.db.prepare(`SELECT ${SUBMISSION_COLUMNS} FROM submissions ORDER BY id`).all() as StoredSubmission[];
  }

  /** One submission by id or transaction hash, or undefined. */
  submission(idOrHash: number | string): StoredSubmission | undefined {
    const where = typeof idOrHash === "number" ? "id = ?" : "tx_hash = ?";
    return this.db.prepare(`SELECT ${SUBMISSION_COLUMNS} FROM submissions WHERE ${where}`).get(idOrHash) as StoredSubmission | undefined;
  }

  /**
   * Records a governor's signed claim (once per batch, signer and claim).
   * @returns false when the same signer's same claim was recorded before (nothing changed).
   */
  insertClaimSignature(s: StoredClaimSignature): boolean {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO claim_signatures (batch_index, signer, claim_key, claim, signature, matches, stake, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.batchIndex, s.signer, s.claimKey, s.claim, s.signature, s.matches ? 1 : 0, s.stake, s.receivedAt);
    return r.changes === 1;
  }

  /** The signed claims received for a batch, in arrival order. */
  claimSignatures(batchIndex: number): StoredClaimSignature[] {
    const rows = this.db
      .prepare(
        `SELECT batch_index AS batchIndex, signer, claim_key AS claimKey, claim, signature, matches, stake, received_at AS receivedAt
         FROM claim_signatures WHERE batch_index = ? ORDER BY received_at, signer`,
      )
      .all(batchIndex) as (Omit<StoredClaimSignature, "matches"> & { matches: number })[];
    return rows.map((r) => ({ ...r, matches: r.matches === 1 }));
  }

  /** Records a batch's fast confirmation; a second record of the same batch is ignored. */
  setFastConfirmation(f: StoredFastConfirmation): void {
    this.db
      .prepare("INSERT OR IGNORE INTO fast_confirmations (batch_index, epoch, signed_stake, total_stake, confirmed_at) VALUES (?, ?, ?, ?, ?)")
      .run(f.batchIndex, f.epoch, f.signedStake, f.totalStake, f.confirmedAt);
  }

  /** A batch's fast confirmation, or undefined. */
  fastConfirmation(batchIndex: number): StoredFastConfirmation | undefined {
    return this.db
      .prepare(
        "SELECT batch_index AS batchIndex, epoch, signed_stake AS signedStake, total_stake AS totalStake, confirmed_at AS confirmedAt FROM fast_confirmations WHERE batch_index = ?",
      )
      .get(batchIndex) as StoredFastConfirmation | undefined;
  }

  /**
   * Forgets the L1 side (a new deployment on a new devnet): settled batches become "proved" again
   * (their proofs stay) and the settlement transactions of the vanished devnet are deleted (a new
   * devnet can give the very same signed transaction, hash included), and so are the governors'
   * signatures and fast confirmations (they were over the old registry's domain). One transaction.
   */
  resetSettlement(): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE batches SET status = 'proved', settled_tx = NULL WHERE status IN ('included', 'settled')").run();
      this.db.prepare("DELETE FROM submissions").run();
      this.db.prepare("DELETE FROM meta WHERE key = 'deployment'").run();
      // the new deployment has a new GovernorRegistry: signatures over the old one's domain mean nothing there
      this.db.prepare("DELETE FROM claim_signatures").run();
      this.db.prepare("DELETE FROM fast_confirmations").run();
    })();
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
