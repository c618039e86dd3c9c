import { createHash } from "node:crypto";
import { join } from "node:path";
import { pino, destination } from "pino";
import type { ProverBackend } from "../prover/prover-pool.js";
import { backendLabel } from "../config/prover-options.js";
import { setupPhases, type SetupContext } from "../setup/setup-phases.js";
import { ClusterNode } from "../core/cluster-node.js";
import type { Phase } from "../phases/phase.js";
import { OperationRejected } from "../state/cluster-state.js";
import type { Genesis } from "../protocol/genesis.js";
import type { SignedOperation } from "../protocol/operation.js";
import { decodeOperation, isMalformed } from "../protocol/operation-codec.js";
import { RunStore } from "../store/run-store.js";
import { buildRunReport, exportRunFolder, type RejectedLine, type RunAssets, type RunReport } from "./run-report.js";
import { FieldError } from "../config/field-error.js";
import { type JsonRpcProvider, Wallet } from "ethers";
import { DEVNET_REGISTRY_CONFIG, startDevGovernors, whenFastConfirmed, type DevGovernors } from "../governance/dev-governors.js";
import { ANVIL_USER_KEY } from "../l1/anvil.js";
import { ETH_TOKEN_ID, nativeTokenOwner } from "../protocol/token.js";

/** File name of a run's SQLite store in its run folder (the node's store; the other files are its readable export). */
export const RUN_STORE_FILE = "cluster.sqlite";

/** An ETH deposit a run makes on L1 before its workload (for leaf `to` on member `chainId`; wei). */
export interface PlannedDeposit {
  chainId: number;
  to: bigint;
  amount: bigint;
}

/** What a run needs: validated by the CLI's config schema (src/cli/run-config.ts). */
export interface SettlementRunOptions {
  instance: string;
  ptau?: string;
  /** Accept a zkey without a secret phase-2 contribution (development only; the report then says INSECURE DEV ZKEY). */
  allowInsecureDevZkey?: boolean;
  genesis: Genesis;
  /** Workload lines (JSONL of signed operations). */
  lines: string[];
  workers: number;
  singleThread: boolean;
  /** Batches per `settle` transaction, at most. */
  settleBatches: number;
  rpcUrl?: string;
  privateKey?: string;
  /** The run folder: its store (RUN_STORE_FILE), node.log and the readable export. */
  out: string;
  /** Groth16 prover (default snarkjs). */
  backend?: ProverBackend;
  /** ETH deposits made on L1 before the workload (queue order), by the L1 user. */
  deposits?: PlannedDeposit[];
  /** Key of the L1 user who deposits and claims the workload's withdrawals (default: anvil's second account on an own devnet, else privateKey). */
  userKey?: string;
  /** Dev governors that bond and fast-confirm every batch on the run's own devnet (default 3; none with rpcUrl). */
  governors?: number;
}

/** Progress of a run through its workload, kept in the store's meta table ("run"), so `--resume` goes on where it stopped. */
interface RunProgress {
  /** SHA-256 of the workload lines: a resumed run must be given the same workload. */
  workloadSha256: string;
  /** Lines handled (accepted or rejected), from the start of the file. */
  linesDone: number;
  rejected: RejectedLine[];
  assets?: RunAssets;
}

/** State of a run as its phases fill it in. */
export interface SettlementRunContext extends SetupContext {
  node?: ClusterNode;
  governors?: DevGovernors;
  report?: RunReport;
}

/**
 * The main job as phases, on the one pipeline core (ClusterNode, the same that `serve` runs): set-up
 * on first use (setupPhases); open the node on the run folder's store (its own anvil devnet, or
 * `rpcUrl`; deploys ClusterSettlement on first start); admit the workload's lines in file order (a
 * malformed or refused line is recorded with its field and changes nothing; batches close when full
 * and are proved and settled while later lines execute); close the last batch; wait until every
 * batch is settled; read every member's root from the contract and compare it with the executor's;
 * export the run folder (report.json and the files RunStore lists).
 *
 * Crash safety is the node's: every admitted line, batch, proof and settle transaction is in the
 * store before it is acted on, and the lines handled are recorded, so a run killed at any point and
 * run again on the same folder (`run --resume --out DIR`) goes on from there: nothing is executed,
 * proved or settled twice (on its own devnet, which is new at every start, the stored proofs are
 * settled again on the new contract, without proving).
 * The caller must call `closeRun(ctx)` afterwards, also after an error.
 * @throws Error naming `operations` when a resumed run is given another workload than it started with.
 */
export function settlementRunPhases(o: SettlementRunOptions): Phase<SettlementRunContext>[] {
  const lines = o.lines.map((text, i) => ({ text, line: i + 1 })).filter((l) => l.text.trim() !== "");
  return [
    ...(setupPhases(o.instance, { ptau: o.ptau, allowInsecureDevZkey: o.allowInsecureDevZkey }) as Phase<SettlementRunContext>[]),
    {
      title: o.rpcUrl
        ? `Open the cluster node: store ${join(o.out, RUN_STORE_FILE)}, L1 ${o.rpcUrl}`
        : `Open the cluster node: store ${join(o.out, RUN_STORE_FILE)}, its own anvil devnet`,
      run: async (ctx, status) => {
        const log = pino({ level: "info", base: { job: "run" } }, destination({ dest: join(o.out, "node.log"), sync: true, mkdir: true }));
        ctx.node = await ClusterNode.start(
          {
            dataDir: o.out,
            storeFile: RUN_STORE_FILE,
            genesis: o.genesis,
            rpcUrl: o.rpcUrl,
            privateKey: o.privateKey,
            workers: o.workers,
            singleThread: o.singleThread,
            backend: o.backend,
            settleBatches: o.settleBatches,
            fillSettleGroups: true,
            rpcRetryMinMs: 250,
            rpcRetryMaxMs: 10_000,
            registry: o.rpcUrl ? undefined : DEVNET_REGISTRY_CONFIG,
          },
          ctx.prepared!,
          log,
        );
        const st = ctx.node.status();
        status(`ClusterSettlement ${st.settlement} on ${st.rpcUrl}; log ${join(o.out, "node.log")}`);
      },
    },
    ...(governorCount(o) > 0
      ? [
          {
            title: `Governors: ${governorCount(o)} dev governors bond 1 ETH each, re-execute every batch and sign its claim`,
            run: async (ctx: SettlementRunContext, status: (s: string) => void) => {
              const node = ctx.node!;
              const provider = node.settlementContract().runner!.provider as JsonRpcProvider;
              const log = pino({ level: "info", base: { job: "run" } }, destination({ dest: join(o.out, "governors.log"), sync: true, mkdir: true }));
              ctx.governors = await startDevGovernors(node, provider, ctx.prepared!.inst, o.genesis, governorCount(o), log);
              status(`GovernorRegistry ${node.status().registry}; log ${join(o.out, "governors.log")}`);
            },
          },
        ]
      : []),
    {
      title: `Deposit on L1: ${(o.deposits ?? []).length} ETH deposits into the queue; the node admits them in queue order`,
      run: async (ctx, status) => {
        const node = ctx.node!;
        const planned = o.deposits ?? [];
        const progress = runProgress(node, o.lines);
        progress.assets ??= { depositGas: [], claims: [] };
        const user = l1User(node, o);
        const settlement = node.settlementContract().connect(user) as ReturnType<ClusterNode["settlementContract"]>;
        // deposits already on the queue (a resumed run) are not made again; the run's user is the only depositor
        for (let k = Number(await settlement.depositCount()); k < planned.length; k++) {
          const d = planned[k];
          const receipt = await (await settlement.depositEth(d.chainId, d.to, { value: d.amount })).wait();
          progress.assets.depositGas.push(String(receipt?.gasUsed ?? 0n));
          node.store.setMeta("run", progress);
          status({ label: "deposits made", done: k + 1, total: planned.length });
        }
        await node.whenDepositsAdmitted(BigInt(planned.length));
        status(`${planned.length} deposits admitted by the node (from ${user.address})`);
      },
    },
    {
      title: `Execute ${lines.length} workload lines on ${o.genesis.members} member chains`,
      run: async (ctx, status) => {
        const node = ctx.node!;
        const progress = runProgress(node, o.lines);
        const before = lines.filter((l) => l.line <= progress.linesDone).length;
        admitLines(
          lines.slice(before),
          (op) => {
            node.admit(op);
          },
          (line, rejected, done) => {
            if (rejected) progress.rejected.push(rejected);
            progress.linesDone = line;
            node.store.setMeta("run", progress); // a crash before this line replays the line: a duplicate, or the same refusal
            status({ label: "lines executed", done: before + done, total: lines.length });
          },
        );
        node.closeOpenBatch();
        status(`${node.store.operationCount()} executed, ${progress.rejected.length} rejected, ${node.store.batchCount()} batches`);
      },
    },
    {
      title: `Prove batches (${o.workers} workers, ${backendLabel(o.backend, o.singleThread)}) and settle up to ${o.settleBatches} per transaction`,
      run: async (ctx, status) => {
        const total = ctx.node!.store.batchCount();
        await ctx.node!.whenAllSettled((c) => status({ label: `batches settled (${c.proved + c.included + c.settled} proven)`, done: c.settled, total }));
        if (ctx.governors) await whenFastConfirmed(ctx.node!, total);
      },
    },
    {
      title: "Claim on L1: the run's user takes what the settled withdrawals owe it",
      run: async (ctx, status) => {
        const node = ctx.node!;
        const progress = runProgress(node, o.lines);
        progress.assets ??= { depositGas: [], claims: [] };
        const user = l1User(node, o);
        const settlement = node.settlementContract().connect(user) as ReturnType<ClusterNode["settlementContract"]>;
        const owed = (await settlement.claimable(user.address, ETH_TOKEN_ID)) as bigint;
        if (owed > 0n) {
          const receipt = await (await settlement.claim(ETH_TOKEN_ID)).wait();
          progress.assets.claims.push({ tokenId: ETH_TOKEN_ID.toString(), amount: owed.toString(), gasUsed: String(receipt?.gasUsed ?? 0n) });
          node.store.setMeta("run", progress);
        }
        const claimed = progress.assets.claims.reduce((a, c) => a + BigInt(c.amount), 0n);
        status(`${user.address} claimed ${claimed} wei in ${progress.assets.claims.length} claim(s)`);
      },
    },
    {
      title: "Compare every member's on-chain root with the executor's",
      run: async (ctx, status) => {
        const node = ctx.node!;
        const progress = node.store.getMeta<RunProgress>("run")!;
        const contract = node.settlementContract();
        const onChain = [...(await contract.currentRoots())];
        const escrowOf = (tokenId: bigint) =>
          Promise.all(Array.from({ length: o.genesis.members }, (_, c) => contract.escrowOf(c, tokenId) as Promise<bigint>));
        const escrow = await escrowOf(ETH_TOKEN_ID);
        const nativeToken = o.genesis.accounts.map((a) => a.tokenId).find((t) => nativeTokenOwner(t) !== undefined);
        const native =
          nativeToken === undefined
            ? undefined
            : { tokenId: nativeToken, ownerChain: nativeTokenOwner(nativeToken)!.chainId, escrow: await escrowOf(nativeToken) };
        ctx.report = buildRunReport(
          ctx.prepared!,
          node,
          progress.rejected,
          lines.length,
          onChain,
          { workers: o.workers, singleThread: o.singleThread, settleBatches: o.settleBatches, backend: backendLabel(o.backend, o.singleThread) },
          o.out,
          { ...(progress.assets ?? { depositGas: [], claims: [] }), escrow, native },
        );
        exportRunFolder(new RunStore(o.out), node, o.genesis, lines, ctx.report);
        status(ctx.report.roots.match ? "all roots equal" : "ROOTS DIFFER");
      },
    },
  ];
}

/** How many dev governors the run starts: `governors` (default 3) on its own devnet, none on a given L1. */
function governorCount(o: SettlementRunOptions): number {
  return o.rpcUrl ? 0 : (o.governors ?? 3);
}

/**
 * The run's progress (store meta "run"), created at the first call.
 * @throws Error naming `operations` when a resumed run is given another workload than it started with.
 */
function runProgress(node: ClusterNode, workload: string[]): RunProgress {
  const sha = createHash("sha256").update(workload.join("\n")).digest("hex");
  const progress = node.store.getMeta<RunProgress>("run") ?? { workloadSha256: sha, linesDone: 0, rejected: [] };
  if (progress.workloadSha256 !== sha)
    throw new FieldError(`operations`, `not the workload this run started with (SHA-256 ${progress.workloadSha256}); resume with the same file`);
  return progress;
}

/** The run's L1 user (deposits, is paid the workload's withdrawals, claims): `userKey`, else anvil's second account on an own devnet, else the node's key. */
function l1User(node: ClusterNode, o: SettlementRunOptions): Wallet {
  const provider = node.settlementContract().runner!.provider!;
  return new Wallet(o.userKey ?? (node.ownDevnet || !o.privateKey ? ANVIL_USER_KEY : o.privateKey), provider);
}

/**
 * Admits workload lines in order: a line that is not an operation, or that the executor refuses, is
 * rejected naming the field (it changes nothing); every other one executes.
 * @param lines non-blank lines with their 1-based line numbers.
 * @param admit executes one operation (throws OperationRejected to refuse it).
 * @param after called after each line with its number, its rejection if any, and how many lines are done.
 */
export function admitLines(
  lines: { text: string; line: number }[],
  admit: (op: SignedOperation) => void,
  after: (line: number, rejected: RejectedLine | undefined, done: number) => void,
): void {
  lines.forEach(({ text, line }, i) => {
    const op = decodeOperation(text, line);
    let rejected: RejectedLine | undefined;
    if (isMalformed(op)) {
      rejected = op;
    } else {
      try {
        admit(op);
      } catch (e) {
        if (!(e instanceof OperationRejected)) throw e;
        rejected = { line, field: e.field, reason: e.reason };
      }
    }
    after(line, rejected, i + 1);
  });
}

/** Stops what a run holds (the node: its provers, its devnet, its store). Safe to call after any phase failed. */
export async function closeRun(ctx: SettlementRunContext): Promise<void> {
  await ctx.governors?.stop();
  await ctx.node?.stop();
}
