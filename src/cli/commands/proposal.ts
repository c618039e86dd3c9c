import { readFileSync } from "node:fs";
import { Command } from "commander";
import { Contract, type JsonRpcProvider, Wallet, formatEther } from "ethers";
import { z } from "zod";
import { devnetProvider } from "../../l1/anvil.js";
import { settlementInterfaceAbi } from "../../l1/compile-contracts.js";
import { describeRevert } from "../../l1/revert.js";
import { governanceClient } from "../../governance/joint-governance.js";
import { type ProposalView, checkProposal, proposeMemberAddition, proposeMemberRemoval, readProposal } from "../../governance/proposals.js";
import { parseGenesisAccounts } from "../../protocol/genesis.js";
import { toJson } from "../../protocol/json.js";
import { setupPhases, type SetupContext } from "../../setup/setup-phases.js";
import type { PreparedInstance } from "../../setup/prepared-instance.js";
import { runWithProgress } from "../../phases/progress.js";
import { CliError, EXIT } from "../cli-error.js";
import { cliErrorOf, instanceOption, parseOptions } from "../options.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be 0x and 40 hex digits");
const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits (a private key)");
const common = { rpcUrl: z.url(), governance: address, json: z.boolean().default(false) };
const setup = { nextInstance: z.string().min(1).optional(), ptau: z.string().min(1).optional(), insecureDevZkey: z.boolean().default(false) };

const showOptions = z.object({ ...common, id: z.coerce.bigint().positive() }).strict();
const approveOptions = z.object({ ...common, ...setup, id: z.coerce.bigint().positive(), key: privateKey }).strict();
const executeOptions = z.object({ ...common, id: z.coerce.bigint().positive(), key: privateKey }).strict();
const removeMemberOptions = z
  .object({ ...common, chain: z.coerce.number().int().min(0).max(255), atBatch: z.coerce.number().int().nonnegative(), key: privateKey })
  .strict();
const addMemberOptions = z
  .object({
    ...common,
    ...setup,
    nextInstance: z.string().min(1),
    accounts: z.string().min(1),
    atBatch: z.coerce.number().int().nonnegative(),
    key: privateKey,
  })
  .strict();

/** `proposal`: joint governance from a governor's seat (src/governance/proposals.ts). */
export function proposalCommand(): Command {
  const withCommon = (c: Command) =>
    c
      .requiredOption("--rpc-url <url>", "the L1 the cluster settles on")
      .requiredOption("--governance <address>", "the cluster's ClusterGovernance (GET /v1/status: governance)")
      .option("--json", "print the result as JSON");
  const withKey = (c: Command) => c.option("--key <hex>", "a governor's private key on that L1 (or env GOVERNOR_PRIVATE_KEY)");
  const withSetup = (c: Command, what: string) =>
    c
      .option("--next-instance <name>", what)
      .option("--ptau <file>", "powers-of-tau file for its set-up (default: the bundled development file)")
      .option("--insecure-dev-zkey", "accept a zkey whose phase 2 has no secret contribution: development only");
  const env = { key: process.env.GOVERNOR_PRIVATE_KEY };

  const show = withCommon(new Command("show"))
    .description("Show a proposal: its action, boundary, decoded parameters, approvals against the 2/3 quorum, and when it may execute.")
    .requiredOption("--id <n>", "the proposal id")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(showOptions, flags);
      await withL1(o.rpcUrl, async (provider) => print(await readOrExplain(provider, o.governance, o.id), o.json));
    });

  const approve = withSetup(
    withKey(withCommon(new Command("approve"))),
    "your own set-up of the instance the proposal switches to (ADD_MEMBER: N + 1 members; SET_INSTANCE): its verifier is checked against the proposed one",
  )
    .description(
      "Approve a proposal after checking it: an ADD_MEMBER's verifier and Poseidon code, B and genesis root against your own set-up " +
        "of the N + 1 instance, a SET_INSTANCE's verifier, B and Δ against the new instance's. Exits 5 and approves nothing when a check fails.",
    )
    .requiredOption("--id <n>", "the proposal id")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(approveOptions, flags, undefined, env);
      await withL1(o.rpcUrl, async (provider) => {
        const view = await readOrExplain(provider, o.governance, o.id);
        const next = o.nextInstance ? await prepare(o.nextInstance, o) : undefined;
        const { members, removed } = await clusterMembership(provider, o.governance);
        await checkProposal(provider, view, members, next, removed).catch((e) => {
          throw new CliError(`proposal ${o.id} refused: ${(e as Error).message}`, EXIT.CHECK_FAILED);
        });
        await send(`approve proposal ${o.id}`, governanceClient(o.governance, provider), () =>
          governanceClient(o.governance, new Wallet(o.key, provider)).approve(o.id),
        );
        print(await readProposal(provider, o.governance, o.id), o.json);
      });
    });

  const execute = withKey(withCommon(new Command("execute")))
    .description("Execute an approved proposal once its timelock is over and the settlement is at its batch boundary (anyone may).")
    .requiredOption("--id <n>", "the proposal id")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(executeOptions, flags, undefined, env);
      await withL1(o.rpcUrl, async (provider) => {
        const view = await readOrExplain(provider, o.governance, o.id);
        await send(`execute proposal ${o.id}`, governanceClient(o.governance, provider), () =>
          governanceClient(o.governance, new Wallet(o.key, provider)).execute(o.id, view.params),
        );
        print(await readProposal(provider, o.governance, o.id), o.json);
      });
    });

  const addMember = withSetup(withKey(withCommon(new Command("add-member"))), "the instance of N + 1 members (same depth), set up beforehand")
    .description(
      "Propose adding member N at a batch boundary: deploys the N + 1 instance's Groth16 verifier and Poseidon contract, computes the " +
        "new member's genesis root from its accounts, and proposes ADD_MEMBER (your approval counted). Nodes and governors must run with " +
        "--next-instance of the same instance.",
    )
    .requiredOption(
      "--accounts <file>",
      "the new member's genesis accounts: a JSON list of { chainId, index, ax, ay, tokenId, balance } (or a genesis file's accounts)",
    )
    .requiredOption("--at-batch <i>", "the batch boundary: the member joins before batch i (the settlement's nextBatchIndex must still be at most i)")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(addMemberOptions, flags, undefined, env);
      const accounts = readAccounts(o.accounts);
      await withL1(o.rpcUrl, async (provider) => {
        const next = await prepare(o.nextInstance, o);
        const { members } = await clusterMembership(provider, o.governance);
        const wallet = new Wallet(o.key, provider);
        const { id } = await send("propose ADD_MEMBER", governanceClient(o.governance, provider), () =>
          proposeMemberAddition(wallet, o.governance, members, next, accounts, o.atBatch),
        );
        print(await readProposal(provider, o.governance, id), o.json);
      });
    });

  const removeMember = withKey(withCommon(new Command("remove-member")))
    .description(
      "Propose removing member C at a batch boundary: from that batch on its root is frozen on L1 (no batch may change it, no deposit " +
        "reaches it) and its accounts exit at once with `exit`, each paid at most what its escrow holds. The circuit instance stays the same.",
    )
    .requiredOption("--chain <c>", "the member's chain id")
    .requiredOption("--at-batch <i>", "the batch boundary: its root is frozen from batch i on")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(removeMemberOptions, flags, undefined, env);
      await withL1(o.rpcUrl, async (provider) => {
        const { members, removed } = await clusterMembership(provider, o.governance);
        if (o.chain >= members || removed.includes(o.chain)) throw new CliError(`--chain: ${o.chain} is not an active member of the cluster`, EXIT.USAGE);
        const id = await send("propose REMOVE_MEMBER", governanceClient(o.governance, provider), () =>
          proposeMemberRemoval(new Wallet(o.key, provider), o.governance, o.chain, o.atBatch),
        );
        print(await readProposal(provider, o.governance, id), o.json);
      });
    });

  return new Command("proposal")
    .description("Joint governance (ClusterGovernance): propose adding or removing a member, show, check and approve a proposal, execute it.")
    .addCommand(addMember)
    .addCommand(removeMember)
    .addCommand(show)
    .addCommand(approve)
    .addCommand(execute);
}

async function withL1(rpcUrl: string, body: (provider: JsonRpcProvider) => Promise<void>): Promise<void> {
  const provider = devnetProvider(rpcUrl);
  try {
    await body(provider);
  } finally {
    provider.destroy();
  }
}

/** @throws CliError naming `--governance` (no contract there) or `--id` (no such proposal). */
async function readOrExplain(provider: JsonRpcProvider, governance: string, id: bigint): Promise<ProposalView> {
  if ((await provider.getCode(governance)) === "0x") throw new CliError(`--governance: no contract at ${governance}`, EXIT.USAGE);
  return readProposal(provider, governance, id).catch((e) => {
    throw cliErrorOf(e, showOptions.shape);
  });
}

/** N of the settlement the governance governs, and the members removed from it. */
async function clusterMembership(provider: JsonRpcProvider, governance: string): Promise<{ members: number; removed: number[] }> {
  const settlement = new Contract(await governanceClient(governance, provider).settlement(), settlementInterfaceAbi() as never, provider);
  const members = Number(await settlement.members());
  const removed: number[] = [];
  for (let c = 0; c < members; c++) if (await settlement.isRemoved(c)) removed.push(c);
  return { members, removed };
}

/** The set-up of `name` (cached after the first use). @throws CliError naming `--next-instance` for an unknown instance. */
async function prepare(name: string, o: { ptau?: string; insecureDevZkey: boolean }): Promise<PreparedInstance> {
  instanceOption(name, "--next-instance");
  return (await runWithProgress(setupPhases(name, { ptau: o.ptau, allowInsecureDevZkey: o.insecureDevZkey }), {} as SetupContext)).prepared!;
}

/** @throws CliError naming `--accounts` when the file is unreadable or its accounts invalid. */
function readAccounts(path: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new CliError(`--accounts: cannot read ${path}: ${(e as Error).message}`, EXIT.INPUT);
  }
  try {
    return parseGenesisAccounts(Array.isArray(raw) ? raw : (raw as { accounts?: unknown }).accounts, "accounts");
  } catch (e) {
    throw new CliError(`--accounts: ${path}: ${(e as Error).message}`, EXIT.INPUT);
  }
}

/**
 * Sends a transaction; a revert becomes a CliError (EXIT.CHECK_FAILED) with its custom error decoded by `decoder`'s ABI.
 * @throws CliError; what cliErrorOf makes of a FieldError; ethers errors that are no revert.
 */
async function send<T>(what: string, decoder: Contract, tx: () => Promise<T>): Promise<T> {
  try {
    const r = (await tx()) as T & { wait?: () => Promise<unknown> };
    if (typeof r?.wait === "function") await r.wait();
    return r;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const revert = describeRevert(e, decoder);
    if (revert) throw new CliError(`${what}: L1 refused: ${revert}`, EXIT.CHECK_FAILED);
    throw cliErrorOf(e, addMemberOptions.shape);
  }
}

function print(v: ProposalView, json: boolean): void {
  if (json) {
    process.stdout.write(`${toJson(v, 2)}\n`);
    return;
  }
  const state = v.executed
    ? "executed"
    : v.queuedAt > 0n
      ? `queued, executable from ${new Date(Number(v.executableAt) * 1000).toISOString()}`
      : `approved by ${formatEther(v.approvedStake)} of the ${formatEther(v.quorumStake)} ETH it needs`;
  process.stdout.write(
    `proposal ${v.id}: ${v.action} at batch ${v.atBatch} (epoch ${v.epoch}, proposed by ${v.proposer}): ${state}\n  params ${toJson(v.decoded)}\n`,
  );
}
