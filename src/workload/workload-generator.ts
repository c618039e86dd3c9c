import type { EddsaSigner } from "../crypto/eddsa.js";
import { operationDigest, type SignedOperation } from "../protocol/operation.js";
import { genesisDomain, type DevKeys } from "../protocol/genesis.js";
import { privateKeyBytes } from "./dev-keys.js";
import { encodeOperation } from "../protocol/operation-codec.js";
import { SeededRandom, zipfSampler } from "./seeded-random.js";
import { nativeTokenOwner } from "../protocol/token.js";

/** Faults a workload can carry, one line each; each names the field the executor must reject. */
export const FAULT_KINDS = {
  "bad-signature": "signature",
  "wrong-nonce": "nonce",
  overdraft: "amount",
  "unknown-chain": "chainId",
  "unknown-account": "from",
  "malformed-line": "amount",
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;

/** Parameters of a generated workload. */
export interface WorkloadOptions {
  /** Valid operations to generate. */
  operations: number;
  /** Share of SEND (cross-chain) among valid operations, 0..1. */
  crossChainShare: number;
  /** Zipf exponent of account popularity (0 = uniform; ~1 = a few hot accounts). */
  zipfExponent: number;
  /** Largest amount of one operation, in base units. */
  maxAmount: bigint;
  /** Insert one line of each fault kind, spread through the file. */
  faults: boolean;
  seed: string;
  /** L1 address (a uint160) that WITHDRAW operations pay; none are generated without it. */
  withdrawTo?: bigint;
  /** Share of WITHDRAW among valid operations when `withdrawTo` is given, 0..1 (default 0.1). */
  withdrawShare?: number;
  /** Units a cluster-native token's minter mints first when the keys hold one (default 1,000,000). */
  nativeMint?: bigint;
}

/** Default of WorkloadOptions.nativeMint. */
const NATIVE_MINT = 1_000_000n;

/** A generated workload: JSONL lines, and what they hold. */
export interface Workload {
  lines: string[];
  transfers: number;
  sends: number;
  withdrawals: number;
  mints: number;
  /** 1-based line numbers of the fault lines, with the kind and the field a rejection must name. */
  faults: { line: number; kind: FaultKind; field: string }[];
}

/**
 * Generates a realistic signed workload for a dev key set: senders and recipients drawn with Zipf
 * popularity on a uniformly chosen chain, SEND to a uniformly chosen other member with probability
 * `crossChainShare`, amounts uniform in 1..maxAmount; with `withdrawTo`, a share `withdrawShare` of
 * WITHDRAW operations to that L1 address. When the keys hold a cluster-native token's minter leaf (on
 * its owner chain), the workload opens with a MINT of `nativeMint` to a holder of the token there and a
 * SEND of half of it to a holder on the next member; the other operations move the keys' L1 token
 * only. Every valid operation is valid when executed in
 * file order (nonces follow; balances are tracked conservatively: cross-chain credits are not spent).
 * @throws RangeError naming the option at fault.
 */
export function generateWorkload(keys: DevKeys, signer: EddsaSigner, poseidon: (x: bigint[]) => bigint, o: WorkloadOptions): Workload {
  if (!Number.isInteger(o.operations) || o.operations < 1) throw new RangeError(`operations: must be an integer >= 1, got ${o.operations}`);
  if (!(o.crossChainShare >= 0 && o.crossChainShare <= 1)) throw new RangeError(`crossChainShare: must be in 0..1, got ${o.crossChainShare}`);
  if (o.withdrawShare !== undefined && !(o.withdrawShare >= 0 && o.withdrawShare <= 1))
    throw new RangeError(`withdrawShare: must be in 0..1, got ${o.withdrawShare}`);
  if (o.withdrawTo !== undefined && (o.withdrawTo <= 0n || o.withdrawTo >= 1n << 160n))
    throw new RangeError("withdrawTo: must be a non-zero L1 address (uint160)");
  if (o.maxAmount < 1n) throw new RangeError(`maxAmount: must be >= 1, got ${o.maxAmount}`);
  const domain = genesisDomain(keys);
  const random = new SeededRandom(`workload:${o.seed}`);
  const byChain = Array.from({ length: keys.members }, (_, c) =>
    keys.accounts.filter((a) => a.chainId === c && nativeTokenOwner(a.tokenId) === undefined).sort((a, b) => Number(a.index - b.index)),
  );
  const sim = new Map(keys.accounts.map((a) => [`${a.chainId}/${a.index}`, { balance: a.balance, nonce: 0n }]));
  const pickAccount = byChain.map((accounts) => zipfSampler(accounts.length, o.zipfExponent, random));
  const sign = (op: Omit<SignedOperation, "signature">, privateKey: string): SignedOperation => ({
    ...op,
    signature: signer.sign(privateKeyBytes(privateKey), operationDigest(poseidon, domain, op)),
  });

  const out: Workload = { lines: [], transfers: 0, sends: 0, withdrawals: 0, mints: 0, faults: [] };
  const minter = keys.accounts.find((a) => {
    const owner = nativeTokenOwner(a.tokenId);
    return owner !== undefined && owner.chainId === a.chainId && owner.minterIndex === a.index;
  });
  if (minter) {
    const holder = (chainId: number) => keys.accounts.find((a) => a.tokenId === minter.tokenId && a.chainId === chainId && a !== minter);
    const home = holder(minter.chainId);
    const away = holder((minter.chainId + 1) % keys.members);
    if (home && away) {
      const minted = o.nativeMint ?? NATIVE_MINT;
      const native = { tokenId: minter.tokenId, dataHash: 0n };
      const mint = {
        ...native,
        type: "MINT",
        chainId: minter.chainId,
        dstChain: minter.chainId,
        from: minter.index,
        to: home.index,
        amount: minted,
        nonce: 0n,
      } as const;
      const send = {
        ...native,
        type: "SEND",
        chainId: home.chainId,
        dstChain: away.chainId,
        from: home.index,
        to: away.index,
        amount: minted / 2n,
        nonce: 0n,
      } as const;
      out.lines.push(encodeOperation(sign(mint, minter.privateKey)), encodeOperation(sign(send, home.privateKey)));
      out.mints++;
      out.sends++;
    }
  }
  // fault k goes before valid operation floor((k+1)·operations/(F+1)): spread evenly through the file
  const faultKinds = o.faults ? (Object.keys(FAULT_KINDS) as FaultKind[]) : [];
  const faultsBefore = new Map<number, FaultKind[]>();
  faultKinds.forEach((kind, k) => {
    const at = Math.floor(((k + 1) * o.operations) / (faultKinds.length + 1));
    faultsBefore.set(at, [...(faultsBefore.get(at) ?? []), kind]);
  });

  /** A valid operation (by simulation), not yet applied to the simulation. */
  const nextValid = () => {
    for (;;) {
      const chainId = random.int(0, keys.members - 1);
      const from = byChain[chainId][pickAccount[chainId]()];
      const account = sim.get(`${chainId}/${from.index}`)!;
      if (account.balance < 1n) continue;
      if (o.withdrawTo !== undefined && random.float() < (o.withdrawShare ?? 0.1)) {
        // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
        const cap = account.balance < o.maxAmount ? account.balance : o.maxAmount;
        const amount = 1n + BigInt(Math.floor(random.float() * Number(cap)));
        const op = {
          type: "WITHDRAW",
          chainId,
          dstChain: chainId,
          from: from.index,
          to: o.withdrawTo,
          tokenId: from.tokenId,
          amount,
          nonce: account.nonce,
          dataHash: 0n,
        } as const;
        return { op, key: from.privateKey, account, recipient: undefined };
      }
      const cross = random.float() < o.crossChainShare;
      const dstChain = cross ? (chainId + random.int(1, keys.members - 1)) % keys.members : chainId;
      const to = byChain[dstChain][pickAccount[dstChain]()];
      if (!cross && to.index === from.index) continue;
      // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
      const cap = account.balance < o.maxAmount ? account.balance : o.maxAmount;
      const amount = 1n + BigInt(Math.floor(random.float() * Number(cap)));
      const op = {
        type: cross ? "SEND" : "TRANSFER",
        chainId,
        dstChain,
        from: from.index,
        to: to.index,
        tokenId: from.tokenId,
        amount,
        nonce: account.nonce,
        dataHash: 0n,
      } as const;
      return { op, key: from.privateKey, account, recipient: cross ? undefined : sim.get(`${dstChain}/${to.index}`)! };
    }
  };

  for (let i = 0; i < o.operations; i++) {
    for (const kind of faultsBefore.get(i) ?? []) {
      out.lines.push(faultLine(kind, nextValid(), keys));
      out.faults.push({ line: out.lines.length, kind, field: FAULT_KINDS[kind] });
    }
    const { op, key, account, recipient } = nextValid();
    out.lines.push(encodeOperation(sign(op, key)));
    account.balance -= op.amount;
    account.nonce += 1n;
    if (recipient) recipient.balance += op.amount;
    if (op.type === "SEND") out.sends++;
    else if (op.type === "WITHDRAW") out.withdrawals++;
    else out.transfers++;
  }
  return out;

  function faultLine(kind: FaultKind, valid: ReturnType<typeof nextValid>, k: DevKeys): string {
    const { op, key } = valid;
    const otherKey = k.accounts.find((a) => a.privateKey !== key)!.privateKey;
    switch (kind) {
      case "bad-signature":
        return encodeOperation(sign(op, otherKey));
      case "wrong-nonce":
        return encodeOperation(sign({ ...op, nonce: op.nonce + 1n }, key));
      case "overdraft":
        return encodeOperation(sign({ ...op, amount: (1n << 128n) - 1n }, key));
      case "unknown-chain":
        return encodeOperation(sign({ ...op, chainId: k.members, dstChain: k.members }, key));
      case "unknown-account":
        return encodeOperation(sign({ ...op, from: BigInt(k.accounts.length + 7) }, key));
      case "malformed-line":
        return encodeOperation(sign(op, key)).replace(/"amount":"\d+"/, '"amount":"-5"');
    }
  }
}
