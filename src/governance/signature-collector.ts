/**
 * The service's side of fast confirmation: it receives governors' EIP-712 signed claims of closed
 * batches (POST /v1/batches/:i/signatures), keeps every one in the store, and records the moment the
 * signatures over the batch's own claim reach 2/3 of the epoch's stake (GovernorRegistry's rule, read
 * from L1). A signed claim that differs from the batch's own is kept as evidence (a governor node
 * reports it with slashContradicted once the batch settles). The service sends no L1 transaction here:
 * a governor records the confirmation on L1 (`confirm`) and reports lies.
 */
import { getAddress } from "ethers";
import type { BatchHeader } from "../circuits/batch-input.js";
import { FieldError } from "../config/field-error.js";
import { toJson } from "../protocol/json.js";
import type { ClusterStore, StoredClaimSignature } from "../store/cluster-store.js";
import { type ClusterClaim, claimDomain, claimKey, claimOfHeader, claimSigner } from "./claim.js";
import type { GovernorRegistryClient } from "./registry.js";

/** A signed claim as a request carries it: integers as decimal strings. */
export interface SignedClaimRequest {
  claim: { cluster: string; batchIndex: string; header: string; newRootsCommitment: string };
  signature: string;
}

/** What the collector answers for one accepted signature. */
export interface SignatureReceipt {
  batchIndex: number;
  signer: string;
  /** Whether the signed claim is the batch's own (it counts towards the fast confirmation). */
  matches: boolean;
  /** False when the same signer's same claim had been received before. */
  recorded: boolean;
  /** Stake (wei, decimal) of the matching signers in the current epoch, and the epoch's total. */
  signedStake: string;
  totalStake: string;
  /** Whether the batch is fast-confirmed (now or before). */
  fastConfirmed: boolean;
}

const HEX_SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/** The collector of one node: its store, its registry (a read-only client) and its settlement address. */
export class SignatureCollector {
  private domain: ReturnType<typeof claimDomain> | undefined;

  constructor(
    private readonly store: ClusterStore,
    private readonly registry: GovernorRegistryClient,
    private readonly settlement: string,
  ) {}

  /** The claim of a closed batch as the node closed it. */
  claimOf(header: BatchHeader): ClusterClaim {
    return claimOfHeader(this.settlement, header);
  }

  /**
   * Checks and records one signed claim of batch `batchIndex`: the claim's fields parse, its cluster
   * is this node's settlement and its index the batch's; the signature recovers (EIP-712, this
   * registry's domain) to an address that holds stake in the current epoch and was not slashed.
   * @param header the batch's stored header (undefined: the batch is not closed).
   * @throws FieldError naming `batchIndex`, `claim.<field>` or `signature` with the reason; nothing is
   *   recorded then. ethers errors when L1 cannot be read.
   */
  async accept(batchIndex: number, header: BatchHeader | undefined, body: SignedClaimRequest): Promise<SignatureReceipt> {
    if (!header) throw new FieldError("batchIndex", `batch ${batchIndex} is not closed`);
    const claim = parseClaim(body.claim);
    if (getAddress(claim.cluster) !== getAddress(this.settlement)) throw new FieldError("claim.cluster", `is not this cluster's settlement ${this.settlement}`);
    if (claim.batchIndex !== BigInt(batchIndex)) throw new FieldError("claim.batchIndex", `is ${claim.batchIndex}, the path names batch ${batchIndex}`);
    if (typeof body.signature !== "string" || !HEX_SIGNATURE.test(body.signature))
      throw new FieldError("signature", "must be 0x and 130 hex digits (65 bytes)");
    this.domain ??= claimDomain((await this.registry.runner!.provider!.getNetwork()).chainId, await this.registry.getAddress());
    let signer: string;
    try {
      signer = claimSigner(this.domain, claim, body.signature);
    } catch (e) {
      throw new FieldError("signature", `does not recover: ${(e as Error).message}`);
    }
    const epoch = await this.registry.currentEpoch();
    const record = await this.registry.governorOf(signer);
    const stake = record.slashed ? 0n : await this.registry.stakeAt(signer, epoch);
    if (stake === 0n) throw new FieldError("signature", `its signer ${signer} holds no stake in epoch ${epoch}${record.slashed ? " (slashed)" : ""}`);
    const own = this.claimOf(header);
    const matches = claimKey(claim) === claimKey(own);
    const recorded = this.store.insertClaimSignature({
      batchIndex,
      signer,
      claimKey: claimKey(claim),
      claim: toJson(claim),
      signature: body.signature,
      matches,
      stake: stake.toString(),
      receivedAt: Date.now(),
    });
    const total = await this.registry.totalStakeAt(epoch);
    const signed = this.store
      .claimSignatures(batchIndex)
      .filter((s) => s.matches)
      .reduce((sum, s) => sum + BigInt(s.stake), 0n);
    // GovernorRegistry.confirm's rule: signed * 3 >= total * 2
    if (signed > 0n && signed * 3n >= total * 2n) {
      this.store.setFastConfirmation({
        batchIndex,
        epoch: epoch.toString(),
        signedStake: signed.toString(),
        totalStake: total.toString(),
        confirmedAt: Date.now(),
      });
    }
    return {
      batchIndex,
      signer,
      matches,
      recorded,
      signedStake: signed.toString(),
      totalStake: total.toString(),
      fastConfirmed: this.store.fastConfirmation(batchIndex) !== undefined,
    };
  }

  /** The signed claims received for a batch (arrival order). */
  signatures(batchIndex: number): StoredClaimSignature[] {
    return this.store.claimSignatures(batchIndex);
  }
}

/**
 * A claim from a request.
 * @throws FieldError naming `claim.<field>` when a field is missing or not an address / unsigned integer of its width.
 */
export function parseClaim(raw: unknown): ClusterClaim {
  if (typeof raw !== "object" || raw === null) throw new FieldError("claim", "must be an object");
  const c = raw as Record<string, unknown>;
  const uint = (field: string, bits: number): bigint => {
    const v = c[field];
    if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,77})$/.test(v) || BigInt(v) >= 2n ** BigInt(bits)) {
      throw new FieldError(`claim.${field}`, `must be a decimal string of an unsigned ${bits}-bit integer`);
    }
    return BigInt(v);
  };
  if (typeof c.cluster !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(c.cluster)) throw new FieldError("claim.cluster", "must be 0x and 40 hex digits");
  return {
    cluster: getAddress(c.cluster.toLowerCase()),
    batchIndex: uint("batchIndex", 64),
    header: uint("header", 256),
    newRootsCommitment: uint("newRootsCommitment", 256),
  };
}
