import { type ContractTransactionResponse, NonceManager, Wallet, parseEther } from "ethers";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { ANVIL_DEFAULT_KEY, devnetProvider } from "../l1/anvil.js";
import { deploySettlement, settlementConfig } from "../l1/deploy.js";
import { deployRegistry, registryClient } from "../governance/registry.js";
import {
  GOVERNANCE_ACTION,
  deployGovernance,
  deployMemberAddition,
  encodeAddMember,
  encodeRemoveMember,
  encodeSetDeadlines,
  encodeSetInstance,
  governanceClient,
} from "../governance/joint-governance.js";
import { openCluster } from "../core/open-cluster.js";
import type { GenesisAccount } from "../protocol/genesis.js";
import { type BenchL1, type BenchWorkload, gasUsedBy } from "./measurements.js";

/** Gas of joint governance on L1 (ClusterGovernance over ClusterSettlement, anvil), measured by measureGovernanceGas. */
export interface GovernanceGas {
  /** N before and after the member is added. */
  members: { from: number; to: number };
  /** Governors in the set (1 ETH each); 2/3 of the stake is `quorum` of them. */
  governors: number;
  quorum: number;
  /** propose() of an ADD_MEMBER (its parameters stored as a hash, logged in full; the proposer's approval included). */
  proposeAddMember: number;
  /** approve() that does not reach 2/3 (one stake read, one counted approval). */
  approve: number;
  /** approve() that reaches 2/3 and queues the proposal (the total stake read too). */
  approveToQuorum: number;
  /** execute() of ADD_MEMBER: the N + 1 verifier's arity check, Poseidon of N + 1 roots on L1, the new root and instance stored. */
  executeAddMember: number;
  /** execute() of SET_INSTANCE (a new verifier of the same N: its arity check). */
  executeSetInstance: number;
  /** execute() of SET_DEADLINES. */
  executeSetDeadlines: number;
  /** propose() of a REMOVE_MEMBER (its chain id decoded and stored as well, for the deposits it closes at quorum). */
  proposeRemoveMember: number;
  /** approve() that queues a REMOVE_MEMBER: approveToQuorum plus the settlement's closeDepositsTo (deposits to the member close). */
  approveRemovalToQuorum: number;
  /** execute() of REMOVE_MEMBER: the member frozen (no deposit to it waiting). */
  executeRemoveMember: number;
}

/**
 * Measures GovernanceGas on a fresh ClusterSettlement of instance `from` at the bench genesis, its
 * GovernorRegistry (epochs of one block) with `governors` governors of 1 ETH each (default 4: 3 make 2/3), and its
 * ClusterGovernance (timelock of 1 s, passed with evm_increaseTime): one ADD_MEMBER to the instance
 * `to` (N + 1, same D) at batch boundary 0, then a SET_INSTANCE (the same verifier again), a
 * SET_DEADLINES and a REMOVE_MEMBER of the added member, each proposed, approved to 2/3 and executed. No batch is proven: an action needs none.
 * @param executed a bench workload of `from` (its genesis and anchor).
 * @throws RangeError when `to` is not `from` plus one member at the same depth, or `governors` < 4;
 *   Error when a transaction has no receipt; ethers errors when one reverts.
 */
export async function measureGovernanceGas(
  from: PreparedInstance,
  to: PreparedInstance,
  executed: BenchWorkload,
  l1: BenchL1,
  governors = 4,
): Promise<GovernanceGas> {
  if (to.inst.members !== from.inst.members + 1 || to.inst.depth !== from.inst.depth)
    throw new RangeError(`to: instance "${to.inst.name}" is not "${from.inst.name}" plus one member at the same depth`);
  if (!Number.isInteger(governors) || governors < 4)
    throw new RangeError(`governors: must be an integer >= 4 (an approval short of 2/3 is measured too), got ${governors}`);
  const provider = devnetProvider(l1.rpcUrl);
  const gasOf = (tx: Promise<ContractTransactionResponse>) => gasUsedBy(tx, "governance gas");
  try {
    const deployer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, provider));
    const settlement = await deploySettlement(deployer, from.contracts, settlementConfig(from, executed.anchor));
    const registry = await deployRegistry(deployer, from.contracts.registry, await settlement.getAddress(), {
      epochBlocks: 1,
      challengeWindowBlocks: 2,
      unbondingBlocks: 3,
    });
    const wallets = Array.from({ length: governors }, () => new Wallet(Wallet.createRandom().privateKey, provider));
    for (const g of wallets) {
      await provider.send("anvil_setBalance", [g.address, `0x${parseEther("10").toString(16)}`]);
      await (await registryClient(await registry.getAddress(), g).bond({ value: parseEther("1") })).wait();
    }
    await provider.send("anvil_mine", ["0x1"]);
    const governance = await deployGovernance(deployer, from.contracts.governance, settlement, await registry.getAddress(), 1);
    const as = (w: Wallet) => governanceClient(governance.target as string, w);
    const quorum = Math.ceil((2 * governors) / 3);
    /** Proposes with governor 0, approves with governors 1..quorum-1; the gas of each step. */
    const passed = async (action: number, params: string) => {
      const propose = await gasOf(as(wallets[0]).propose(action, params, 0));
      const id = await governance.proposalCount();
      const approvals: number[] = [];
      for (let k = 1; k < quorum; k++) approvals.push(await gasOf(as(wallets[k]).approve(id)));
      await provider.send("evm_increaseTime", [2]);
      await provider.send("anvil_mine", ["0x1"]);
      return { propose, approvals, execute: await gasOf(governance.execute(id, params)) };
    };

    const n = from.inst.members;
    const key = executed.keys.accounts[0];
    const accounts: GenesisAccount[] = [{ chainId: n, index: 0n, ax: key.ax, ay: key.ay, tokenId: 1n, balance: 0n }];
    const { genesisRoot } = (await openCluster(from.inst, executed.genesis)).addMember(to.inst, accounts);
    const addition = await deployMemberAddition(deployer, to);
    const add = await passed(GOVERNANCE_ACTION.ADD_MEMBER, encodeAddMember({ ...addition, slots: to.inst.slots, genesisRoot, genesisAccounts: accounts }));
    if ((await settlement.members()) !== BigInt(n + 1)) throw new Error("governance gas: the member was not added");
    const instance = await passed(
      GOVERNANCE_ACTION.SET_INSTANCE,
      encodeSetInstance({ verifier: addition.verifier, slots: to.inst.slots, deltaTicks: to.inst.deltaTicks }),
    );
    const deadlines = await passed(GOVERNANCE_ACTION.SET_DEADLINES, encodeSetDeadlines({ depositDeadlineBlocks: 100, exodusTimeoutBlocks: 1_000 }));
    const removal = await passed(GOVERNANCE_ACTION.REMOVE_MEMBER, encodeRemoveMember(n));
    if (!(await settlement.isRemoved(n))) throw new Error("governance gas: the member was not removed");
    return {
      members: { from: n, to: n + 1 },
      governors,
      quorum,
      proposeAddMember: add.propose,
      approve: add.approvals[0],
      approveToQuorum: add.approvals.at(-1)!,
      executeAddMember: add.execute,
      executeSetInstance: instance.execute,
      executeSetDeadlines: deadlines.execute,
      proposeRemoveMember: removal.propose,
      approveRemovalToQuorum: removal.approvals.at(-1)!,
      executeRemoveMember: removal.execute,
    };
  } finally {
    provider.destroy();
  }
}
