import * as snarkjs from "snarkjs";
import { type ContractTransactionResponse, NonceManager, Wallet, parseEther } from "ethers";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { ANVIL_DEFAULT_KEY, devnetProvider } from "../l1/anvil.js";
import { deploySettlement, settlementConfig } from "../l1/deploy.js";
import { sendSettle, settlementBatch } from "../l1/settlement-calldata.js";
import { type ClusterClaim, claimDomain, claimOfHeader, confirmationSignatures, signClaim } from "../governance/claim.js";
import { deployRegistry, registryClient } from "../governance/registry.js";
import { type BenchL1, type BenchWorkload, gasUsedBy } from "./measurements.js";

/** Gas of the governors' actions on L1 (GovernorRegistry, anvil), measured by measureGovernorGas. */
export interface GovernorGas {
  /** bond() of a new governor. */
  bond: number;
  /** confirm() with one signature (a governor holding 2/3 of the stake alone). */
  confirmOneSignature: number;
  /** confirm() with `signatures` signatures. */
  confirmManySignatures: number;
  signatures: number;
  /** (confirmManySignatures − confirmOneSignature) / (signatures − 1): one more signature check (ecrecover, stake read, order check). */
  perSignature: number;
  /** slashContradicted() of a claim the settled batch contradicts (reads settledClaim, one ecrecover, the slash). */
  slashContradicted: number;
  /** slashEquivocation() of two signed claims of one batch index (two ecrecovers, the slash). */
  slashEquivocation: number;
  /** challenge() of a fast confirmation, bonding the challenge bond. */
  challenge: number;
  /** resolveChallenge() upheld after the deadline, slashing the confirmation's one signer. */
  resolveChallenge: number;
}

/**
 * Measures GovernorGas on a fresh ClusterSettlement at the bench genesis and its GovernorRegistry
 * (epochs of one block, so a bond counts from the next block): governor 0 bonds 100 ETH, governors
 * 1..signatures−1 bond 1 ETH each. Batch 0 of `executed` is proven (snarkjs fullProve) and settled,
 * so a claim with another roots commitment is slashable; the other claims are of batch indexes no
 * settlement reaches (confirmations need none).
 * @param signatures governors that sign the many-signature confirmation (>= 2).
 * @throws Error when a transaction has no receipt; ethers errors when one reverts.
 */
export async function measureGovernorGas(prepared: PreparedInstance, executed: BenchWorkload, l1: BenchL1, signatures = 8): Promise<GovernorGas> {
  if (!Number.isInteger(signatures) || signatures < 2) throw new RangeError(`signatures: must be an integer >= 2, got ${signatures}`);
  const provider = devnetProvider(l1.rpcUrl);
  const gasOf = (tx: Promise<ContractTransactionResponse>) => gasUsedBy(tx, "governor gas");
  try {
    const deployer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, provider));
    const settlement = await deploySettlement(deployer, prepared.contracts, settlementConfig(prepared, executed.anchor));
    const cluster = await settlement.getAddress();
    const registry = await deployRegistry(deployer, prepared.contracts.registry, cluster, {
      epochBlocks: 1,
      challengeWindowBlocks: 2,
      unbondingBlocks: 3,
      challengeBond: parseEther("1"),
    });
    const domain = claimDomain((await provider.getNetwork()).chainId, await registry.getAddress());
    const governors = Array.from({ length: signatures }, () => new Wallet(Wallet.createRandom().privateKey, provider));
    const bondGas: number[] = [];
    for (const [k, g] of governors.entries()) {
      await provider.send("anvil_setBalance", [g.address, `0x${parseEther("200").toString(16)}`]);
      bondGas.push(await gasOf(registryClient(await registry.getAddress(), g).bond({ value: parseEther(k === 0 ? "100" : "1") })));
    }
    await provider.send("anvil_mine", ["0x1"]);
    const fabricated = (batchIndex: bigint): ClusterClaim => ({ cluster, batchIndex, header: (batchIndex << 64n) + (1n << 32n) + 1n, newRootsCommitment: 7n });
    const confirmWith = async (claim: ClusterClaim, signers: Wallet[]) =>
      gasOf(registry.confirm(claim, confirmationSignatures(await Promise.all(signers.map((g) => signClaim(g, domain, claim))))));
    const confirmOneSignature = await confirmWith(fabricated(10n), governors.slice(0, 1));
    const confirmManySignatures = await confirmWith(fabricated(11n), governors);

    const { proof } = await snarkjs.groth16.fullProve(executed.inputs[0], prepared.circuit.wasm, prepared.keys.zkey);
    const b0 = executed.batches[0];
    await (await sendSettle(settlement, [settlementBatch(b0.header, b0.pubdata, proof)])).wait();
    const lie = { ...claimOfHeader(cluster, b0.header), newRootsCommitment: b0.header.newRootsCommitment + 1n };
    const lying = await signClaim(governors[1], domain, lie);
    const slashContradicted = await gasOf(registry.slashContradicted(lie, lying.signature));

    const a = await signClaim(governors[2], domain, fabricated(12n));
    const b = await signClaim(governors[2], domain, { ...fabricated(12n), newRootsCommitment: 8n });
    const slashEquivocation = await gasOf(registry.slashEquivocation(a.claim, a.signature, b.claim, b.signature));

    const challenged = fabricated(13n);
    await confirmWith(challenged, governors.slice(0, 1));
    const challenge = await gasOf(registry.challenge(13n, { value: parseEther("1") }));
    await provider.send("anvil_mine", ["0x3"]);
    const resolveChallenge = await gasOf(registry.resolveChallenge(13n, [governors[0].address]));
    return {
      bond: Math.round(bondGas.reduce((x, y) => x + y, 0) / bondGas.length),
      confirmOneSignature,
      confirmManySignatures,
      signatures,
      perSignature: Math.round((confirmManySignatures - confirmOneSignature) / (signatures - 1)),
      slashContradicted,
      slashEquivocation,
      challenge,
      resolveChallenge,
    };
  } finally {
    provider.destroy();
  }
}
