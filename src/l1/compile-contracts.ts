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

/** Solidity standard-JSON sources: file name (as imports name it) to content. */
export type SoliditySources = Record<string, { content: string }>;

/**
 * The files of contracts/ that ClusterSettlement.sol is built from, by the name its imports resolve to
 * (`import "./IClusterSettlement.sol";` in a file at the root of the sources is "IClusterSettlement.sol").
 */
export const SETTLEMENT_SOURCES = ["IClusterSettlement.sol", "BabyJubjub.sol", "ClusterSettlement.sol"] as const;

/** The standard-JSON sources of SETTLEMENT_SOURCES, read from contracts/. */
export function settlementSources(): SoliditySources {
  return Object.fromEntries(SETTLEMENT_SOURCES.map((f) => [f, { content: readFileSync(join(REPO_ROOT, "contracts", f), "utf8") }]));
}

/**
 * Compiles `sources` with solc-js (optimizer on, 200 runs); imports resolve among `sources` only.
 * @returns the artifact of every contract and interface, by file then name (an interface's bytecode is "0x").
 * @throws Error listing solc's errors when compilation fails (an import missing from `sources` included).
 */
export function solcCompile(sources: SoliditySources): Record<string, Record<string, ContractArtifact>> {
  const input = {
    language: "Solidity",
    sources,
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n")}`);
  const contracts = output.contracts as Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  return Object.fromEntries(
    Object.entries(contracts).map(([file, byName]) => [
      file,
      Object.fromEntries(Object.entries(byName).map(([name, c]) => [name, { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }])),
    ]),
  );
}

/**
 * Compiles contracts/ClusterSettlement.sol (with the IClusterSettlement.sol it imports) and the
 * instance's snarkjs-exported Groth16Verifier.sol with solc-js (optimizer on, 200 runs). Cached by the
 * sources' SHA-256 (all three files) in `<dir>/contracts.json`.
 * @param verifierSol path of the exported verifier of one circuit instance.
 * @param dir folder for the cached artifacts (the instance's build folder).
 * @throws Error listing solc's errors when compilation fails.
 */
export function compileContracts(verifierSol: string, dir: string): { settlement: ContractArtifact; verifier: ContractArtifact } {
  const sources: SoliditySources = {
    ...settlementSources(),
    "Groth16Verifier.sol": { content: readFileSync(verifierSol, "utf8") },
  };
  const hash = createHash("sha256").update(JSON.stringify(sources)).update(solc.version()).digest("hex");
  const cachePath = join(dir, "contracts.json");
  if (existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, "utf8"));
    if (cached.hash === hash) return cached.artifacts;
  }
  const output = solcCompile(sources);
  const artifacts = { settlement: output["ClusterSettlement.sol"].ClusterSettlement, verifier: output["Groth16Verifier.sol"].Groth16Verifier };
  writeFileSync(cachePath, JSON.stringify({ hash, artifacts }));
  return artifacts;
}

let interfaceAbi: unknown[] | undefined;

/**
 * The ABI of IClusterSettlement (contracts/IClusterSettlement.sol, compiled once per process with
 * solcCompile): what a reader of a deployed ClusterSettlement needs (`sync`, `exit`); the contract's
 * ABI equals it (test/contract-interface.test.ts).
 */
export function settlementInterfaceAbi(): unknown[] {
  interfaceAbi ??= solcCompile({ "IClusterSettlement.sol": settlementSources()["IClusterSettlement.sol"] })["IClusterSettlement.sol"].IClusterSettlement.abi;
  return interfaceAbi;
}
