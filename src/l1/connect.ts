import { NonceManager, Wallet, ZeroAddress, type JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "./anvil.js";
import { checkGenesisChain, deploySettlement, settlementConfig, type DeploymentParameters, type SettlementGenesis } from "./deploy.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { recordedMemberChanges } from "../core/member-changes.js";
import type { ClusterStore } from "../store/cluster-store.js";
import { FieldError } from "../config/field-error.js";
import { decodeStoredEntry, isDeposit } from "../protocol/operation-codec.js";
import { ETH_TOKEN_ID } from "../protocol/token.js";
import { settlementClient, type ClusterSettlementClient } from "./settlement-client.js";
import { deployRegistry, type RegistryConfig } from "../governance/registry.js";
import { DEFAULT_GOVERNANCE_TIMELOCK_SECONDS, deployGovernance, governanceClient } from "../governance/joint-governance.js";

/** The deployment a store settles on, kept in its meta table. */
export interface DeploymentRecord {
  chainId: string;
  settlement: string;
  verifier?: string;
  /** The settlement's GovernorRegistry (absent in stores made before governors: the next start deploys it). */
  registry?: string;
  /** Its ClusterGovernance (absent in stores made before joint governance: the next start deploys it). */
  governance?: string;
  deployedAt: number;
  /** L1 block of the deployment: where the submitter starts searching BatchSettled events. */
  blockNumber?: number;
}

/** The service's connection to its L1 and its ClusterSettlement. */
export interface L1Connection {
  rpcUrl: string;
  provider: JsonRpcProvider;
  wallet: Wallet;
  settlement: ClusterSettlementClient;
  deployment: DeploymentRecord;
  /** The anvil this service started (no --rpc-url), or undefined. */
  devnet?: Devnet;
  close(): Promise<void>;
}

/**
 * Connects the service to its L1: `rpcUrl` and `privateKey`, or (no rpcUrl) an anvil devnet of its
 * own. The first start deploys ClusterSettlement at the genesis roots, its GovernorRegistry and its
 * ClusterGovernance (made the settlement's governance), and records the deployment in the store;
 * later starts use the recorded one.
 *
 * An own devnet is new at every start: its deployment is gone, so the service deploys again and
 * marks every batch of the store "proved" again, and the submitter settles them all from their
 * stored proofs (no proof is made again). With an external L1, a recorded contract that is not there
 * is an error: the store and the L1 do not belong together.
 * @throws Error naming `privateKey`, `rpcUrl` (wrong chain, no contract) or ethers errors.
 */
export async function connectL1(
  store: ClusterStore,
  prepared: PreparedInstance,
  genesis: SettlementGenesis,
  o: { rpcUrl?: string; privateKey?: string; deployment?: DeploymentParameters; registry?: Partial<RegistryConfig>; governanceTimelockSeconds?: number },
  log: Logger,
): Promise<L1Connection> {
  if (o.rpcUrl && !o.privateKey)
    throw new Error("privateKey: required with rpcUrl (a funded key of that L1; flag --private-key or env SETTLEMENT_PRIVATE_KEY)");
  const devnet = o.rpcUrl ? undefined : await startAnvil();
  const rpcUrl = o.rpcUrl ?? devnet!.rpcUrl;
  const probe = devnetProvider(rpcUrl);
  let chainId: bigint;
  try {
    chainId = (await probe.getNetwork()).chainId;
  } catch (e) {
    await devnet?.stop();
    throw new FieldError(`rpcUrl`, `no L1 answers at ${rpcUrl}: ${(e as Error).message}`);
  } finally {
    probe.destroy();
  }
  try {
    checkGenesisChain(genesis, chainId, rpcUrl);
  } catch (e) {
    await devnet?.stop();
    throw e;
  }
  const provider = devnetProvider(rpcUrl, 60_000, chainId);
  const wallet = new Wallet(o.privateKey ?? ANVIL_DEFAULT_KEY, provider);
  const close = async () => {
    provider.destroy();
    await devnet?.stop();
  };
  try {
    let deployment = store.getMeta<DeploymentRecord>("deployment");
    if (deployment && deployment.chainId !== chainId.toString() && !devnet) {
      throw new FieldError(`rpcUrl`, `chain ${chainId}, but this store settles on chain ${deployment.chainId}`);
    }
    if (deployment && (await provider.getCode(deployment.settlement)) === "0x") {
      if (!devnet)
        throw new FieldError(
          `rpcUrl`,
          `no ClusterSettlement at ${deployment.settlement} on ${rpcUrl} (recorded in the store): use the L1 this store settled on, or a new --data-dir`,
        );
      if (recordedMemberChanges(store).length > 0)
        throw new FieldError(
          "rpcUrl",
          "this store's cluster changed its members by joint governance, which a new own devnet cannot replay: use the L1 it settled on (--rpc-url), or a new --data-dir",
        );
      log.warn({ previous: deployment.settlement }, "own devnet is new: deploying ClusterSettlement again; every stored proof will be settled again");
      store.resetSettlement();
      deployment = undefined;
    }
    if (!deployment) {
      const contract = await deploySettlement(new NonceManager(wallet), prepared.contracts, { ...settlementConfig(prepared, genesis), ...o.deployment });
      const receipt = await contract.deploymentTransaction()?.wait();
      deployment = { chainId: chainId.toString(), settlement: await contract.getAddress(), deployedAt: Date.now(), blockNumber: receipt?.blockNumber };
      store.setMeta("deployment", deployment);
      log.info({ settlement: deployment.settlement, rpcUrl }, "ClusterSettlement deployed");
      if (devnet) await redeposit(store, deployment.settlement, prepared, provider, log);
    }
    if (!deployment.registry) {
      const registry = await deployRegistry(new NonceManager(wallet), prepared.contracts.registry, deployment.settlement, o.registry);
      deployment = { ...deployment, registry: await registry.getAddress() };
      store.setMeta("deployment", deployment);
      log.info({ registry: deployment.registry, settlement: deployment.settlement }, "GovernorRegistry deployed");
    }
    if (!deployment.governance) {
      const timelock = o.governanceTimelockSeconds ?? DEFAULT_GOVERNANCE_TIMELOCK_SECONDS;
      const settlement = settlementClient(deployment.settlement, prepared.contracts.settlement, wallet);
      // a start killed after setGovernance but before the record: the settlement names it already (set once, for good)
      const set = (await settlement.governance()) as string;
      let governance: string;
      if (set !== ZeroAddress) {
        if ((await governanceClient(set, provider).settlement()) !== deployment.settlement)
          throw new FieldError("rpcUrl", `ClusterSettlement ${deployment.settlement} is governed by ${set}, which is not a ClusterGovernance of it`);
        governance = set;
      } else {
        governance = (await deployGovernance(new NonceManager(wallet), prepared.contracts.governance, settlement, deployment.registry!, timelock))
          .target as string;
      }
      deployment = { ...deployment, governance };
      store.setMeta("deployment", deployment);
      log.info(
        { governance, timelockSeconds: timelock, adopted: set !== ZeroAddress },
        "ClusterGovernance in place: the instance changes only by its proposals",
      );
    }
    const settlement = settlementClient(deployment.settlement, prepared.contracts.settlement, wallet);
    const onChainGenesis = await settlement.rootsCommitment();
    const settled = Number(await settlement.nextBatchIndex());
    if (settled === 0 && onChainGenesis !== genesis.commitment) {
      throw new FieldError(
        `rpcUrl`,
        `ClusterSettlement ${deployment.settlement} starts from roots commitment ${onChainGenesis}, the store's genesis is ${genesis.commitment}`,
      );
    }
    return { rpcUrl, provider, wallet, settlement, deployment, devnet, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Makes the store's deposits again on a new own devnet (its old chain is gone, and its stored batches
 * consume them), in queue order, each from its depositor (anvil impersonation): what the contract
 * recorded then, it records again, so the stored proofs settle as before.
 * @throws Error naming `store` when a deposit is not of ETH (its ERC-20 is not on the new devnet).
 */
async function redeposit(store: ClusterStore, address: string, prepared: PreparedInstance, provider: JsonRpcProvider, log: Logger): Promise<void> {
  const deposits = store.depositEntries().map((e) => decodeStoredEntry(e.body));
  for (const d of deposits) {
    if ("reason" in d || !isDeposit(d)) throw new FieldError("store", "a stored deposit entry is not readable");
    if (d.tokenId !== ETH_TOKEN_ID)
      throw new FieldError("store", `deposit ${d.index} is of token ${d.tokenId}, which a new devnet does not have: use --rpc-url`);
    await provider.send("anvil_impersonateAccount", [d.depositor]);
    const needed = d.amount + 10n ** 18n; // and gas
    if ((await provider.getBalance(d.depositor)) < needed) await provider.send("anvil_setBalance", [d.depositor, `0x${needed.toString(16)}`]);
    const as = settlementClient(address, prepared.contracts.settlement, await provider.getSigner(d.depositor));
    await (await as.depositEth(d.chainId, d.to, { value: d.amount })).wait();
    await provider.send("anvil_stopImpersonatingAccount", [d.depositor]);
  }
  if (deposits.length > 0)
    log.warn({ deposits: deposits.length }, "own devnet is new: the store's L1 deposits were made again by their depositors, in queue order");
}
