import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import solc from "solc";
import { REPO_ROOT } from "../circuits/manifest.js";

/** ABI and creation bytecode of one contract. */
export interface ContractArtifact {
  abi: unknown[];
  bytecode: string;
}

/**
 * Compiles contracts/ClusterSettlement.sol and the instance's snarkjs-exported Groth16Verifier.sol
 * with solc-js (optimizer on, 200 runs). Cached by the sources' SHA-256 in `<dir>/contracts.json`.
 * @param verifierSol path of the exported verifier of one circuit instance.
 * @param dir folder for the cached artifacts (the instance's build folder).
 * @throws Error listing solc's errors when compilation fails.
 */
export function compileContracts(verifierSol: string, dir: string): { settlement: ContractArtifact; verifier: ContractArtifact } {
  const sources = {
    "ClusterSettlement.sol": { content: readFileSync(join(REPO_ROOT, "contracts/ClusterSettlement.sol"), "utf8") },
    "Groth16Verifier.sol": { content: readFileSync(verifierSol, "utf8") },
  };
  const hash = createHash("sha256").update(JSON.stringify(sources)).update(solc.version()).digest("hex");
  const cachePath = join(dir, "contracts.json");
  if (existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, "utf8"));
    if (cached.hash === hash) return cached.artifacts;
  }
  const input = {
    language: "Solidity",
    sources,
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n")}`);
  const artifact = (file: string, name: string): ContractArtifact => {
    const c = output.contracts[file][name];
    return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  };
  const artifacts = { settlement: artifact("ClusterSettlement.sol", "ClusterSettlement"), verifier: artifact("Groth16Verifier.sol", "Groth16Verifier") };
  writeFileSync(cachePath, JSON.stringify({ hash, artifacts }));
  return artifacts;
}
