import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ErrorFragment, EventFragment, FunctionFragment, Interface, type Fragment } from "ethers";
import { REPO_ROOT } from "../src/circuits/manifest.js";
import { GOVERNANCE_SOURCES, REGISTRY_SOURCES, contractSources, settlementSources, solcCompile } from "../src/l1/compile-contracts.js";

// IClusterSettlement.sol, IGovernorRegistry.sol and IClusterGovernance.sol are the reviewed faces of
// ClusterSettlement, GovernorRegistry and ClusterGovernance: their selector comments, their NatSpec and their ABIs are checked here against the
// compiler, so none of them can drift from the contract.

/** One `error`, `event` or `function` declaration of the interface file, with the `///` block above it. */
interface Declaration {
  kind: "error" | "event" | "function";
  name: string;
  /** Parameter names, in order. */
  params: string[];
  /** Number of return values (functions only). */
  returns: number;
  /** NatSpec tags of the block: `notice`, `dev`, `param <name>`, `return`, each with its text (continuation lines joined). */
  tags: { tag: string; text: string }[];
}

/** Parameter names of a Solidity parameter list such as `uint64 indexed batchIndex, Batch[] calldata batches`. */
function paramNames(list: string): string[] {
  return list
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split(/\s+/).at(-1)!);
}

/** A simple parse of the interface file: every single-line declaration and its NatSpec block. */
function declarations(source: string): Declaration[] {
  const re = /((?:^[ \t]*\/\/\/.*\n)*)^[ \t]*(error|event|function) (\w+)\(([^)]*)\)([^;]*);/gm;
  return [...source.matchAll(re)].map((m) => {
    const tags: Declaration["tags"] = [];
    for (const line of m[1]
      .split("\n")
      .map((l) => l.replace(/^\s*\/\/\/\s?/, "").trim())
      .filter(Boolean)) {
      const tag = line.match(/^@(param)\s+(\w+)\s*(.*)$/) ?? line.match(/^@(\w+)\s*(.*)$/);
      if (tag?.[1] === "param") tags.push({ tag: `param ${tag[2]}`, text: tag[3] });
      else if (tag) tags.push({ tag: tag[1], text: tag[2] });
      else if (tags.length > 0) tags[tags.length - 1].text += ` ${line}`;
    }
    const returns = m[5].match(/returns\s*\(([^)]*)\)/);
    return { kind: m[2] as Declaration["kind"], name: m[3], params: paramNames(m[4]), returns: returns ? paramNames(returns[1]).length : 0, tags };
  });
}

/**
 * What a client binds to in an ABI entry, one line each: a function's name, input types, mutability and
 * output types (parameter names are not part of a call); an event's or error's full signature with
 * parameter names and `indexed` (ethers exposes decoded arguments by name). The constructor is left out.
 */
function abiLines(iface: Interface): string[] {
  const line = (f: Fragment): string | null => {
    if (f instanceof FunctionFragment) return `${f.format("sighash")} ${f.stateMutability} returns (${f.outputs.map((o) => o.format("sighash")).join(",")})`;
    if (f instanceof EventFragment || f instanceof ErrorFragment) return f.format("full");
    return null;
  };
  return iface.fragments
    .map(line)
    .filter((l): l is string => l !== null)
    .sort();
}

/**
 * ClusterSettlement's ABI as the TypeScript side binds to it (ethers' human-readable form: names,
 * types, `indexed`, mutability; internalType left out), pinned when the declarations moved into
 * IClusterSettlement.sol (joint governance since added its setters, events and errors). A change here is an ABI change: review the clients with it.
 */
const PINNED_ABI = [
  "constructor((address verifier, address poseidonRoots, address poseidonPair, address poseidonPubdata, uint256 slots, uint256 depth, uint256 depositDeadlineBlocks, uint256[] genesisEthEscrow, uint256[] genesisAccounts, address poseidonLeaf, uint256 exodusTimeoutBlocks, uint256 deltaTicks, uint256 clusterId, uint256[] genesisRoots, uint256 genesisRootsCommitment, address[] sequencers, uint32 maxTickLead, uint32 maxTicksPerSecond) config)",
  "error AlreadyExited(uint256 chainId, uint256 leafIndex)",
  "error BadDeltaTicks(uint256 deltaTicks)",
  "error BadExitSignature(uint256 chainId, uint256 leafIndex)",
  "error BadHeader(uint256 header)",
  "error BadInstanceShape()",
  "error BadMemberCount(uint256 members)",
  "error BadPubdataLength(uint64 batchIndex, uint256 expected, uint256 got)",
  "error BadTickRange(uint64 batchIndex, uint32 firstTick, uint32 lastTick)",
  "error BadTickRate()",
  "error BadWithdrawalAddress(uint64 batchIndex, uint256 slot)",
  "error BatchAlreadySettled(uint64 batchIndex)",
  "error DepositMismatch(uint64 batchIndex, uint256 slot, uint256 depositIndex)",
  "error DepositNotQueued(uint64 batchIndex, uint256 slot, uint256 depositIndex)",
  "error DepositOverdue(uint64 batchIndex, uint256 depositIndex, uint256 queuedAtBlock)",
  "error DepositTooLarge(uint256 amount)",
  "error DepositsClosedTo(uint256 chainId, uint64 atBatch)",
  "error EmptySettlement()",
  "error EscrowOverdrawn(uint256 chainId, uint256 tokenId, uint256 escrow, uint256 amount)",
  "error EthTransferFailed(address account)",
  "error ExitProofInvalid(uint256 chainId, uint256 leafIndex)",
  "error ExodusActive()",
  "error GenesisCommitmentMismatch(uint256 computed, uint256 given)",
  "error GenesisEscrowUnfunded(uint256 expected, uint256 got)",
  "error GenesisRootNotInField(uint256 chainId, uint256 root)",
  "error GovernanceAlreadySet(address governance)",
  "error InvalidProof(uint64 batchIndex)",
  "error MemberGenesisRootNotInField(uint256 genesisRoot)",
  "error MemberRemoved(uint256 chainId)",
  "error NativeTokenNotWithdrawable(uint256 chainId, uint256 tokenId)",
  "error NotGovernance(address caller)",
  "error NotInExodus(uint256 exodusBlock)",
  "error NotOwner(address caller)",
  "error NotReclaimable(uint256 index)",
  "error NotSequencer(address caller)",
  "error NothingToClaim(address account, uint256 tokenId)",
  "error OldRootsMismatch(uint64 batchIndex, uint256 expectedCommitment, uint256 gotCommitment)",
  "error PendingDepositsTo(uint256 chainId, uint256 count)",
  "error PoseidonFailed(address poseidon)",
  "error RemovedMemberChanged(uint64 batchIndex, uint256 chainId)",
  "error TickAheadOfL1Time(uint64 batchIndex, uint32 lastTick, uint256 maxTick)",
  "error TickGap(uint64 batchIndex, uint32 expectedFirstTick, uint32 firstTick)",
  "error TokenAlreadyListed(address token)",
  "error TokenTransferFailed(address token)",
  "error UnexpectedBatchIndex(uint64 expected, uint64 got)",
  "error UnknownAccount(uint256 chainId, uint256 leaf)",
  "error UnknownChain(uint256 chainId)",
  "error UnlistedToken(uint256 tokenId)",
  "error VerifierArityMismatch(address verifier, uint256 publicInputs)",
  "error WrongMemberCount(uint64 batchIndex, uint256 expected, uint256 got)",
  "error ZeroAddress()",
  "error ZeroDeposit()",
  "event BatchSettled(uint64 indexed batchIndex, uint256 header, uint256 newRootsCommitment)",
  "event Claimed(address indexed account, uint256 indexed tokenId, uint256 amount)",
  "event DeadlinesChanged(uint256 depositDeadlineBlocks, uint256 exodusTimeoutBlocks)",
  "event DepositConsumed(uint256 indexed index, uint64 indexed batchIndex, bool refunded)",
  "event DepositReclaimed(uint256 indexed index, address depositor)",
  "event Deposited(uint256 indexed index, uint256 chainId, uint256 to, uint256 tokenId, uint256 amount, address depositor)",
  "event DepositsClosed(uint256 indexed chainId, uint64 atBatch)",
  "event Exited(uint256 indexed chainId, uint256 indexed leafIndex, uint256 tokenId, uint256 amount, address recipient)",
  "event GenesisPublished(uint256[] accounts)",
  "event GovernanceSet(address indexed governance)",
  "event InstanceChanged(address verifier, uint256 slots, uint256 deltaTicks)",
  "event MemberAdded(uint256 indexed chainId, uint64 atBatch, uint256 genesisRoot, uint256 rootsCommitment, address verifier, uint256[] genesisAccounts)",
  "event MemberRemovedAt(uint256 indexed chainId, uint64 atBatch, uint256 frozenRoot)",
  "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)",
  "event SequencerSet(address indexed account, bool allowed)",
  "event TokenListed(uint256 indexed tokenId, address token)",
  "event WithdrawalOwed(address indexed account, uint256 indexed tokenId, uint256 amount, uint64 batchIndex)",
  "function addMember(address verifier_, uint256 slots_, address poseidonRoots, uint256 genesisRoot, uint256[] genesisAccounts)",
  "function claim(uint256 tokenId)",
  "function claimable(address, uint256) view returns (uint256)",
  "function closeDepositsTo(uint256 chainId, uint64 atBatch)",
  "function clusterId() view returns (uint256)",
  "function currentRoots() view returns (uint256[] out)",
  "function deltaTicks() view returns (uint256)",
  "function depositCount() view returns (uint64)",
  "function depositDeadlineBlocks() view returns (uint256)",
  "function depositErc20(uint256 tokenId, uint256 amount, uint256 chainId, uint256 to)",
  "function depositEth(uint256 chainId, uint256 to) payable",
  "function depositsConsumed() view returns (uint64)",
  "function depositsOpenFrom(uint256 chainId) view returns (uint64)",
  "function depth() view returns (uint256)",
  "function domain() view returns (uint256)",
  "function escrowOf(uint256, uint256) view returns (uint256)",
  "function exit((uint256 chainId, uint256 leafIndex, uint256 ax, uint256 ay, uint256 tokenId, uint256 balance, uint256 nonce, uint256[] siblings, uint256 r8x, uint256 r8y, uint256 s, address recipient) e)",
  "function exited(uint256, uint256) view returns (bool)",
  "function exodusMode() view returns (bool)",
  "function exodusTimeoutBlocks() view returns (uint256)",
  "function genesisTime() view returns (uint256)",
  "function governance() view returns (address)",
  "function isRemoved(uint256) view returns (bool)",
  "function isSequencer(address) view returns (bool)",
  "function lastSettledTick() view returns (uint32)",
  "function lastSettlementBlock() view returns (uint256)",
  "function listToken(address token) returns (uint256 tokenId)",
  "function maxTickAt(uint256 timestamp) view returns (uint256)",
  "function maxTickLead() view returns (uint256)",
  "function maxTicksPerSecond() view returns (uint256)",
  "function members() view returns (uint256)",
  "function nextBatchIndex() view returns (uint64)",
  "function owner() view returns (address)",
  "function packHeader(uint64 batchIndex, uint32 firstTick, uint32 lastTick) pure returns (uint256)",
  "function reclaimDeposit(uint256 index, uint256 chainId, uint256 to, uint256 tokenId, uint256 amount)",
  "function removeMember(uint256 chainId)",
  "function rootOf(uint256 chainId) view returns (uint256)",
  "function rootsCommitment() view returns (uint256)",
  "function setDeadlines(uint256 depositDeadlineBlocks_, uint256 exodusTimeoutBlocks_)",
  "function setGovernance(address governance_)",
  "function setInstance(address verifier_, uint256 slots_, uint256 deltaTicks_)",
  "function setSequencer(address account, bool allowed)",
  "function settle((uint256 header, uint256 oldRootsCommitment, uint256 newRootsCommitment, uint256[] newRoots, uint256[] pubdata, uint256[8] proof)[] batches)",
  "function settledClaim(uint256) view returns (bytes32)",
  "function slots() view returns (uint256)",
  "function tokenAddress(uint256) view returns (address)",
  "function tokenCount() view returns (uint256)",
  "function transferOwnership(address newOwner)",
  "function verifier() view returns (address)",
];

/** One reviewed pair: a contract and the interface that declares all of its ABI. */
interface ReviewedPair {
  contract: string;
  iface: string;
  /** How many errors the interface declares (a guard that the parse below misses none). */
  errors: number;
  /** The contract's pinned human-readable ABI, where one is pinned. */
  pinned?: string[];
  /** Fragments the interface inherits from a standard interface it imports (not declared in its file). */
  inherited?: string[];
  /** Errors only a library the contract uses can raise (in the contract's ABI, not the interface's). */
  libraryErrors?: string[];
}

const PAIRS: ReviewedPair[] = [
  { contract: "ClusterSettlement", iface: "IClusterSettlement", errors: 51, pinned: PINNED_ABI },
  {
    contract: "GovernorRegistry",
    iface: "IGovernorRegistry",
    errors: 25,
    inherited: ["event EIP712DomainChanged", "function eip712Domain"], // ERC-5267 (OpenZeppelin IERC5267)
    // OpenZeppelin ShortStrings, in EIP712's constructor: the registry's domain name and version are constants short enough
    libraryErrors: ["error InvalidShortString()", "error StringTooLong(string str)"],
  },
  { contract: "ClusterGovernance", iface: "IClusterGovernance", errors: 13 },
];

let compiled: Record<string, Record<string, { abi: unknown[] }>>;

beforeAll(() => {
  compiled = solcCompile({ ...settlementSources(), ...contractSources(REGISTRY_SOURCES), ...contractSources(GOVERNANCE_SOURCES) });
}, 120_000);

describe.each(PAIRS)("the reviewed interface $iface of $contract", (pair) => {
  const decls = declarations(readFileSync(join(REPO_ROOT, `contracts/${pair.iface}.sol`), "utf8"));
  const contract = () => new Interface(compiled[`${pair.contract}.sol`][pair.contract].abi as never);
  const iface = () => new Interface(compiled[`${pair.iface}.sol`][pair.iface].abi as never);

  it("the parse finds every error, event and function of the interface's compiled ABI (so no declaration escapes the checks below)", () => {
    const parsed = decls.map((d) => `${d.kind} ${d.name}`).sort();
    const fragments = iface()
      .fragments.filter((f) => f.type !== "constructor")
      .map((f) => `${f.type} ${(f as FunctionFragment).name}`)
      .filter((f) => !pair.inherited?.includes(f))
      .sort();
    expect(parsed).toEqual(fragments);
    expect(decls.filter((d) => d.kind === "error").length).toBe(pair.errors);
  });

  it("each error's selector comment equals the selector ethers computes from the contract's ABI", () => {
    const wrong: string[] = [];
    for (const d of decls.filter((x) => x.kind === "error")) {
      const comment = d.tags.find((t) => t.tag === "dev" && /^selector 0x[0-9a-f]{8}$/.test(t.text))?.text.slice("selector ".length);
      const selector = contract().getError(d.name)?.selector;
      if (!selector || comment !== selector) wrong.push(`${d.name}: comment ${comment ?? "(none)"}, compiled ${selector ?? "(not in the contract's ABI)"}`);
    }
    expect(wrong).toEqual([]);
  });

  it("every error, event and function of the compiled contract ABI is declared in the interface, and nothing else (constructor aside)", () => {
    const libraryErrors = pair.libraryErrors ?? [];
    expect(abiLines(contract()).filter((l) => !libraryErrors.includes(l))).toEqual(abiLines(iface()));
    expect(contract().fragments.filter((f) => f.type !== "constructor").length).toBe(iface().fragments.length + libraryErrors.length);
  });

  it.runIf(pair.pinned !== undefined)(
    "the compiled contract ABI is the pinned one (constructor included): the move into the interface changed nothing a client binds to",
    () => {
      expect([...contract().format(false)].sort()).toEqual(pair.pinned);
    },
  );

  it("every error, event and function has @notice, a @param per parameter (in order) and a @return per return value", () => {
    const missing: string[] = [];
    for (const d of decls) {
      const where = `${d.kind} ${d.name}`;
      if (!d.tags.some((t) => t.tag === "notice" && t.text.length > 0)) missing.push(`${where}: @notice`);
      const documented = d.tags.filter((t) => t.tag.startsWith("param ")).map((t) => t.tag.slice("param ".length));
      if (documented.join() !== d.params.join()) missing.push(`${where}: @param ${documented.join(",") || "(none)"} for (${d.params.join(",")})`);
      const returns = d.tags.filter((t) => t.tag === "return").length;
      if (returns !== d.returns) missing.push(`${where}: ${returns} @return for ${d.returns} return value(s)`);
      for (const t of d.tags.filter((x) => x.tag !== "notice" && x.text.length === 0)) missing.push(`${where}: empty @${t.tag}`);
    }
    expect(missing).toEqual([]);
  });

  it("the contract implements it and documents its functions and getters with @inheritdoc", () => {
    const source = readFileSync(join(REPO_ROOT, `contracts/${pair.contract}.sol`), "utf8");
    expect(source).toMatch(new RegExp(`^contract ${pair.contract} is ${pair.iface}(, \\w+)* \\{$`, "m"));
    // nothing declared twice: the errors, events and the interface's structs live in the interface only
    // (the contract keeps only private structs of its own storage and decoding)
    expect(source).not.toMatch(/^\s*(error|event) /m);
    expect(source).not.toMatch(/^\s*struct (Batch|Config|Claim|Governor|Confirmation|Challenge) /m);
    const undocumented = [...source.matchAll(/^(.*)\n\s*(?:function (\w+)\([^)]*\) (?:external|public)|[\w()=> ]+ public (?:immutable )?(\w+);)/gm)]
      .filter((m) => !m[1].includes(`@inheritdoc ${pair.iface}`))
      .map((m) => m[2] ?? m[3]);
    expect(undocumented).toEqual([]);
  });
});
