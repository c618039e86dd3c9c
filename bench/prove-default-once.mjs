// Ad-hoc measurement until `npm run bench` exists (issue #3): set-up (cached) of the default instance,
// then one 4-slot batch (SEND, RECEIVE, 2 TRANSFERs) proven with snarkjs threads on and off.
// Run after `npm run build`: node bench/prove-default-once.mjs
import * as snarkjs from "snarkjs";
import { loadInstance } from "../dist/src/circuits/manifest.js";
import { compileInstance } from "../dist/src/circuits/compile.js";
import { setupGroth16 } from "../dist/src/setup/groth16-setup.js";
import { getPoseidon } from "../dist/src/crypto/poseidon.js";
import { EddsaSigner } from "../dist/src/crypto/eddsa.js";
import { ClusterState } from "../dist/src/state/cluster-state.js";
import { ClusterExecutor } from "../dist/src/executor/cluster-executor.js";
import { batchCircuitInput } from "../dist/src/circuits/batch-input.js";
import { operationDigest } from "../dist/src/protocol/operation.js";
const inst = loadInstance("default");
const c = await compileInstance(inst);
const k = await setupGroth16(inst, c);
const poseidon = await getPoseidon(); const signer = await EddsaSigner.create();
const state = new ClusterState(inst.members, inst.depth, poseidon, signer);
const key = signer.keyPair(new Uint8Array(32).fill(1));
for (let ch = 0; ch < 4; ch++) for (let i = 0n; i < 2n; i++) state.createAccount(ch, i, { ax: key.ax, ay: key.ay, tokenId: 1n, balance: 1000n, nonce: 0n });
const ex = new ClusterExecutor(state, inst.slots, inst.deltaTicks);
const sign = (op) => ({ ...op, signature: signer.sign(key.privateKey, operationDigest(poseidon, op)) });
ex.submit(sign({ type: "SEND", chainId: 0, dstChain: 1, from: 0n, to: 1n, tokenId: 1n, amount: 5n, nonce: 0n, dataHash: 0n }));
ex.submit(sign({ type: "TRANSFER", chainId: 2, dstChain: 2, from: 0n, to: 1n, tokenId: 1n, amount: 5n, nonce: 0n, dataHash: 0n }));
ex.submit(sign({ type: "TRANSFER", chainId: 3, dstChain: 3, from: 0n, to: 1n, tokenId: 1n, amount: 5n, nonce: 0n, dataHash: 0n }));
const b = ex.nextBatch();
const input = batchCircuitInput(b.header, b.slots, inst.slots, inst.depth);
for (const singleThread of [false, true]) {
  const t = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, c.wasm, k.zkey, undefined, undefined, { singleThread });
  const ms = performance.now() - t;
  console.log(JSON.stringify({ instance: "default", slotsUsed: b.slots.length, singleThread, proveSeconds: +(ms / 1000).toFixed(2), verified: await snarkjs.groth16.verify(k.vkey, publicSignals, proof) }));
}
await globalThis.curve_bn128?.terminate();
