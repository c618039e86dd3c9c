import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, normalize } from "node:path";
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
  return contractSources(SETTLEMENT_SOURCES);
}

/**
 * The files of contracts/ that GovernorRegistry.sol is built from (with the OpenZeppelin files it
 * imports, which solcCompile resolves from node_modules).
 */
export const REGISTRY_SOURCES = ["IClusterSettlement.sol", "IGovernorRegistry.sol", "GovernorRegistry.sol"] as const;

/** The files of contracts/ that ClusterGovernance.sol (joint governance of the instance) is built from. */
export const GOVERNANCE_SOURCES = ["IClusterSettlement.sol", "IGovernorRegistry.sol", "IClusterGovernance.sol", "ClusterGovernance.sol"] as const;

/** The standard-JSON sources of `files` (names in contracts/), read from contracts/. */
export function contractSources(files: readonly string[]): SoliditySources {
  return Object.fromEntries(files.map((f) => [f, { content: readFileSync(join(REPO_ROOT, "contracts", f), "utf8") }]));
}

const OPENZEPPELIN = "@openzeppelin/contracts/";
const openZeppelinRoot = dirname(createRequire(import.meta.url).resolve(`${OPENZEPPELIN}package.json`));

/** The version of @openzeppelin/contracts that imports resolve to (part of the artifact cache's key). */
export const OPENZEPPELIN_VERSION: string = JSON.parse(readFileSync(join(openZeppelinRoot, "package.json"), "utf8")).version;

/**
 * solc-js's import callback: `@openzeppelin/contracts/<path>` from the installed package, nothing else
 * (a path that leaves the package, or any other import, is reported as not found).
 */
function resolveImport(path: string): { contents: string } | { error: string } {
  const rest = path.startsWith(OPENZEPPELIN) ? normalize(path.slice(OPENZEPPELIN.length)) : undefined;
  if (rest === undefined || rest.startsWith("..") || !rest.endsWith(".sol"))
    return { error: `import "${path}": only @openzeppelin/contracts/*.sol resolves outside contracts/` };
  try {
    return { contents: readFileSync(join(openZeppelinRoot, rest), "utf8") };
  } catch {
    return { error: `import "${path}": no such file in @openzeppelin/contracts ${OPENZEPPELIN_VERSION}` };
  }
}

/**
 * Compiles `sources` with solc-js (optimizer on, 200 runs, the compiler's default EVM version); imports
 * resolve among `sources`, and `@openzeppelin/contracts/...` from the installed package.
 * @returns the artifact of every contract and interface, by file then name (an interface's bytecode is "0x").
 * @throws Error listing solc's errors when compilation fails (an import that does not resolve included).
 */
export function solcCompile(sources: SoliditySources): Record<string, Record<string, ContractArtifact>> {
  const input = {
    language: "Solidity",
    sources,
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: resolveImport }));
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

/** The artifacts of one circuit instance's L1 contracts. */
export interface ClusterContracts {
  /** contracts/ClusterSettlement.sol. */
  settlement: ContractArtifact;
  /** The instance's snarkjs-exported Groth16Verifier.sol. */
  verifier: ContractArtifact;
  /** contracts/GovernorRegistry.sol: the staked governors of the settlement. */
  registry: ContractArtifact;
  /** contracts/ClusterGovernance.sol: proposals the governors approve (members, verifier key, Δ, deadlines). */
  governance: ContractArtifact;
}

/**
 * Compiles contracts/ClusterSettlement.sol, GovernorRegistry.sol and ClusterGovernance.sol (with the files they import) and the
 * instance's snarkjs-exported Groth16Verifier.sol with solc-js (optimizer on, 200 runs). Cached in
 * `<dir>/contracts.json` by the SHA-256 of the sources, solc's version and OpenZeppelin's version.
 * @param verifierSol path of the exported verifier of one circuit instance.
 * @param dir folder for the cached artifacts (the instance's build folder).
 * @throws Error listing solc's errors when compilation fails.
 */
export function compileContracts(verifierSol: string, dir: string): ClusterContracts {
  const sources: SoliditySources = {
    ...settlementSources(),
    ...contractSources(REGISTRY_SOURCES),
    ...contractSources(GOVERNANCE_SOURCES),
    "Groth16Verifier.sol": { content: readFileSync(verifierSol, "utf8") },
  };
  const hash = createHash("sha256").update(JSON.stringify(sources)).update(solc.version()).update(OPENZEPPELIN_VERSION).digest("hex");
  const cachePath = join(dir, "contracts.json");
  if (existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, "utf8"));
    if (cached.hash === hash) return cached.artifacts;
  }
  const output = solcCompile(sources);
  const artifacts: ClusterContracts = {
    settlement: output["ClusterSettlement.sol"].ClusterSettlement,
    verifier: output["Groth16Verifier.sol"].Groth16Verifier,
    registry: output["GovernorRegistry.sol"].GovernorRegistry,
    governance: output["ClusterGovernance.sol"].ClusterGovernance,
  };
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

let registryAbi: unknown[] | undefined;

/**
 * The ABI of IGovernorRegistry (contracts/IGovernorRegistry.sol, compiled once per process): what a
 * light client or a governor needs of a deployed GovernorRegistry; the contract's ABI equals it, less two
 * errors only OpenZeppelin's ShortStrings can raise at deployment (test/contract-interface.test.ts).
 */
export function registryInterfaceAbi(): unknown[] {
  registryAbi ??= solcCompile(contractSources(["IGovernorRegistry.sol"]))["IGovernorRegistry.sol"].IGovernorRegistry.abi;
  return registryAbi;
}

let governanceAbi: unknown[] | undefined;

/**
 * The ABI of IClusterGovernance (contracts/IClusterGovernance.sol, compiled once per process): what a
 * governor needs to propose, approve and execute a change of the instance; the contract's ABI equals it
 * (test/contract-interface.test.ts).
 */
export function governanceInterfaceAbi(): unknown[] {
  governanceAbi ??= solcCompile(contractSources(["IClusterGovernance.sol"]))["IClusterGovernance.sol"].IClusterGovernance.abi;
  return governanceAbi;
}
