import { Contract, type ContractRunner, type Overrides } from "ethers";
import type { ContractArtifact } from "./compile-contracts.js";

/** Read calls at a block (`blockTag`), as ethers takes them. */
type At = Pick<Overrides, "blockTag">;

/**
 * ClusterSettlement as the TypeScript side calls it: an ethers Contract with the views it reads
 * typed (bigint where the ABI says uint), so callers need no casts. `settle` and the events stay
 * ethers' (sendSettle in settlement-calldata.ts encodes the batches; queryFilter reads BatchSettled).
 */
export type ClusterSettlementClient = Contract & {
  nextBatchIndex(at?: At): Promise<bigint>;
  rootsCommitment(at?: At): Promise<bigint>;
  currentRoots(at?: At): Promise<bigint[]>;
  lastSettledTick(at?: At): Promise<bigint>;
  domain(): Promise<bigint>;
  depositCount(at?: At): Promise<bigint>;
  depositsConsumed(at?: At): Promise<bigint>;
  escrowOf(chainId: number | bigint, tokenId: number | bigint, at?: At): Promise<bigint>;
  claimable(account: string, tokenId: number | bigint, at?: At): Promise<bigint>;
  lastSettlementBlock(at?: At): Promise<bigint>;
  exodusTimeoutBlocks(): Promise<bigint>;
};

/**
 * Connects to a deployed ClusterSettlement.
 * @param address the contract's address.
 * @param artifact its compiled ABI (compileContracts).
 * @param runner a wallet (to send) or a provider (to read).
 */
export function settlementClient(address: string, artifact: ContractArtifact, runner: ContractRunner): ClusterSettlementClient {
  return new Contract(address, artifact.abi as never, runner) as ClusterSettlementClient;
}
