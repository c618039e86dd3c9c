import { Contract, ContractFactory, type Signer } from "ethers";
import type { ContractArtifact } from "./compile-contracts.js";

/**
 * Deploys the instance's Groth16Verifier and a ClusterSettlement bound to it.
 * @param deltaTicks Δ of the circuit instance (recorded by the contract).
 * @param genesisRoots state root of each member at genesis (index = chainId); its length is N.
 * @param genesisRootsCommitment Poseidon(genesisRoots) (rootsCommitment in src/circuits/batch-input.ts).
 * @returns the ClusterSettlement contract, deployed and mined.
 * @throws ethers errors when a deployment transaction fails.
 */
export async function deploySettlement(signer: Signer, artifacts: { settlement: ContractArtifact; verifier: ContractArtifact },
                                       deltaTicks: number, genesisRoots: bigint[], genesisRootsCommitment: bigint): Promise<Contract> {
  const verifier = await new ContractFactory(artifacts.verifier.abi as never, artifacts.verifier.bytecode, signer).deploy();
  await verifier.waitForDeployment();
  const settlement = await new ContractFactory(artifacts.settlement.abi as never, artifacts.settlement.bytecode, signer)
    .deploy(await verifier.getAddress(), deltaTicks, genesisRoots, genesisRootsCommitment);
  await settlement.waitForDeployment();
  return settlement as Contract;
}
