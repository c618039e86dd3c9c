import { NonceManager, Wallet, type Contract } from "ethers";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../l1/anvil.js";
import { checkGenesisChain, deploySettlement, settlementConfig, type SettlementGenesis } from "../l1/deploy.js";
import type { PreparedInstance } from "../setup/prepare-instance.js";

/** A connection to the L1 with a freshly deployed ClusterSettlement. */
export interface L1Session {
  rpcUrl: string;
  /** True when this session started its own anvil (stopped by close()). */
  ownDevnet: boolean;
  settlement: Contract;
  settlementAddress: string;
  close(): Promise<void>;
}

/**
 * Opens the L1 for a run: with no `rpcUrl`, starts anvil (npm @foundry-rs/anvil) on a free loopback
 * port and uses its first dev account; with `rpcUrl`, uses that node and `privateKey`. Deploys the
 * instance's Groth16Verifier and a ClusterSettlement at the genesis roots and their Poseidon commitment.
 * @throws Error naming `privateKey` when `rpcUrl` is given without it, `genesis.l1ChainId` when the
 *   genesis is for another L1; ethers errors when the node fails.
 */
export async function openL1(prepared: PreparedInstance, genesis: SettlementGenesis, o: { rpcUrl?: string; privateKey?: string }): Promise<L1Session> {
  if (o.rpcUrl && !o.privateKey) throw new Error("privateKey: required with rpcUrl (a funded key of that L1; flag --private-key or env SETTLEMENT_PRIVATE_KEY)");
  let devnet: Devnet | undefined;
  const rpcUrl = o.rpcUrl ?? (devnet = await startAnvil()).rpcUrl;
  const provider = devnetProvider(rpcUrl);
  try {
    checkGenesisChain(genesis, (await provider.getNetwork()).chainId, rpcUrl);
    const signer = new NonceManager(new Wallet(o.privateKey ?? ANVIL_DEFAULT_KEY, provider));
    const settlement = await deploySettlement(signer, prepared.contracts, settlementConfig(prepared, genesis));
    return {
      rpcUrl, ownDevnet: devnet !== undefined, settlement, settlementAddress: await settlement.getAddress(),
      close: async () => { provider.destroy(); await devnet?.stop(); },
    };
  } catch (e) {
    provider.destroy();
    await devnet?.stop();
    throw e;
  }
}
