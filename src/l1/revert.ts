import type { Contract } from "ethers";

/**
 * The one revert decoder: a revert with its custom error decoded, e.g. `BatchAlreadySettled(3)`.
 * ethers v6 decodes a custom error of the contract it called into `error.revert`; raw revert data
 * (from a replayed call or an RPC error) is decoded with `contract`'s ABI when given.
 * @param e an error thrown by ethers (CALL_EXCEPTION) or an RPC error with `data`.
 * @param contract the contract whose ABI declares the custom errors (ClusterSettlement).
 * @returns `Name(arg, …)`, `unknown error data 0x…` for data no ABI error matches, or undefined when `e` is no revert.
 */
export function describeRevert(e: unknown, contract?: Contract): string | undefined {
  const revert = (e as { revert?: { name: string; args: unknown[] } }).revert;
  if (revert) return `${revert.name}(${[...revert.args].map(String).join(", ")})`;
  const data = (e as { data?: string }).data;
  if (contract && typeof data === "string" && data.length >= 10) {
    const parsed = contract.interface.parseError(data);
    if (parsed) return `${parsed.name}(${[...parsed.args].map(String).join(", ")})`;
    return `unknown error data ${data}`;
  }
  return undefined;
}
