import { ProverPool, type ProverBackend } from "../prover/prover-pool.js";
import { setupPhases, type SetupContext } from "../setup/setup-phases.js";
import type { RunStore } from "../store/run-store.js";
import type { Genesis } from "../workload/genesis.js";
import { executeWorkload, type ExecutedWorkload } from "./execute-workload.js";
import { openL1, type L1Session } from "./l1-session.js";
import type { Phase } from "./phases.js";
import { proveAndSettle } from "./prove-and-settle.js";
import { buildRunReport, type RunReport } from "./run-report.js";

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
  /** Batches per `settle` transaction. */
  settleBatches: number;
  rpcUrl?: string;
  privateKey?: string;
  store: RunStore;
  /** Groth16 prover (default snarkjs). */
  backend?: ProverBackend;
}

/** State of a run as its phases fill it in. */
export interface SettlementRunContext extends SetupContext {
  executed?: ExecutedWorkload;
  l1?: L1Session;
  report?: RunReport;
}

/**
 * The main job as phases: set-up on first use (setupPhases), execute the workload, start the devnet
 * (or connect) and deploy, prove every batch in the pool and settle in order, then read every
 * member's root from the contract and compare it with the executor's. Writes report.json in the store.
 * The caller must call `closeRun(ctx)` afterwards (it stops the devnet), also after an error.
 */
export function settlementRunPhases(o: SettlementRunOptions): Phase<SettlementRunContext>[] {
  let provingWallMs = 0;
  let proving: Awaited<ReturnType<typeof proveAndSettle>> | undefined;
  return [
    ...(setupPhases(o.instance, { ptau: o.ptau, allowInsecureDevZkey: o.allowInsecureDevZkey }) as Phase<SettlementRunContext>[]),
    {
      title: `Execute ${o.lines.filter((l) => l.trim() !== "").length} workload lines on ${o.genesis.members} member chains`,
      run: async (ctx, status) => {
        ctx.executed = await executeWorkload(ctx.prepared!.inst, o.genesis, o.lines, o.store);
        const e = ctx.executed;
        status(`${e.accepted} executed (${e.messages} cross-chain messages), ${e.rejected.length} rejected, ${e.batches.length} batches`);
      },
    },
    {
      title: o.rpcUrl ? `Connect to ${o.rpcUrl} and deploy ClusterSettlement` : "Start anvil devnet and deploy ClusterSettlement",
      run: async (ctx, status) => {
        ctx.l1 = await openL1(ctx.prepared!, ctx.executed!.anchor, o);
        status(`${ctx.l1.settlementAddress} on ${ctx.l1.rpcUrl}`);
      },
    },
    {
      title: `Prove batches (${o.workers} workers, ${o.backend?.kind === "rapidsnark" ? `rapidsnark ${o.backend.path}` : `snarkjs${o.singleThread ? " single-threaded" : ""}`}) and settle ${o.settleBatches} per transaction`,
      run: async (ctx, status) => {
        const pool = new ProverPool(ctx.prepared!.keys.vkey, { workers: o.workers, singleThread: o.singleThread, backend: o.backend });
        const started = performance.now();
        try {
          proving = await proveAndSettle(ctx.prepared!, ctx.executed!, ctx.l1!, pool, {
            settleBatches: o.settleBatches, store: o.store,
            onProgress: (p) => status({ label: `batches proven (${p.settled} settled)`, done: p.proven, total: p.total }),
          });
        } finally {
          provingWallMs = performance.now() - started;
          await pool.close();
        }
      },
    },
    {
      title: "Compare every member's on-chain root with the executor's",
      run: async (ctx, status) => {
        const onChain = (await ctx.l1!.settlement.currentRoots()) as bigint[];
        ctx.report = buildRunReport(ctx.prepared!, ctx.executed!, o.lines.filter((l) => l.trim() !== "").length,
          { ...proving!, workers: o.workers, singleThread: o.singleThread, wallMs: provingWallMs },
          ctx.l1!, [...onChain], o.settleBatches, o.store.dir);
        o.store.writeJson("report.json", ctx.report);
        status(ctx.report.roots.match ? "all roots equal" : "ROOTS DIFFER");
      },
    },
  ];
}

/** Releases what a run holds (the devnet it started). Safe to call after any phase failed. */
export async function closeRun(ctx: SettlementRunContext): Promise<void> {
  await ctx.l1?.close();
}
