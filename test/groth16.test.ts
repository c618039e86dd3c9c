import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import type { Groth16Keys } from "../src/setup/groth16-setup.js";
import { preparedTestInstance, terminateCurve } from "./helpers/test-instance.js";
import { publicSignals } from "../src/circuits/batch-input.js";
import { sendThenDeliverBatch } from "./helpers/cluster-fixture.js";

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
    const { header, input } = await sendThenDeliverBatch(inst);
    const { proof, publicSignals: signals } = await snarkjs.groth16.fullProve(input, wasm, keys.zkey);
    expect(signals).toEqual(publicSignals(header).map(String));
    expect(await snarkjs.groth16.verify(keys.vkey, signals, proof)).toBe(true);
    for (let i = 0; i < signals.length; i++) {
      const tampered = [...signals];
      tampered[i] = (BigInt(tampered[i]) + 1n).toString();
      expect(await snarkjs.groth16.verify(keys.vkey, tampered, proof), `public signal ${i} is bound`).toBe(false);
    }
  }, 300_000);
});
