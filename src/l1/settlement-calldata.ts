import type { Contract, ContractTransactionResponse } from "ethers";
import type { Groth16Proof } from "snarkjs";
import { packedHeader, type BatchHeader } from "../circuits/batch-input.js";

/** `ClusterSettlement.Batch` as ethers encodes it. */
export interface SettlementBatch {
  /** batchIndex * 2^64 + firstTick * 2^32 + lastTick. */
  header: bigint;
  oldRootsCommitment: bigint;
  newRootsCommitment: bigint;
  newRoots: bigint[];
  /** B * PUBDATA_WORDS words (src/protocol/pubdata.ts): the contract recomputes pubdataCommitment from them. */
  pubdata: bigint[];
  proof: bigint[];
}

/**
 * Flattens a snarkjs Groth16 proof to the 8 words the exported verifier takes:
 * pA (x, y), pB ((x1, x0), (y1, y0)) — G2 coordinates swapped as in snarkjs
 * `exportSolidityCallData` (EIP-197 order) — and pC (x, y).
 */
export function proofWords(proof: Groth16Proof): bigint[] {
  const w = (s: string) => BigInt(s);
  return [
    w(proof.pi_a[0]),
    w(proof.pi_a[1]),
    w(proof.pi_b[0][1]),
    w(proof.pi_b[0][0]),
    w(proof.pi_b[1][1]),
    w(proof.pi_b[1][0]),
    w(proof.pi_c[0]),
    w(proof.pi_c[1]),
  ];
}

/** The `settle` argument for one proven batch: its header, its published data (batchPubdata / pubdataOfInput) and its proof. */
export function settlementBatch(header: BatchHeader, pubdata: bigint[], proof: Groth16Proof): SettlementBatch {
  const { oldRootsCommitment, newRootsCommitment, newRoots } = header;
  return { header: packedHeader(header), oldRootsCommitment, newRootsCommitment, newRoots, pubdata, proof: proofWords(proof) };
}

/**
 * Gas limit for a settle transaction from its estimate: +20%. A bare estimate is the least gas at which
 * the call succeeded once; the verifier's precompile calls forward `gas() - 2000` and the estimate is
 * made on another block, so a transaction sent with exactly the estimate can run out of gas.
 */
export function settleGasLimit(estimate: bigint): bigint {
  return (estimate * 12n) / 10n;
}

/**
 * Sends `settle(batches)` with the gas limit of settleGasLimit.
 * @throws ethers errors: CALL_EXCEPTION with the contract's custom error when the estimate reverts.
 */
export async function sendSettle(settlement: Contract, batches: SettlementBatch[]): Promise<ContractTransactionResponse> {
  const estimate = await settlement.settle.estimateGas(batches);
  return (await settlement.settle(batches, { gasLimit: settleGasLimit(estimate) })) as ContractTransactionResponse;
}
