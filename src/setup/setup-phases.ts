import { loadInstance, type CircuitInstance } from "../circuits/manifest.js";
import { compileInstance, type CompiledCircuit } from "../circuits/compile.js";
import { r1csInfo } from "../circuits/r1cs-info.js";
import { compileContracts } from "../l1/compile-contracts.js";
import type { Phase } from "../phases/phase.js";
import { setupGroth16, type Groth16Keys } from "./groth16-setup.js";
import type { PreparedInstance } from "./prepared-instance.js";
import { withInstanceLock } from "./setup-lock.js";
import { checkZkeyPhase2 } from "./zkey-guard.js";
import { installZkey } from "./zkey-install.js";

/** Context the set-up phases fill in; `prepared` is complete after the last one. */
export interface SetupContext {
  inst?: CircuitInstance;
  circuit?: CompiledCircuit & { cached: boolean };
  keys?: Groth16Keys;
  prepared?: PreparedInstance;
}

/**
 * The compile phase of an instance (circom2 --O2, cached by content hash) under the instance's set-up
 * lock: parallel processes wait, then find it compiled. Fills `ctx.inst` and `ctx.circuit`.
 */
export function compilePhase<Ctx extends Pick<SetupContext, "inst" | "circuit">>(inst: CircuitInstance): Phase<Ctx> {
  return {
    title: `Compile circuit "${inst.name}" (N=${inst.members}, D=${inst.depth}, B=${inst.slots}, Δ=${inst.deltaTicks}) with circom2 --O2`,
    run: async (ctx, status) => {
      ctx.inst = inst;
      ctx.circuit = await withInstanceLock(inst.name, () => compileInstance(inst), { onWait: () => status("waiting for another process's set-up") });
      const { constraints } = await r1csInfo(ctx.circuit.r1cs);
      status(`${ctx.circuit.cached ? "cached" : "compiled"}: ${constraints.toLocaleString("en-US")} constraints`);
    },
  };
}

/** Options of a set-up. */
export interface SetupOptions {
  /** Powers-of-tau file; default: the instance's bundled development file. */
  ptau?: string;
  /** Accept a zkey whose phase 2 has no secret contribution (development only; reported as insecure). */
  allowInsecureDevZkey?: boolean;
  /** Install this ceremony zkey (verified against the r1cs and ptau first) instead of a development set-up. */
  zkey?: string;
}

/**
 * The set-up of one circuit instance as three phases, each cached by content hash (a second run
 * does nothing): compile with circom2 --O2 (under the instance's set-up lock: parallel processes
 * wait, then find it compiled); the Groth16 set-up (setupGroth16, or installZkey with `zkey`), then
 * the zkey guard (checkZkeyPhase2), which refuses a zkey without a secret phase-2 contribution unless
 * `allowInsecureDevZkey`; compile the contracts with solc-js.
 * @param name instance name in circuits/instances.json (checked at once: throws naming `instance`).
 * @throws (when run) ZkeyError from the guard or the install; Error naming `ptau`, circom or solc output.
 */
export function setupPhases(name: string, o: SetupOptions = {}): Phase<SetupContext>[] {
  const inst = loadInstance(name);
  return [
    compilePhase(inst),
    {
      title: o.zkey ? `Install ceremony zkey ${o.zkey} (verify against the r1cs and ${o.ptau ?? inst.ptau})` : `Groth16 set-up from ${o.ptau ?? inst.ptau}`,
      run: async (ctx, status) => {
        const progress = (p: { label: string; done: number; total: number }) => status({ ...p, label: `zkey: ${p.label}` });
        const keys = o.zkey ? await installZkey(inst, ctx.circuit!, o.zkey, o.ptau, progress) : await setupGroth16(inst, ctx.circuit!, o.ptau, progress);
        const phase2 = await checkZkeyPhase2(keys.zkey, { allowInsecureDevZkey: o.allowInsecureDevZkey });
        ctx.keys = { ...keys, phase2 };
        const made = keys.cached ? "cached" : `wrote ${keys.zkey}`;
        status(
          `${made} (${keys.source}; phase 2: ${phase2.contributions.map((c) => c.type).join(" + ") || "no contribution"}${phase2.secure ? "" : ", INSECURE"})`,
        );
      },
    },
    {
      title: "Compile contracts with solc-js",
      run: async (ctx, status) => {
        const contracts = compileContracts(ctx.keys!.verifierSol, ctx.circuit!.dir);
        ctx.prepared = { inst, circuit: ctx.circuit!, keys: ctx.keys!, contracts, r1cs: await r1csInfo(ctx.circuit!.r1cs) };
        status("ClusterSettlement, Groth16Verifier");
      },
    },
  ];
}
