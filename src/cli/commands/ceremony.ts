import { copyFileSync, existsSync } from "node:fs";
import { Command } from "commander";
import { z } from "zod";
import type { CircuitInstance } from "../../circuits/manifest.js";
import type { Phase, PhaseProgress } from "../../phases/phase.js";
import { writeViaTemp } from "../../store/atomic-file.js";
import { BeaconBlockTimeout, waitForBeaconBlock, type BeaconBlock } from "../../setup/beacon-block.js";
import { beaconZkey, contributeZkey } from "../../setup/ceremony.js";
import { phase2InitZkey, phase2Inputs, type Phase2Inputs } from "../../setup/phase2-init.js";
import { compilePhase, type SetupContext } from "../../setup/setup-phases.js";
import { readZkeyPhase2, type ZkeyPhase2 } from "../../setup/zkey-file.js";
import { phase2Weakness } from "../../setup/zkey-guard.js";
import { verifyZkey, type ZkeyVerification } from "../../setup/zkey-verify.js";
import { CliError, EXIT } from "../cli-error.js";
import { instanceOption, parseOptions } from "../options.js";
import { runWithProgress } from "../../phases/progress.js";

const zkeyFile = z.string().min(1);
const name = z.string().min(1).max(64, "at most 64 characters (snarkjs keeps no more)").optional();

const initOptions = z.object({ instance: z.string().min(1), ptau: z.string().min(1).optional(), out: zkeyFile, json: z.boolean().default(false) }).strict();
const contributeOptions = z.object({ in: zkeyFile, out: zkeyFile, name, json: z.boolean().default(false) }).strict();
const verifyOptions = z.object({ instance: z.string().min(1), ptau: z.string().min(1).optional(), zkey: zkeyFile, json: z.boolean().default(false) }).strict();
const finalizeOptions = z
  .object({
    in: zkeyFile,
    out: zkeyFile,
    rpcUrl: z.url({ protocol: /^https?$/ }),
    block: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    name,
    timeout: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 3600)
      .default(3600),
    pollMs: z.coerce.number().int().min(10).max(600_000).default(2000),
    confirmations: z.coerce.number().int().min(0).max(1000).default(2),
    json: z.boolean().default(false),
  })
  .strict();

/** `ceremony`: the phase-2 trusted set-up of an instance, one step per party (init, contribute, verify, finalize). */
export function ceremonyCommand(): Command {
  return new Command("ceremony")
    .description(
      "The phase-2 trusted set-up (Groth16 MPC, snarkjs zkeys) of a circuit instance: the coordinator runs `init`, " +
        "each contributor `contribute` on their own machine in turn, `finalize` closes it with the hash of a pre-announced " +
        "future L1 block as a public beacon, anyone runs `verify`; `setup --zkey` installs the result. Sound when at least " +
        "one contributor's entropy is gone.",
    )
    .addCommand(initCommand())
    .addCommand(contributeCommand())
    .addCommand(verifyCommand())
    .addCommand(finalizeCommand());
}

function initCommand(): Command {
  return new Command("init")
    .description(
      "Compile the instance and write its initial phase-2 zkey (snarkjs zkey new: no contribution yet). Prints the " +
        "SHA-256 of the r1cs and the ptau and the circuit hash, for the coordinator to publish.",
    )
    .requiredOption("--instance <name>", "circuit instance in circuits/instances.json")
    .option("--ptau <file>", "powers-of-tau file prepared for phase 2 (default: the instance's bundled development file; production: a public ceremony file)")
    .requiredOption("--out <file>", "the new zkey (must not exist)")
    .option("--json", "print the result as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(initOptions, flags);
      const inst = instanceOption(o.instance);
      freshOutput(o.out);
      const ctx = await runWithProgress<CeremonyContext>(
        [
          compilePhase(inst),
          {
            title: `Initial zkey from ${o.ptau ?? inst.ptau} (snarkjs zkey new, cached)`,
            run: async (c, status) => {
              c.inputs = inputsOf(inst, c, o.ptau);
              const init = await phase2InitZkey(c.inputs, zkeyProgress(status));
              await writeViaTemp(o.out, async (tmp) => copyFileSync(init, tmp));
              status(`wrote ${o.out}`);
            },
          },
        ],
        {},
      );
      const phase2 = await readZkeyPhase2(o.out);
      const result = {
        zkey: o.out,
        instance: inst.name,
        r1cs: ctx.inputs!.r1cs,
        r1csSha256: ctx.inputs!.r1csSha256,
        ptau: ctx.inputs!.ptau,
        ptauSha256: ctx.inputs!.ptauSha256,
        circuitHash: phase2.circuitHash,
      };
      print(o.json, result, [
        `initial zkey ${o.out} (instance ${inst.name}, no contribution yet)`,
        `r1cs sha256   ${result.r1csSha256}  ${result.r1cs}`,
        `ptau sha256   ${result.ptauSha256}  ${result.ptau}`,
        `circuit hash  ${result.circuitHash}`,
      ]);
    });
}

function contributeCommand(): Command {
  return new Command("contribute")
    .description(
      "Add a secret contribution to a zkey, with 64 bytes of entropy from the OS that live only in this process's " +
        "memory (never written, never logged). Prints the contribution hash to publish. Run it on your own machine, on " +
        "the latest zkey of the ceremony (check it first with `ceremony verify`).",
    )
    .requiredOption("--in <file>", "the ceremony's latest zkey")
    .requiredOption("--out <file>", "the new zkey with your contribution (must not exist)")
    .option("--name <text>", "your name, stored in the zkey (at most 64 characters)")
    .option("--json", "print the result as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(contributeOptions, flags);
      await inputZkey(o.in, "--in");
      freshOutput(o.out);
      let hash = "";
      await runWithProgress<object>(
        [
          {
            title: `Contribute to ${o.in} (entropy: 64 bytes from the OS, kept in memory only)`,
            run: async (_c, status) => {
              hash = await contributeZkey(o.in, o.out, o.name, zkeyProgress(status));
              status(`wrote ${o.out}`);
            },
          },
        ],
        {},
      );
      const index = (await readZkeyPhase2(o.out)).contributions.length;
      print(o.json, { zkey: o.out, index, name: o.name ?? "", hash }, [
        `contribution #${index}${o.name ? ` "${o.name}"` : ""} written to ${o.out}`,
        `contribution hash ${hash}`,
      ]);
    });
}

function verifyCommand(): Command {
  return new Command("verify")
    .description(
      "Verify a zkey against the instance's r1cs and the ptau (snarkjs zkey verify: every contribution, beacon and " +
        "key section) and list its contributions with their hashes, to compare with what each contributor published. " +
        "Exit 0 when it verifies, 5 when not.",
    )
    .requiredOption("--instance <name>", "circuit instance in circuits/instances.json")
    .option("--ptau <file>", "powers-of-tau file of the ceremony (default: the instance's bundled development file)")
    .requiredOption("--zkey <file>", "the zkey to verify")
    .option("--json", "print the result as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(verifyOptions, flags);
      const inst = instanceOption(o.instance);
      if (!existsSync(o.zkey)) throw new CliError(`--zkey: ${o.zkey}: not found`, EXIT.INPUT);
      let verification: ZkeyVerification = { valid: false, reasons: [] };
      const ctx = await runWithProgress<CeremonyContext>(
        [
          compilePhase(inst),
          {
            title: `Verify ${o.zkey} against the r1cs and ${o.ptau ?? inst.ptau}`,
            run: async (c, status) => {
              c.inputs = inputsOf(inst, c, o.ptau);
              verification = await verifyZkey(c.inputs, o.zkey, zkeyProgress(status));
              status(verification.valid ? "valid" : "INVALID");
            },
          },
        ],
        {},
      );
      let phase2: ZkeyPhase2 | undefined;
      try {
        phase2 = await readZkeyPhase2(o.zkey);
      } catch (e) {
        verification = { valid: false, reasons: [...verification.reasons, (e as Error).message] };
      }
      const weakness = phase2 ? phase2Weakness(phase2) : undefined;
      const result = {
        valid: verification.valid,
        zkey: o.zkey,
        instance: inst.name,
        r1cs: ctx.inputs!.r1cs,
        ptau: ctx.inputs!.ptau,
        circuitHash: phase2?.circuitHash,
        contributions: phase2?.contributions ?? [],
        secure: phase2 !== undefined && weakness === undefined,
        ...(weakness ? { weakness } : {}),
        ...(verification.valid ? {} : { reasons: verification.reasons }),
      };
      print(o.json, result, [
        `${result.valid ? "valid" : "INVALID"}: ${o.zkey} against instance ${inst.name} (${result.r1cs}) and ${result.ptau}`,
        ...(result.valid ? [] : verification.reasons.map((r) => `  ${r}`)),
        ...(phase2 ? [`circuit hash ${phase2.circuitHash}`] : []),
        ...result.contributions.map(
          (c) =>
            `#${c.index} ${c.type.padEnd(12)} ${JSON.stringify(c.name).padEnd(24)} ${c.hash}` +
            (c.beaconHash ? `  (beacon ${c.beaconHash}, 2^${c.iterationsExp} iterations)` : ""),
        ),
        ...(phase2
          ? [weakness ? `phase 2 INSECURE: ${weakness}` : "phase 2: at least one secret contribution (sound if one contributor's entropy is gone)"]
          : []),
      ]);
      if (!result.valid) throw new CliError(`zkey: ${o.zkey} does not verify: ${verification.reasons.join("; ")}`, EXIT.CHECK_FAILED);
    });
}

function finalizeCommand(): Command {
  return new Command("finalize")
    .description(
      "Close the ceremony with a public beacon: the hash of L1 block --block, announced in advance while still in " +
        "the future. Waits (polls) until the block exists with --confirmations blocks on top, then applies the beacon " +
        "(snarkjs zkey beacon, 2^10 iterations). Prints the block hash and the contribution hash.",
    )
    .requiredOption("--in <file>", "the ceremony's last zkey (after every contribution)")
    .requiredOption("--out <file>", "the final zkey (must not exist)")
    .requiredOption("--rpc-url <url>", "JSON-RPC endpoint of the L1")
    .requiredOption("--block <n>", "number of the announced L1 block whose hash is the beacon")
    .option("--name <text>", "name of the beacon contribution (default: L1 block <n>)")
    .option("--timeout <seconds>", "give up when the block has not come after this long (default: 3600)")
    .option("--poll-ms <ms>", "pause between polls of the L1's head (default: 2000)")
    .option("--confirmations <k>", "blocks on top of --block before its hash is used, against reorgs (default: 2; 64 is final on Ethereum)")
    .option("--json", "print the result as JSON")
    .action(async (flags: Record<string, unknown>) => {
      const o = parseOptions(finalizeOptions, flags);
      await inputZkey(o.in, "--in");
      freshOutput(o.out);
      let block: BeaconBlock | undefined;
      let hash = "";
      const beaconName = o.name ?? `L1 block ${o.block}`;
      const phases: Phase<object>[] = [
        {
          title: `Wait for L1 block ${o.block}${o.confirmations ? ` and ${o.confirmations} confirmations` : ""} on ${o.rpcUrl}`,
          run: async (_c, status) => {
            block = await waitForBeaconBlock(o.rpcUrl, o.block, {
              timeoutMs: o.timeout * 1000,
              pollMs: o.pollMs,
              confirmations: o.confirmations,
              onWait: (head) => status(`head ${head}`),
            });
            status(`block ${block.number}: ${block.hash}`);
          },
        },
        {
          title: "Apply the beacon (snarkjs zkey beacon, 2^10 iterations)",
          run: async (_c, status) => {
            hash = await beaconZkey(o.in, o.out, beaconName, block!.hash.slice(2), zkeyProgress(status));
            status(`wrote ${o.out}`);
          },
        },
      ];
      await runWithProgress(phases, {}).catch((e: unknown) => {
        throw e instanceof BeaconBlockTimeout ? new CliError(e.message, EXIT.L1) : e;
      });
      const index = (await readZkeyPhase2(o.out)).contributions.length;
      print(o.json, { zkey: o.out, index, name: beaconName, block: block!.number, blockHash: block!.hash, blockTimestamp: block!.timestamp, hash }, [
        `beacon #${index} "${beaconName}" from L1 block ${block!.number} (${block!.hash}, timestamp ${block!.timestamp}) written to ${o.out}`,
        `contribution hash ${hash}`,
      ]);
    });
}

interface CeremonyContext extends Pick<SetupContext, "inst" | "circuit"> {
  inputs?: Phase2Inputs;
}

/** The phase-2 inputs of the compiled instance; a missing ptau is a bad flag. */
function inputsOf(inst: CircuitInstance, ctx: CeremonyContext, ptau?: string): Phase2Inputs {
  try {
    return phase2Inputs(inst, ctx.circuit!, ptau);
  } catch (e) {
    throw new CliError(`--ptau: ${(e as Error).message.replace(/^ptau: /, "")}`, EXIT.USAGE);
  }
}

/** Checks that `path` is a readable Groth16 zkey. @throws CliError (EXIT.INPUT) naming the flag. */
async function inputZkey(path: string, flag: string): Promise<void> {
  if (!existsSync(path)) throw new CliError(`${flag}: ${path}: not found`, EXIT.INPUT);
  try {
    await readZkeyPhase2(path);
  } catch (e) {
    throw new CliError(`${flag}: ${(e as Error).message}`, EXIT.INPUT);
  }
}

/** A ceremony keeps every step: an output file is never overwritten. @throws CliError (EXIT.USAGE) naming `--out`. */
function freshOutput(path: string): void {
  if (existsSync(path)) throw new CliError(`--out: ${path} exists; a ceremony keeps every step, choose a new file`, EXIT.USAGE);
}

const zkeyProgress = (status: Parameters<Phase<object>["run"]>[1]) => (p: PhaseProgress) => status({ ...p, label: `zkey: ${p.label}` });

function print(json: boolean, result: object, lines: string[]): void {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${lines.join("\n")}\n`);
}
