import * as snarkjs from "snarkjs";
import { batchCircuitInput, batchPubdata, makeHeader, type BatchHeader } from "../../src/circuits/batch-input.js";
import type { SlotWitness } from "../../src/circuits/witness-layout.js";
import { type ClusterContracts, compileContracts } from "../../src/l1/compile-contracts.js";
import { settlementBatch, type SettlementBatch } from "../../src/l1/settlement-calldata.js";
import { execute, makeCluster, sendOp, transferOp } from "./cluster-fixture.js";
import { preparedTestInstance } from "./test-instance.js";

/** Two proven batches of instance "test" (N = 2, D = 4, B = 2, Δ = 2) from the fixture cluster's genesis, and what a deployment needs. */
export interface ProvenBatches {
  inst: Awaited<ReturnType<typeof preparedTestInstance>>["inst"];
  artifacts: ClusterContracts;
  genesis: bigint[];
  genesisCommitment: bigint;
  clusterId: bigint;
  /** batch 0: ticks 1..2, a SEND chain 1 -> chain 0 delivered at once; batch 1: tick 3, a TRANSFER on chain 0. */
  batches: SettlementBatch[];
}

/** Proves ProvenBatches.batches with snarkjs (a few seconds each) and compiles the contracts. */
export async function provenBatches(): Promise<ProvenBatches> {
  const { circuit, keys, inst } = await preparedTestInstance();
  const prove = async (header: BatchHeader, slots: SlotWitness[]): Promise<SettlementBatch> => {
    const { proof } = await snarkjs.groth16.fullProve(batchCircuitInput(header, slots, inst.slots, inst.depth), circuit.wasm, keys.zkey);
    return settlementBatch(header, batchPubdata(slots, inst.slots, header.lastTick, inst.depth), proof);
  };
  const artifacts = compileContracts(keys.verifierSol, circuit.dir);
  const fx = await makeCluster(inst.members, inst.depth);
  const genesis = fx.state.roots();
  const genesisCommitment = fx.state.rootsCommitment();
  const header = (batchIndex: bigint, firstTick: number, lastTick: number, oldRoots: bigint[], slots: SlotWitness[]) =>
    makeHeader(fx.poseidon, { domain: fx.domain, batchIndex, firstTick, lastTick, oldRoots, newRoots: fx.state.roots() }, slots, inst.slots, inst.depth);
  const send = execute(fx, sendOp(1, 0, 1n, 0n, 20n, 0n), 1);
  const b0 = await prove(header(0n, 1, 2, genesis, [send.slot]), [send.slot]);
  const roots1 = fx.state.roots();
  const transfer = execute(fx, transferOp(0, 0n, 1n, 5n, 0n), 3);
  const b1 = await prove(header(1n, 3, 3, roots1, [transfer.slot]), [transfer.slot]);
  return { inst, artifacts, genesis, genesisCommitment, clusterId: fx.clusterId, batches: [b0, b1] };
}
