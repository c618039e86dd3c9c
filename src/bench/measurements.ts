import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Contract, ContractFactory, type JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { readFileSync } from "node:fs";
import { poseidonContract } from "circomlibjs";
import * as snarkjs from "snarkjs";
import { solcCompile } from "../l1/compile-contracts.js";
import { syncFromL1 } from "../sync/l1-sync.js";
import { buildExitRequest } from "../sync/exodus-exit.js";
import { getPoseidon } from "../crypto/poseidon.js";
import { EddsaSigner } from "../crypto/eddsa.js";
import { privateKeyBytes } from "../workload/dev-keys.js";
import { SCALAR_FIELD } from "../crypto/field.js";
import { PUBDATA_WORDS } from "../protocol/pubdata.js";
import { pino } from "pino";
import type { Groth16Proof } from "snarkjs";
import { REPO_ROOT } from "../circuits/manifest.js";
import type { BatchHeader, CircuitInput } from "../circuits/batch-input.js";
import { ClusterNode } from "../core/cluster-node.js";
import { DEVNET_REGISTRY_CONFIG, type DevGovernors, startDevGovernors, whenFastConfirmed } from "../governance/dev-governors.js";
import { openCluster } from "../core/open-cluster.js";
import { ANVIL_DEFAULT_KEY, devnetProvider, startAnvil, type Devnet } from "../l1/anvil.js";
import { sendSettle, settlementBatch } from "../l1/settlement-calldata.js";
import { deploySettlement, settlementConfig, type SettlementGenesis } from "../l1/deploy.js";
import { quantile } from "../stats/quantile.js";
import type { ProverBackend } from "../prover/prover-pool.js";
import type { NativeTimings } from "../prover/native-prover.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { devWorkload } from "../workload/dev-workload.js";
import { genesisDomain, genesisEthEscrow, genesisOf, type DevKeys, type Genesis } from "../protocol/genesis.js";
import { ETH_TOKEN_ID } from "../protocol/token.js";
import { decodeOperation, isMalformed } from "../protocol/operation-codec.js";
import { operationDigest, type SignedOperation } from "../protocol/operation.js";
import type { StoredProof } from "../store/cluster-store.js";
import type { PoolSetting } from "./bench-plan.js";

const runFile = promisify(execFile);

/** A bench workload: its genesis and signed operations, and the batches they make (executed once, for the baseline and the gas). */
export interface BenchWorkload {
  genesis: Genesis;
  operations: SignedOperation[];
  batches: { header: BatchHeader; pubdata: bigint[] }[];
  /** Circuit input of each batch. */
  inputs: Record<string, unknown>[];
  accepted: number;
  messages: number;
  anchor: SettlementGenesis;
  /** The dev keys of the genesis (the exodus exit signs with one). */
  keys: DevKeys;
}

/** Makes a bench workload: `batches` full batches (B operations each, 40% cross-chain, Zipf accounts), executed by openCluster. */
export async function benchWorkload(prepared: PreparedInstance, batches: number, seed: string): Promise<BenchWorkload> {
  const { inst } = prepared;
  const { keys, workload } = await devWorkload(inst, { operations: batches * inst.slots, crossChainShare: 0.4, faults: false, seed });
  const genesis = genesisOf(keys);
  const cluster = await openCluster(inst, genesis);
  const operations = workload.lines.map((l, i) => {
    const op = decodeOperation(l, i + 1);
    if (isMalformed(op)) throw new Error(`bench workload: line ${i + 1}: ${op.field}: ${op.reason}`);
    return op;
  });
  const closed: { header: BatchHeader; input: CircuitInput; pubdata: bigint[] }[] = [];
  for (const op of operations) {
    cluster.admit(op);
    if (cluster.full) closed.push(cluster.close());
  }
  if (cluster.openSize > 0) closed.push(cluster.close());
  if (closed.length !== batches) throw new Error(`bench workload: expected ${batches} full batches, got ${closed.length}`);
  return {
    genesis,
    keys,
    operations,
    batches: closed.map((b) => ({ header: b.header, pubdata: b.pubdata })),
    inputs: closed.map((b) => b.input),
    accepted: operations.length,
    messages: operations.filter((o) => o.type === "SEND").length,
    anchor: {
      roots: cluster.genesisRoots,
      commitment: cluster.genesisCommitment(),
      clusterId: genesis.clusterId,
      l1ChainId: genesis.l1ChainId,
      ethEscrow: genesisEthEscrow(genesis),
      accounts: genesis.accounts,
    },
  };
}

/**
 * Gas used by a sent transaction, from its receipt.
 * @param what names the transaction in the error.
 * @throws Error naming `what` when there is no receipt; ethers errors when it reverts.
 */
export async function gasUsedBy(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>, what = "transaction"): Promise<number> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error(`${what}: no receipt`);
  return Number(receipt.gasUsed);
}

/** The bench's L1: one anvil devnet for every measurement (each deploys its own ClusterSettlement). */
export interface BenchL1 {
  rpcUrl: string;
  close(): Promise<void>;
}

/** Starts the bench's anvil devnet. */
export async function openBenchL1(): Promise<BenchL1> {
  const devnet: Devnet = await startAnvil();
  return { rpcUrl: devnet.rpcUrl, close: () => devnet.stop() };
}

/** Witness and proof times of one batch, milliseconds. */
export interface RawProveTime {
  witnessMs: number;
  proveMs: number;
}

/**
 * The baseline: raw snarkjs, one batch after another in one process (a child process, so its memory
 * stays out of the bench), single-threaded: `wtns.calculate` then `groth16.prove` from the zkey file,
 * no pool, no verification. See raw-prove-child.ts.
 */
export async function rawSnarkjsProve(prepared: PreparedInstance, executed: BenchWorkload): Promise<RawProveTime[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-raw-"));
  try {
    const taskFile = join(dir, "task.json");
    writeFileSync(taskFile, JSON.stringify({ wasm: prepared.circuit.wasm, zkey: prepared.keys.zkey, inputs: executed.inputs }));
    const { stdout } = await runFile(process.execPath, [join(REPO_ROOT, "dist/src/bench/raw-prove-child.js"), taskFile], { maxBuffer: 16 << 20 });
    return JSON.parse(stdout) as RawProveTime[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times of one native proof in the bench's child process (ms): the witness, the whole addon call, and its phases. */
export type RawNativeTime = { witnessMs: number; proveMs: number } & NativeTimings;

/** The native prover's run over the batches in one child process. */
export interface RawNativeRun {
  threads: number;
  /** Fixed-base tables built with the zkey (parseMs then includes building them). */
  precompute: boolean;
  /** Parsing the zkey into the addon (once, before the clock). */
  parseMs: number;
  /** Memory the parsed zkey holds. */
  zkeyBytes: number;
  /** ns per Fq multiplication on this machine (the addon's fieldMulNs, before the proofs). */
  fieldMulNs: { latencyNs: number; throughputNs: number };
  nVars: number;
  domainSize: number;
  /** Peak resident memory of the child process (getrusage maxRSS). */
  peakRssBytes: number;
  times: RawNativeTime[];
}

/**
 * Proves the batches one after another with the native prover in a child process
 * (dist/src/bench/raw-native-child.js), `threads` threads inside each proof, with fixed-base tables
 * when `precompute`.
 */
export async function rawNativeProve(prepared: PreparedInstance, executed: BenchWorkload, threads: number, precompute = false): Promise<RawNativeRun> {
  const dir = mkdtempSync(join(tmpdir(), "bench-native-"));
  try {
    const taskFile = join(dir, "task.json");
    writeFileSync(taskFile, JSON.stringify({ wasm: prepared.circuit.wasm, zkey: prepared.keys.zkey, inputs: executed.inputs, threads, precompute }));
    const { stdout } = await runFile(process.execPath, [join(REPO_ROOT, "dist/src/bench/raw-native-child.js"), taskFile], { maxBuffer: 16 << 20 });
    return { threads, precompute, ...(JSON.parse(stdout) as Omit<RawNativeRun, "threads" | "precompute">) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A pipeline measurement: the cluster node (the core `run` and `serve` use) executes, proves and settles the workload. */
export interface PipelineMeasurement extends PoolSetting {
  backend: string;
  /** From admitting the first operation to the last proof stored. */
  provingWallMs: number;
  proofsPerMinute: number;
  operationsPerSecond: number;
  crossChainMessagesPerSecond: number;
  /** From an operation's admission to the receipt of its batch's settlement. */
  latencyMs: { median: number; p95: number };
  /** Largest V8 heap + external memory of one worker after a job (external counts reserved WASM memory, not only resident). */
  peakWorkerMemoryMiB: number;
  /** Peak resident memory of the whole process during this run (main thread and every worker), sampled every 50 ms. */
  processPeakRssMiB: number;
  /** The Groth16 proof of each batch, by index, with its witness and proof times (ms). */
  proofs: Pick<StoredProof, "proof" | "witnessMs" | "proveMs">[];
  /**
   * With dev governors (measurePipeline's `governors`): from a batch's close to its fast confirmation
   * (signatures of 2/3 of the stake collected) and to the receipt of its settlement, in ms.
   */
  fastConfirmation?: FastConfirmationMeasurement;
}

/** Time to fast confirmation beside time to L1 settlement, per batch (ms from its close). */
export interface FastConfirmationMeasurement {
  /** Dev governors that bonded, re-executed and signed in the bench's process (startDevGovernors). */
  governors: number;
  /** Batches fast-confirmed, of `batches`. */
  fastConfirmed: number;
  batches: number;
  toFastConfirmationMs: { median: number; p95: number };
  toSettlementMs: { median: number; p95: number };
}

/**
 * Runs the workload through a ClusterNode (store in a temporary folder, its own ClusterSettlement
 * on the bench's devnet, the embedded prover pool with `setting`): every operation admitted at
 * once, the last batch closed, then it waits until every batch is settled. The node is started (its
 * pool's workers loaded) before the clock starts.
 * @param governors dev governors that bond and fast-confirm every batch in this process (default 0:
 *   none; their re-execution shares the process, so a throughput measurement runs without them).
 */
export async function measurePipeline(
  prepared: PreparedInstance,
  executed: BenchWorkload,
  l1: BenchL1,
  setting: PoolSetting,
  settleBatches: number,
  backend: ProverBackend = { kind: "snarkjs" },
  onProgress?: (p: { proven: number; settled: number; total: number }) => void,
  governors = 0,
): Promise<PipelineMeasurement> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-node-"));
  const node = await ClusterNode.start(
    {
      dataDir,
      genesis: executed.genesis,
      rpcUrl: l1.rpcUrl,
      privateKey: ANVIL_DEFAULT_KEY,
      workers: setting.workers,
      singleThread: setting.singleThread,
      backend,
      settleBatches,
      rpcRetryMinMs: 250,
      rpcRetryMaxMs: 10_000,
      confirmations: 0,
      registry: governors > 0 ? DEVNET_REGISTRY_CONFIG : undefined,
    },
    prepared,
    pino({ level: "silent" }),
  );
  let devGovernors: DevGovernors | undefined;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  try {
    await node.whenReconciled();
    if (governors > 0) {
      const provider = node.settlementContract().runner!.provider! as JsonRpcProvider;
      devGovernors = await startDevGovernors(node, provider, prepared.inst, executed.genesis, governors, pino({ level: "silent" }));
    }
    const started = performance.now();
    for (const op of executed.operations) node.admit(op);
    node.closeOpenBatch();
    const total = executed.batches.length;
    await node.whenAllSettled((c) => onProgress?.({ proven: c.proved + c.included + c.settled, settled: c.settled, total }));
    const store = node.store;
    const proofs = executed.batches.map((_, i) => store.proof(i)!);
    const startedAt = Date.now() - (performance.now() - started);
    const provingWallMs = Math.max(...proofs.map((p) => p.provedAt)) - startedAt;
    const minedAt = new Map<number, number>();
    for (const s of store.submissions())
      for (let b = s.firstBatch; b <= s.lastBatch; b++) if (s.status === "mined" && s.minedAt !== null) minedAt.set(b, s.minedAt);
    const latencies = store.allOperations().map((op) => minedAt.get(op.batchIndex!)! - op.acceptedAt);
    const seconds = provingWallMs / 1000;
    let fastConfirmation: FastConfirmationMeasurement | undefined;
    if (governors > 0) {
      await whenFastConfirmed(node, total);
      const indexes = executed.batches.map((_, i) => i);
      const closedAt = (i: number) => store.batch(i)!.closedAt;
      const toFast = indexes.flatMap((i) => {
        const f = store.fastConfirmation(i);
        return f ? [f.confirmedAt - closedAt(i)] : [];
      });
      const toSettlement = indexes.map((i) => minedAt.get(i)! - closedAt(i));
      fastConfirmation = {
        governors,
        fastConfirmed: toFast.length,
        batches: total,
        toFastConfirmationMs: { median: quantile(toFast, 0.5), p95: quantile(toFast, 0.95) },
        toSettlementMs: { median: quantile(toSettlement, 0.5), p95: quantile(toSettlement, 0.95) },
      };
    }
    return {
      ...setting,
      backend: backend.kind === "native" ? `native ${backend.threads}t` : backend.kind,
      provingWallMs,
      proofsPerMinute: (60 * total) / seconds,
      operationsPerSecond: executed.accepted / seconds,
      crossChainMessagesPerSecond: executed.messages / seconds,
      latencyMs: { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
      peakWorkerMemoryMiB: node.peakProverMemoryBytes / 2 ** 20,
      processPeakRssMiB: peakRss / 2 ** 20,
      proofs,
      fastConfirmation,
    };
  } finally {
    clearInterval(sampler);
    await devGovernors?.stop();
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Gas of settling the proven batches on a fresh ClusterSettlement, `perTransaction` batches per `settle`. */
export async function measureSettlementGas(
  prepared: PreparedInstance,
  executed: BenchWorkload,
  proofs: Groth16Proof[],
  l1: BenchL1,
  perTransaction: number,
): Promise<{ perTransaction: number; gasPerTransaction: number[]; gasPerBatch: number }> {
  const provider = devnetProvider(l1.rpcUrl);
  try {
    const signer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, provider)); // fresh: the nodes used this account since
    const settlement = await deploySettlement(signer, prepared.contracts, settlementConfig(prepared, executed.anchor));
    const gas: number[] = [];
    for (let first = 0; first < executed.batches.length; first += perTransaction) {
      const group = executed.batches.slice(first, first + perTransaction).map((b, k) => settlementBatch(b.header, b.pubdata, proofs[first + k]));
      const receipt = await (await sendSettle(settlement, group)).wait();
      if (!receipt) throw new Error("settle: no receipt");
      gas.push(Number(receipt.gasUsed));
    }
    return { perTransaction, gasPerTransaction: gas, gasPerBatch: gas.reduce((a, b) => a + b, 0) / executed.batches.length };
  } finally {
    provider.destroy();
  }
}

/** Gas of the asset paths on L1 (anvil), and what the published data costs (see measureAssetGas). */
export interface AssetGas {
  depositEth: number;
  depositErc20: number;
  /** An exodus exit: leaf and Merkle path (D Poseidon calls), the exit digest and the EdDSA-Poseidon check on L1. */
  exodusExit: number;
  claimEth: number;
  /** Published data of one batch: B slots of PUBDATA_WORDS words. */
  pubdataBytesPerBatch: number;
  /** What one slot's words cost the settle call: one call of circomlibjs' Poseidon contract of 6 inputs (execution, estimated) and 16 gas per calldata byte. */
  pubdataGasPerSlot: number;
  pubdataGasPerByte: number;
  /**
   * A withdrawal's marginal L1 cost, gas per slot: (settle gas of a proven batch of B WITHDRAWs −
   * settle gas of a proven batch of B TRANSFERs on the same chains and leaves) / B, each batch the
   * first of a fresh ClusterSettlement at the bench genesis: the escrow debit, the amount owed and the
   * WithdrawalOwed event (measureWithdrawalGas).
   */
  withdrawal: number;
  /** Gas of the `settle` transaction of that batch of B WITHDRAWs (one batch, proof and published data included). */
  settleWithdrawBatch: number;
  /** Gas of the `settle` transaction of that batch of B TRANSFERs. */
  settleTransferBatch: number;
}

/** Settle gas of a batch of B WITHDRAWs and of one of B TRANSFERs, and their difference per slot (gas). */
export interface WithdrawalGas {
  settleWithdrawBatch: number;
  settleTransferBatch: number;
  /** (settleWithdrawBatch − settleTransferBatch) / B. */
  perWithdrawal: number;
}

/**
 * Measures what a withdrawal adds to a settlement: two fresh ClusterSettlements at the bench genesis
 * (`executed.anchor`), and on each one proven batch (index 0, tick 1, B = `prepared.inst.slots` slots,
 * snarkjs fullProve) executed from the genesis by openCluster: on the first every slot a signed
 * WITHDRAW of 1,000 wei of ETH to an address of its own (`signer`'s address xor k), on the second a signed TRANSFER of the same amount
 * from the same accounts (slot k: chain k mod N, leaf ⌊k / N⌋ mod the accounts per chain) to the next
 * leaf of its chain. Genesis ETH escrow (funded by deploySettlement) covers the withdrawals. Each
 * WITHDRAW pays another address, so each writes a fresh `claimable` slot (the common case; a second
 * withdrawal to an address already owed costs about 17,000 gas less).
 * @param signer an L1 account of `l1`'s devnet that deploys and settles (the default sequencer).
 * @returns gas of each settle transaction and their difference over B.
 * @throws Error when a genesis account does not hold ETH (token 1), when an operation is refused
 *   (OperationRejected naming the field), or when a settle reverts or gives no receipt.
 */
export async function measureWithdrawalGas(prepared: PreparedInstance, executed: BenchWorkload, signer: NonceManager): Promise<WithdrawalGas> {
  const { inst } = prepared;
  const poseidon = await getPoseidon();
  const eddsa = await EddsaSigner.create();
  const domain = genesisDomain(executed.genesis);
  const recipient = BigInt(await signer.getAddress());
  const byChain = Array.from({ length: inst.members }, (_, c) =>
    executed.keys.accounts.filter((a) => a.chainId === c).sort((a, b) => Number(a.index - b.index)),
  );
  const settleGas = async (type: "WITHDRAW" | "TRANSFER"): Promise<number> => {
    const cluster = await openCluster(inst, executed.genesis);
    const nonces = new Map<string, bigint>();
    for (let k = 0; k < inst.slots; k++) {
      const chainId = k % inst.members;
      const accounts = byChain[chainId];
      const from = accounts[Math.floor(k / inst.members) % accounts.length];
      if (from.tokenId !== ETH_TOKEN_ID) throw new Error(`withdrawal gas: account ${chainId}/${from.index} holds token ${from.tokenId}, not ETH`);
      const nonce = nonces.get(`${chainId}/${from.index}`) ?? 0n;
      nonces.set(`${chainId}/${from.index}`, nonce + 1n);
      const to = type === "WITHDRAW" ? recipient ^ BigInt(k) : accounts[(Number(from.index) + 1) % accounts.length].index; // slot k pays its own address
      const op = { type, chainId, dstChain: chainId, from: from.index, to, tokenId: ETH_TOKEN_ID, amount: 1000n, nonce, dataHash: 0n };
      cluster.admit({ ...op, signature: eddsa.sign(privateKeyBytes(from.privateKey), operationDigest(poseidon, domain, op)) });
    }
    const batch = cluster.close();
    const { proof } = await snarkjs.groth16.fullProve(batch.input, prepared.circuit.wasm, prepared.keys.zkey);
    const settlement = await deploySettlement(signer, prepared.contracts, settlementConfig(prepared, executed.anchor));
    const receipt = await (await sendSettle(settlement, [settlementBatch(batch.header, batch.pubdata, proof)])).wait();
    if (!receipt) throw new Error(`settle of the ${type} batch: no receipt`);
    return Number(receipt.gasUsed);
  };
  const settleWithdrawBatch = await settleGas("WITHDRAW");
  const settleTransferBatch = await settleGas("TRANSFER");
  return { settleWithdrawBatch, settleTransferBatch, perWithdrawal: (settleWithdrawBatch - settleTransferBatch) / inst.slots };
}

/**
 * Measures the asset paths on a fresh ClusterSettlement at the bench genesis: an ETH and an ERC-20
 * deposit (TestToken, listed by the owner), then, once the contract is in exodus mode, an exit of a
 * genesis account built from `sync` (syncFromL1, buildExitRequest) and the claim of what it is owed;
 * the gas of one slot's published words (a Poseidon(6) call as the settle makes it, plus calldata);
 * and a settled WITHDRAW over a TRANSFER on two more fresh contracts (measureWithdrawalGas).
 * All values are gas.
 * @throws Error when a transaction reverts or a measurement fails (see measureWithdrawalGas).
 */
export async function measureAssetGas(prepared: PreparedInstance, executed: BenchWorkload, l1: BenchL1): Promise<AssetGas> {
  const provider = devnetProvider(l1.rpcUrl);
  try {
    const signer = new NonceManager(new Wallet(ANVIL_DEFAULT_KEY, provider));
    const withdrawal = await measureWithdrawalGas(prepared, executed, signer);
    const timeout = 10;
    const settlement = (await deploySettlement(signer, prepared.contracts, {
      ...settlementConfig(prepared, executed.anchor),
      exodusTimeoutBlocks: timeout,
    })) as unknown as Contract;
    const gasOf = (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => gasUsedBy(tx, "asset gas");
    const depositEth = await gasOf(settlement.depositEth(0, 0, { value: 1000n }));
    const tokenArtifact = solcCompile({ "TestToken.sol": { content: readFileSync(join(REPO_ROOT, "contracts/test/TestToken.sol"), "utf8") } })["TestToken.sol"]
      .TestToken;
    const token = (await new ContractFactory(tokenArtifact.abi as never, tokenArtifact.bytecode, signer).deploy("Bench", "BNC")) as unknown as Contract;
    await (await token.waitForDeployment()).getAddress();
    await (await settlement.listToken(await token.getAddress())).wait();
    await (await token.mint(await signer.getAddress(), 10n ** 18n)).wait();
    await (await token.approve(await settlement.getAddress(), 10n ** 18n)).wait();
    const depositErc20 = await gasOf(settlement.depositErc20(2, 1000n, 1, 0));
    await provider.send("anvil_mine", [`0x${(timeout + 1).toString(16)}`]);
    const synced = await syncFromL1(provider, await settlement.getAddress());
    const owner = executed.keys.accounts.find((a) => a.chainId === 0 && a.index === 0n)!;
    const recipient = await signer.getAddress();
    const request = await buildExitRequest(synced.state, await getPoseidon(), 0, 0n, privateKeyBytes(owner.privateKey), recipient);
    const exodusExit = await gasOf(settlement.exit(request));
    const claimEth = await gasOf(settlement.claim(ETH_TOKEN_ID));
    const poseidon6 = await new ContractFactory(poseidonContract.generateABI(6) as never, poseidonContract.createCode(6), signer).deploy();
    const words = Array.from({ length: 6 }, (_, i) => (2n ** 250n + BigInt(i)) % SCALAR_FIELD);
    const call = { to: await poseidon6.getAddress(), data: poseidon6.interface.encodeFunctionData("poseidon(uint256[6])", [words]) };
    const poseidonGas = Number(await provider.estimateGas(call)) - 21_000 - 16 * (4 + 6 * 32);
    const slotBytes = PUBDATA_WORDS * 32;
    const pubdataGasPerSlot = poseidonGas + 16 * slotBytes;
    return {
      depositEth,
      depositErc20,
      exodusExit,
      claimEth,
      pubdataBytesPerBatch: prepared.inst.slots * slotBytes,
      pubdataGasPerSlot,
      pubdataGasPerByte: pubdataGasPerSlot / slotBytes,
      withdrawal: withdrawal.perWithdrawal,
      settleWithdrawBatch: withdrawal.settleWithdrawBatch,
      settleTransferBatch: withdrawal.settleTransferBatch,
    };
  } finally {
    provider.destroy();
  }
}
