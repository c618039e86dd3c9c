import type { Contract } from "ethers";
import { describeRevert } from "../../src/l1/revert.js";

/**
 * The custom error a transaction reverts with, e.g. `NoQuorum(1, 3)`, decoded with `errors`' ABI
 * (a reverted send carries raw revert data); "ok" when it is mined.
 */
export async function revertOutcome(send: () => Promise<{ wait(): Promise<unknown> }>, errors: Contract): Promise<string> {
  try {
    await (await send()).wait();
    return "ok";
  } catch (e) {
    return describeRevert(e, errors) ?? `not a revert: ${(e as Error).message}`;
  }
}
