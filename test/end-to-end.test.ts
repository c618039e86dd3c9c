import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NonceManager, Wallet } from "ethers";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { makeCluster, sendOp, transferOp } from "./helpers/cluster-fixture.js";
import { ClusterExecutor, type ExecutedBatch } from "../src/executor/cluster-executor.js";
import { batchCircuitInput } from "../src/circuits/batch-input.js";
import { ProverPool } from "../src/prover/prover-pool.js";
import { compileContracts } from "../src/l1/compile-contracts.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../src/l1/anvil.js";
import { deploySettlement } from "../src/l1/deploy.js";
import { sendSettle, settlementBatch } from "../src/l1/settlement-calldata.js";

let devnet: Devnet;
let pool: ProverPool;

afterAll(async () => {
  await pool?.close();
  await devnet?.stop();
  await terminateCurve();
});

describe("end to end: operations -> executor -> prover pool -> ClusterSettlement on anvil", () => {
  let prepared: Awaited<ReturnType<typeof preparedTestInstance>>;
  beforeAll(async () => {
    prepared = await preparedTestInstance();
    pool = new ProverPool(prepared.keys.vkey, { workers: 2 });
    devnet = await startAnvil();
  }, 600_000);

  it("settles every batch in one transaction; on-chain roots equal the executor's", async () => {
    const { inst, circuit, keys } = prepared;
    const fx = await makeCluster(inst.members, inst.depth);
    const genesis = fx.state.roots();
    const executor = new ClusterExecutor(fx.state, inst.slots, inst.deltaTicks);
    executor.submit(fx.sign(sendOp(0, 1, 0n, 1n, 100n, 0n)));
    executor.submit(fx.sign(transferOp(1, 1n, 0n, 20n, 0n)));
    executor.submit(fx.sign(transferOp(1, 1n, 0n, 999n, 1n)));   // overdraft: rejected, the rest settles
    executor.submit(fx.sign(sendOp(1, 0, 0n, 1n, 7n, 0n)));
    const batches: ExecutedBatch[] = [];
    for (let b = executor.nextBatch(); b; b = executor.nextBatch()) batches.push(b);
    expect(batches).toHaveLength(2); // B = 2: three valid operations, one slot each
    expect(executor.rejected).toEqual([expect.objectContaining({ position: 2, field: "amount" })]);

    const proofs = await Promise.all(batches.map((b) =>
      pool.prove(batchCircuitInput(b.header, b.slots, inst.slots, inst.depth), circuit.wasm, keys.zkey)));

    const artifacts = compileContracts(keys.verifierSol, circuit.dir);
    const signer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, devnetProvider(devnet.rpcUrl)));
    const settlement = await deploySettlement(signer, artifacts, { deltaTicks: inst.deltaTicks, clusterId: fx.clusterId, genesisRoots: genesis, genesisRootsCommitment: fx.state.rootsCommitment(genesis) });
    const receipt = await (await sendSettle(settlement as never, batches.map((b, i) => settlementBatch(b.header, proofs[i].proof)))).wait();
    expect(receipt!.status).toBe(1);
    expect(await settlement.currentRoots()).toEqual(fx.state.roots());
    expect(await settlement.rootsCommitment()).toBe(fx.state.rootsCommitment());
    expect(await settlement.nextBatchIndex()).toBe(2n);
    expect(await settlement.lastSettledTick()).toBe(BigInt(batches[1].header.lastTick));
  }, 600_000);
});
