import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, type JsonRpcProvider, Wallet, parseEther } from "ethers";
import { DEFAULT_GOVERNANCE_TIMELOCK_SECONDS, governanceClient } from "../src/governance/joint-governance.js";
import { settlementInterfaceAbi } from "../src/l1/compile-contracts.js";
import { pino } from "pino";
import { devnetProvider } from "../src/l1/anvil.js";
import { ProverService } from "../src/service/prover-service.js";
import type { PreparedInstance } from "../src/setup/prepared-instance.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { getJson, postOperations, quietLogger, signedOperations, tempDir, waitFor } from "./helpers/service-fixture.js";
import { httpSequencer, runGovernor } from "../src/governance/governor.js";
import { claimDomain, signClaim } from "../src/governance/claim.js";
import { claimStatus, registryClient, type GovernorRegistryClient } from "../src/governance/registry.js";
import type { BatchView } from "../src/service/api-views.js";
import type { BatchEntriesView, ClaimSignaturesView } from "../src/governance/claim-views.js";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { writeJson } from "../src/protocol/genesis.js";
import { cli } from "./helpers/cli-process.js";
import { EXIT } from "../src/cli/cli-error.js";

// A cluster of instance "test" served on its own anvil, three honest governor nodes (runGovernor, as
// `cluster-settle govern` runs it) and one governor that signs a wrong root: the honest ones fast-confirm
// every batch, record the confirmation on L1, and once the proof settles report the liar, who is slashed.

let prepared: PreparedInstance;
let service: ProverService;
let provider: JsonRpcProvider;
let registry: GovernorRegistryClient;
let status: { settlement: string; registry: string; governance: string; rpcUrl: string };
const stop = new AbortController();
const honest: Wallet[] = [];
let liar: Wallet;
let running: Promise<unknown>[] = [];
let operations: Record<string, unknown>[];
let genesisFile: string;

beforeAll(async () => {
  prepared = await preparedTestInstance();
  const signed = await signedOperations(prepared.inst, 4, "governors-test");
  operations = signed.operations;
  genesisFile = join(tempDir("governors-genesis"), "genesis.json");
  writeJson(genesisFile, signed.genesis);
  service = await ProverService.start(
    {
      dataDir: tempDir("governors"),
      genesis: signed.genesis,
      workers: 1,
      singleThread: true,
      tickDeadlineMs: 300,
      settleBatches: 1,
      rpcRetryMinMs: 100,
      rpcRetryMaxMs: 1000,
      registry: { epochBlocks: 5, challengeWindowBlocks: 10, unbondingBlocks: 20 },
    },
    { host: "127.0.0.1", port: 0, maxOperationsPerRequest: 8, bodyLimitBytes: 64 * 1024 },
    prepared,
    quietLogger(),
  );
  await service.whenReconciled();
  status = (await getJson<typeof status>(`${service.url}/v1/status`)).body;
  provider = devnetProvider(status.rpcUrl);
  registry = registryClient(status.registry, provider);
  for (let k = 0; k < 4; k++) {
    const w = new Wallet(Wallet.createRandom().privateKey, provider);
    await provider.send("anvil_setBalance", [w.address, `0x${parseEther("10").toString(16)}`]);
    await (await registryClient(status.registry, w).bond({ value: parseEther("1") })).wait();
    if (k < 3) honest.push(w);
    else liar = w;
  }
  await provider.send("anvil_mine", ["0x5"]); // into the next epoch: all four are in the set
  running = honest.map((wallet) =>
    runGovernor({
      inst: prepared.inst,
      genesis: signed.genesis,
      wallet,
      sequencer: httpSequencer(service.url),
      pollMs: 100,
      log: pino({ level: "silent" }),
      signal: stop.signal,
    }),
  );
}, 600_000);

afterAll(async () => {
  stop.abort();
  await Promise.allSettled(running);
  provider?.destroy();
  await service?.stop();
  await terminateCurve();
});

describe("governors end to end on anvil: fast confirmation, and a lie slashed with the proof as evidence", () => {
  it("fast-confirms each batch with the honest 3/4 of the stake; the liar's wrong root is kept as evidence, reported once the batch settles, and slashed; the honest keep their stake", async () => {
    expect((await postOperations(service.url, operations)).status).toBe(202);
    const entries = await waitFor("batch 0 closed", async () => {
      const r = await getJson<BatchEntriesView>(`${service.url}/v1/batches/0/entries`);
      return r.status === 200 && r.body;
    });
    // the liar signs batch 0 with a wrong roots commitment and posts it like any governor
    const domain = claimDomain((await provider.getNetwork()).chainId, status.registry);
    const lie = {
      cluster: status.settlement,
      batchIndex: 0n,
      header: BigInt(entries.claim.header),
      newRootsCommitment: BigInt(entries.claim.newRootsCommitment) + 1n,
    };
    const lying = await signClaim(liar, domain, lie);
    const posted = await fetch(`${service.url}/v1/batches/0/signatures`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ claim: { ...entries.claim, newRootsCommitment: lie.newRootsCommitment.toString() }, signature: lying.signature }),
    });
    expect(posted.status).toBe(202);
    expect(await posted.json()).toMatchObject({ signer: liar.address, matches: false, recorded: true });

    const batch = await waitFor("batch 0 fast-confirmed", async () => {
      const b = (await getJson<BatchView>(`${service.url}/v1/batches/0`)).body;
      return b.fastConfirmedAt !== null && b;
    });
    expect(Date.parse(batch.fastConfirmedAt!)).toBeGreaterThanOrEqual(Date.parse(batch.closedAt));
    const signatures = (await getJson<ClaimSignaturesView>(`${service.url}/v1/batches/0/signatures`)).body;
    expect(
      signatures.signatures
        .filter((s) => s.matches)
        .map((s) => s.signer)
        .sort(),
    ).toEqual(honest.map((w) => w.address).sort());
    expect(signatures.fastConfirmation).toMatchObject({ signedStake: parseEther("3").toString(), totalStake: parseEther("4").toString() });

    await waitFor("the liar slashed", async () => (await registry.governorOf(liar.address)).slashed, 300_000);
    expect(await registry.burned()).toBe(parseEther("0.5")); // half of the liar's stake; the other half is owed to the reporter
    for (const w of honest) {
      const record = await registry.governorOf(w.address);
      expect([record.slashed, record.stake]).toEqual([false, parseEther("1")]);
    }
    const light = await waitFor("the light client sees batch 0 settled with its confirmation", async () => {
      const s = await claimStatus(registry, 0n);
      return s.status === "settled" && s.confirmation && s;
    });
    expect(light.settledKey).toBe(light.confirmation!.claimKey);
    // every batch of the workload: signed by all three honest governors, fast-confirmed
    const last = await waitFor(
      "batch 1 fast-confirmed",
      async () => (await getJson<BatchView>(`${service.url}/v1/batches/1`)).body.fastConfirmedAt ?? undefined,
    );
    expect(Number.isNaN(Date.parse(last))).toBe(false);
  }, 600_000);

  it("the service deployed the cluster's joint governance beside its registry, and made it the settlement's governance", async () => {
    const governance = governanceClient(status.governance, provider);
    expect(await governance.settlement()).toBe(status.settlement);
    expect(await governance.registry()).toBe(status.registry);
    expect(await governance.timelockSeconds()).toBe(BigInt(DEFAULT_GOVERNANCE_TIMELOCK_SECONDS));
    expect(await new Contract(status.settlement, settlementInterfaceAbi() as never, provider).governance()).toBe(status.governance);
  });

  it("refuses a signature by a non-governor, over another domain, or over another cluster, naming the field", async () => {
    const entries = (await getJson<BatchEntriesView>(`${service.url}/v1/batches/0/entries`)).body;
    const claim = {
      cluster: status.settlement,
      batchIndex: 0n,
      header: BigInt(entries.claim.header),
      newRootsCommitment: BigInt(entries.claim.newRootsCommitment),
    };
    const post = async (signature: string, claimView = entries.claim) =>
      fetch(`${service.url}/v1/batches/0/signatures`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ claim: claimView, signature }),
      }).then(async (r) => [r.status, await r.json()]);
    const domain = claimDomain((await provider.getNetwork()).chainId, status.registry);
    const stranger = Wallet.createRandom();
    expect(await post((await signClaim(stranger, domain, claim)).signature)).toEqual([
      400,
      { error: "bad_request", field: "signature", reason: `its signer ${stranger.address} holds no stake in epoch ${await registry.currentEpoch()}` },
    ]);
    // an honest governor's signature over another registry's domain recovers to someone else: no stake
    const foreign = await signClaim(honest[0], claimDomain(1n, status.registry), claim);
    const [code, body] = await post(foreign.signature);
    expect([code, (body as { field: string }).field]).toEqual([400, "signature"]);
    expect((body as { reason: string }).reason).not.toContain(honest[0].address);
    expect(await post(foreign.signature, { ...entries.claim, cluster: honest[0].address })).toEqual([
      400,
      { error: "bad_request", field: "claim.cluster", reason: `is not this cluster's settlement ${status.settlement}` },
    ]);
  });

  it("cluster-settle govern fed a forged operation, or a claim its re-execution does not give, refuses to sign and says why (exit 5)", async () => {
    const real = (await getJson<BatchEntriesView>(`${service.url}/v1/batches/0/entries`)).body;
    const forged = JSON.parse(real.entries[0]) as Record<string, unknown>;
    forged.amount = (BigInt(forged.amount as string) + 1n).toString(); // the signature no longer covers it
    const govern = async (served: BatchEntriesView) => {
      const fake: Server = createServer((request, response) => {
        const body = request.url === "/v1/status" ? status : request.url === "/v1/batches/0/entries" ? served : undefined;
        response.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? { error: "not_found" }));
      });
      await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
      try {
        const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
        return await cli(
          "govern",
          "--instance",
          "test",
          "--genesis",
          genesisFile,
          "--sequencer",
          url,
          "--rpc-url",
          status.rpcUrl,
          "--key",
          honest[0].privateKey,
        );
      } finally {
        fake.close();
      }
    };
    const bad = await govern({ ...real, entries: [JSON.stringify(forged), ...real.entries.slice(1)] });
    expect(bad.code).toBe(EXIT.CHECK_FAILED);
    expect(bad.stderr).toMatch(/^error: refusing to sign batch 0: entries\[0\]\.signature: /m);
    const wrongClaim = await govern({ ...real, claim: { ...real.claim, newRootsCommitment: "5" } });
    expect(wrongClaim.code).toBe(EXIT.CHECK_FAILED);
    expect(wrongClaim.stderr).toContain(
      `refusing to sign batch 0: claim: the sequencer claims roots commitment 5, re-execution gives ${real.claim.newRootsCommitment}`,
    );
  }, 120_000);
});
