/**
 * Ends the worker threads of the BN254 curve that snarkjs (ffjavascript `buildBn128`) keeps in
 * `globalThis.curve_bn128` after verifying or proving on this thread; without it a process that
 * used snarkjs does not exit. Safe to call when no curve was built.
 */
export async function releaseSnarkjsCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  await g.curve_bn128?.terminate();
  delete g.curve_bn128;
}
