import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import type { Groth16Keys } from "../src/setup/groth16-setup.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { batchCircuitInput, makeHeader, publicSignals } from "../src/circuits/batch-input.js";
import { debitOnly, deliverOnly, makeCluster, sendOp } from "./helpers/cluster-fixture.js";

// Instance "test": N = 2, D = 4, B = 2, Δ = 2, set up from the bundled ptau/pot15.ptau.
let inst: Awaited<ReturnType<typeof preparedTestInstance>>["inst"];
let keys: Groth16Keys;
let wasm: string;

beforeAll(async () => {
  const prepared = await preparedTestInstance();
  inst = prepared.inst;
  wasm = prepared.circuit.wasm;
  keys = prepared.keys;
}, 600_000);

afterAll(async () => {
  await terminateCurve();
});

describe("Groth16 proof of a batch (instance test)", () => {
  it("proves a SEND + RECEIVE batch; snarkjs verifies it; public signals are the header; a changed root fails", async () => {
    const fx = await makeCluster(inst.members, inst.depth);
    const oldRoots = fx.state.roots();
    const send = debitOnly(fx, sendOp(1, 0, 1n, 0n, 20n, 0n), 4);
    const receive = deliverOnly(fx, send.message, 5);
    const header = makeHeader(fx.poseidon, { domain: fx.domain, batchIndex: 3n, firstTick: 4, lastTick: 5, oldRoots, newRoots: fx.state.roots() });
    const { proof, publicSignals: signals } = await snarkjs.groth16.fullProve(
      batchCircuitInput(header, [send.slot, receive], inst.slots, inst.depth), wasm, keys.zkey);
    expect(signals).toEqual(publicSignals(header).map(String));
    expect(await snarkjs.groth16.verify(keys.vkey, signals, proof)).toBe(true);
    for (let i = 0; i < signals.length; i++) {
      const tampered = [...signals];
      tampered[i] = (BigInt(tampered[i]) + 1n).toString();
      expect(await snarkjs.groth16.verify(keys.vkey, tampered, proof), `public signal ${i} is bound`).toBe(false);
    }
  }, 300_000);
});
