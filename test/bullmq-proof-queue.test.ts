import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "../src/circuits/manifest.js";
import { freeLoopbackPort } from "../src/l1/anvil.js";
import { verifyGroth16, type ProveResult } from "../src/prover/prover-pool.js";
import type { CircuitInput } from "../src/circuits/batch-input.js";
import { BullProofQueue, proofQueueName, redisConnection } from "../src/prover/bullmq-proof-queue.js";
import type { ProofJob } from "../src/prover/proof-queue.js";
import type { Genesis } from "../src/protocol/genesis.js";
import { BASE_FIELD } from "../src/crypto/field.js";
import { ProverPool } from "../src/prover/prover-pool.js";
import { type Job, Worker } from "bullmq";
import { ProverService } from "../src/service/prover-service.js";
import { Sequencer } from "../src/core/sequencer.js";
import { ClusterStore } from "../src/store/cluster-store.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import type { SignedOperation } from "../src/protocol/operation.js";
import { parseOperation } from "../src/protocol/operation-codec.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { getJson, postOperations, quietLogger, signedOperations, tempDir, waitFor } from "./helpers/service-fixture.js";
import { recordConvergence } from "./helpers/recovery-matrix.js";

/** Debian's redis-server (`.ci/run` installs it); without it these tests are skipped, saying so. */
const redisAvailable = spawnSync("redis-server", ["--version"]).status === 0;
if (!redisAvailable) console.warn("SKIPPED: BullMQ proof queue tests need redis-server on PATH (Debian package redis-server); none found");

let redis: ChildProcess | undefined;
let redisUrl: string;
let prover: ChildProcess | undefined;
const proverLines: string[] = [];
let prepared: PreparedInstance;

async function startRedis(): Promise<void> {
  const port = await freeLoopbackPort();
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  redis.stdout!.on("data", (d) => (out += d));
  await waitFor("redis-server ready", () => /Ready to accept connections/.test(out), 20_000, 50);
  redisUrl = `redis://127.0.0.1:${port}`;
}

/** `cluster-settle prover` in its own process: a remote prover as on another machine. */
function startProver(): void {
  prover = spawn(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), "prover", "--redis-url", redisUrl, "--instance", "test", "--workers", "1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  createInterface({ input: prover.stderr! }).on("line", (l) => proverLines.push(l));
}

/** A service on its own devnet whose batches are proved only through BullMQ (no local workers: --workers 0). */
async function remoteProvedService(
  genesis: Genesis,
  dataDirPrefix: string,
  o: { provingDeadlineMs?: number; provingAgeLimitMs?: number } = {},
): Promise<ProverService> {
  return ProverService.start(
    {
      dataDir: tempDir(dataDirPrefix),
      genesis,
      workers: 0,
      singleThread: true,
      tickDeadlineMs: 300,
      settleBatches: 2,
      queueLimit: 64,
      rpcRetryMinMs: 100,
      rpcRetryMaxMs: 1000,
      provingAgeLimitMs: o.provingAgeLimitMs,
      proofQueue: (p, log) => BullProofQueue.connect(redisUrl, p, log, undefined, { provingDeadlineMs: o.provingDeadlineMs }),
    },
    { host: "127.0.0.1", port: 0, maxOperationsPerRequest: 8, bodyLimitBytes: 64 * 1024 },
    prepared,
    quietLogger(),
  );
}

/** Waits until the service reports `n` batches settled. */
async function settled(service: ProverService, n: number): Promise<void> {
  await waitFor(
    `${n} batches settled`,
    async () => (await getJson<{ batches: { settled: number } }>(`${service.url}/v1/status`)).body.batches.settled === n,
    240_000,
    300,
  );
}

/** Stops the `prover` process (idempotent); resolves once it has exited. */
async function stopProver(): Promise<void> {
  if (!prover || prover.exitCode !== null || prover.signalCode !== null) return;
  const exited = new Promise((resolve) => prover!.once("exit", resolve));
  prover.kill("SIGTERM");
  await exited;
}

const provingLines = () => proverLines.filter((l) => l.includes('"proving batch (BullMQ job)"'));

describe.skipIf(!redisAvailable)("BullMQ proof queue on a real redis-server, with a prover in another process", () => {
  beforeAll(async () => {
    prepared = await preparedTestInstance();
    await startRedis();
    startProver();
  }, 600_000);

  afterAll(async () => {
    prover?.kill("SIGTERM");
    redis?.kill("SIGTERM");
    await terminateCurve();
  });

  it("a remote prover proves a queued batch; the same batch queued again is answered from the completed job, not proved again", async () => {
    const { genesis, operations } = await signedOperations(prepared.inst, 2, "bullmq-test");
    const store = new ClusterStore(":memory:");
    const sequencer = await Sequencer.recover(prepared.inst, genesis, store, { tickDeadlineMs: 3_600_000 }, () => {});
    for (const raw of operations) sequencer.admit(parseOperation(raw) as SignedOperation);
    const batch = store.batch(0)!;
    const job = { instance: "test", batchIndex: 0, input: JSON.parse(batch.input) as CircuitInput };

    const results: ProveResult[] = [];
    const queue = await BullProofQueue.connect(redisUrl, prepared, quietLogger());
    try {
      await queue.start({
        proved: (_i, r) => results.push(r),
        failed: (i, e) => {
          throw new Error(`batch ${i} failed: ${e.message}`);
        },
        unreadable: (i, reason) => {
          throw new Error(`batch ${i}: ${reason}`);
        },
      });
      await queue.submit(job);
      expect(queue.depth()).toBe(1);
      await waitFor("the remote prover's proof", () => results.length === 1, 180_000);
      expect(await verifyGroth16(prepared.keys.vkey, results[0].publicSignals, results[0].proof)).toBe(true);
      expect(results[0].publicSignals[0]).toBe(job.input.header);

      await queue.submit(job);
      await waitFor("the completed job's result", () => results.length === 2, 10_000);
      expect(results[1].proof).toEqual(results[0].proof);
      expect(provingLines()).toHaveLength(1);
    } finally {
      await queue.close();
      store.close();
    }
  });

  it("a service with --redis-url and no local workers settles through the remote prover", async () => {
    const { genesis, operations } = await signedOperations(prepared.inst, 4, "bullmq-service");
    const service = await remoteProvedService(genesis, "service-bullmq");
    try {
      expect((await postOperations(service.url, operations)).status).toBe(202);
      await settled(service, 2);
      expect((await getJson<{ proofQueue: string }>(`${service.url}/v1/status`)).body.proofQueue).toBe("bullmq");
    } finally {
      await service.stop();
    }
  });

  it("refuses untrusted remote results (not JSON, another batch's signals, Jacobian pi_a) and queues each batch again as a new job until a proof fits", async () => {
    // The honest prover process leaves; a malicious prover in this process answers each batch's first
    // three jobs with a bad result, then proves honestly.
    await stopProver();
    const pool = new ProverPool(prepared.keys.vkey, { workers: 1 });
    const seen: string[] = [];
    const malicious = new Worker(
      proofQueueName("test"),
      async (job: Job<ProofJob>) => {
        seen.push(job.id!);
        const attempt = job.data.attempt ?? 0;
        if (attempt === 0) return "not json {";
        const honest = await pool.prove(job.data.input, prepared.circuit.wasm, prepared.keys.zkey);
        if (attempt === 1)
          return { ...honest, publicSignals: [String(BigInt(honest.publicSignals[0]) + (1n << 64n)), ...honest.publicSignals.slice(1)], prover: "evil:1" };
        if (attempt === 2) {
          // the same point in Jacobian coordinates (X·Z², Y·Z³, Z) with Z = 2: snarkjs' verifier accepts it, the EVM does not
          const [x, y] = honest.proof.pi_a.map(BigInt);
          return { ...honest, proof: { ...honest.proof, pi_a: [String((x * 4n) % BASE_FIELD), String((y * 8n) % BASE_FIELD), "2"] }, prover: "evil:1" };
        }
        return { ...honest, prover: "honest:1" };
      },
      { connection: redisConnection(redisUrl), concurrency: 1 },
    );

    const { genesis, operations } = await signedOperations(prepared.inst, 2, "bullmq-refused");
    const service = await remoteProvedService(genesis, "service-bullmq-refused");
    try {
      const t0 = performance.now();
      expect((await postOperations(service.url, operations)).status).toBe(202);
      await settled(service, 1);
      recordConvergence(
        "bad, garbage and non-canonical remote results",
        "each refused and counted by prover, batch queued again as a new job, settled from the honest proof",
        performance.now() - t0,
      );
      expect(seen.map((id) => id.replace(/^batch-0-[0-9a-f]{16}/, ""))).toEqual(["", "-a1", "-a2", "-a3"]);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toMatch(/cluster_proofs_refused_total\{queue="bullmq",prover="unknown"\} 1/);
      expect(metrics).toMatch(/cluster_proofs_refused_total\{queue="bullmq",prover="evil:1"\} 2/);
      expect((await getJson<{ ready: boolean }>(`${service.url}/readyz`)).body.ready).toBe(true);
      const stored = (await getJson<{ proof: { pi_a: string[] } }>(`${service.url}/v1/batches/0/proof`)).body;
      expect(stored.proof.pi_a[2]).toBe("1");
    } finally {
      await service.stop();
      await malicious.close(true);
      await pool.close();
    }
  });

  it("never gives up a batch whose results keep being refused: it is queued again with backoff, /readyz names it, and it settles once an honest prover is back", {
    timeout: 300_000,
  }, async () => {
    await stopProver();
    const pool = new ProverPool(prepared.keys.vkey, { workers: 1 });
    const attempts: number[] = [];
    const HONEST_FROM = 9; // 8 refusals at once, then one after a 2 s backoff; the 10th job (after 4 s more) is proved
    const flaky = new Worker(
      proofQueueName("test"),
      async (job: Job<ProofJob>) => {
        const attempt = job.data.attempt ?? 0;
        attempts.push(attempt);
        if (attempt < HONEST_FROM) return "not json {";
        return { ...(await pool.prove(job.data.input, prepared.circuit.wasm, prepared.keys.zkey)), prover: "honest:1" };
      },
      { connection: redisConnection(redisUrl), concurrency: 1 },
    );

    const { genesis, operations } = await signedOperations(prepared.inst, 2, "bullmq-backoff");
    const service = await remoteProvedService(genesis, "service-bullmq-backoff");
    try {
      expect((await postOperations(service.url, operations)).status).toBe(202);
      const named = await waitFor(
        "/readyz naming the batch whose results keep being refused",
        async () => {
          const r = await getJson<{ ready: boolean; reasons: string[] }>(`${service.url}/readyz`);
          return r.body.reasons.find((x) => /^batch 0: \d+ attempts gave no usable proof, the last: .*; queued again every \d+ s at most$/.test(x));
        },
        60_000,
        100,
      );
      expect(named).toBeDefined();
      const t0 = performance.now();
      await settled(service, 1);
      recordConvergence(
        "a remote prover that only sends garbage (honest from the 10th job)",
        "queued again with backoff (2 s, 4 s), /readyz named it; settled from the honest proof",
        performance.now() - t0,
      );
      expect(attempts).toEqual(Array.from({ length: HONEST_FROM + 1 }, (_, i) => i));
      expect((await getJson<{ ready: boolean }>(`${service.url}/readyz`)).body.ready).toBe(true);
    } finally {
      await service.stop();
      await flaky.close(true);
      await pool.close();
    }
  });

  it("reassigns a batch whose prover holds it past the proving deadline; /readyz and the metrics show the wait meanwhile", { timeout: 300_000 }, async () => {
    await stopProver(); // no honest prover: only the slow one below takes jobs
    // A prover that takes the first job of a batch and never answers (BullMQ renews its lock, so BullMQ
    // alone would wait forever), but proves later jobs.
    const pool = new ProverPool(prepared.keys.vkey, { workers: 1 });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const taken: string[] = [];
    const slow = new Worker(
      proofQueueName("test"),
      async (job: Job<ProofJob>) => {
        taken.push(job.id!);
        if ((job.data.attempt ?? 0) === 0) {
          await held;
          throw new Error("released at the end of the test");
        }
        return { ...(await pool.prove(job.data.input, prepared.circuit.wasm, prepared.keys.zkey)), prover: "slow:1" };
      },
      { connection: redisConnection(redisUrl), concurrency: 2 },
    );

    const { genesis, operations } = await signedOperations(prepared.inst, 2, "bullmq-deadline");
    const service = await remoteProvedService(genesis, "service-bullmq-deadline", { provingDeadlineMs: 10_000, provingAgeLimitMs: 1_000 });
    try {
      expect((await postOperations(service.url, operations)).status).toBe(202);
      const waiting = await waitFor(
        "/readyz saying the batch waits for its proof",
        async () => {
          const r = await getJson<{ ready: boolean; reasons: string[] }>(`${service.url}/readyz`);
          return r.body.reasons.find((x) => /^batch 0 has waited \d+ s for its proof \(limit 1 s\)$/.test(x));
        },
        30_000,
        200,
      );
      expect(waiting).toBeDefined();
      const t0 = performance.now();
      await settled(service, 1);
      recordConvergence(
        "a remote prover that never answers (deadline 10 s)",
        "job reassigned after the proving deadline, settled; counted from /readyz reporting the wait",
        performance.now() - t0,
      );
      // the held job, then its reassignment (on a loaded machine a proof of attempt 1 may pass the deadline too: then attempt 2, …)
      const attempts = taken.map((id) => id.replace(/^batch-0-[0-9a-f]{16}/, ""));
      expect(attempts.slice(0, 2)).toEqual(["", "-a1"]);
      expect(attempts.slice(2).every((a, i) => a === `-a${i + 2}`)).toBe(true);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(Number(metrics.match(/cluster_proving_deadline_expired_total\{queue="bullmq"\} (\d+)/)?.[1])).toBe(attempts.length - 1);
      expect(metrics).toMatch(/cluster_oldest_unproved_batch_age_seconds 0/);
      expect((await getJson<{ ready: boolean }>(`${service.url}/readyz`)).body.ready).toBe(true);
    } finally {
      release();
      await service.stop();
      await slow.close(true);
      await pool.close();
    }
  });
});
