import { loadInstance, type CircuitInstance } from "../circuits/manifest.js";
import { compileInstance, type CompiledCircuit } from "../circuits/compile.js";
import { r1csInfo } from "../circuits/r1cs-info.js";
import { compileContracts } from "../l1/compile-contracts.js";
import type { Phase } from "../pipeline/phases.js";
import { setupGroth16, type Groth16Keys } from "./groth16-setup.js";
import type { PreparedInstance } from "./prepare-instance.js";

/** Context the set-up phases fill in; `prepared` is complete after the last one. */
export interface SetupContext {
  inst?: CircuitInstance;
  circuit?: CompiledCircuit & { cached: boolean };
  keys?: Groth16Keys;
  prepared?: PreparedInstance;
}

/**
 * The set-up of one circuit instance as three phases, each cached by content hash (a second run
 * does nothing): compile with circom2 --O2; Groth16 set-up from the powers-of-tau file (zkey, vkey,
 * Solidity verifier); compile the contracts with solc-js.
 * @param name instance name in circuits/instances.json (checked at once: throws naming `instance`).
 * @param ptau powers-of-tau file; default: the instance's bundled development file.
 */
export function setupPhases(name: string, ptau?: string): Phase<SetupContext>[] {
  const inst = loadInstance(name);
  return [
    {
      title: `Compile circuit "${name}" (N=${inst.members}, D=${inst.depth}, B=${inst.slots}, Δ=${inst.deltaTicks}) with circom2 --O2`,
      run: async (ctx, status) => {
        ctx.inst = inst;
        ctx.circuit = await compileInstance(inst);
        const { constraints } = await r1csInfo(ctx.circuit.r1cs);
        status(`${ctx.circuit.cached ? "cached" : "compiled"}: ${constraints.toLocaleString("en-US")} constraints`);
      },
    },
    {
      title: `Groth16 set-up from ${ptau ?? inst.ptau}`,
      run: async (ctx, status) => {
        ctx.keys = await setupGroth16(inst, ctx.circuit!, ptau, (p) => status({ ...p, label: `zkey: ${p.label}` }));
        status(ctx.keys.cached ? "cached" : `wrote ${ctx.keys.zkey}`);
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
