/**
 * A governor's claim about one batch and its EIP-712 signature (EIP-712 typed structured data, signed with
 * ethers v6 `signTypedData`; verified on L1 by GovernorRegistry with OpenZeppelin EIP712 + ECDSA.tryRecover).
 * The domain binds a signature to one registry on one L1: a claim signed for another cluster's registry does
 * not verify here.
 */
import { AbiCoder, type Signer, type TypedDataDomain, keccak256, verifyTypedData } from "ethers";
import { type BatchHeader, packedHeader } from "../circuits/batch-input.js";

/** What a governor signs: GovernorRegistry's `Claim`. All integers as bigint. */
export interface ClusterClaim {
  /** The ClusterSettlement contract the claim is about (0x address). */
  cluster: string;
  /** The batch's index; equals header >> 64. */
  batchIndex: bigint;
  /** batchIndex * 2^64 + firstTick * 2^32 + lastTick (packedHeader). */
  header: bigint;
  /** Poseidon(domain, Poseidon(newRoots)) after the batch. */
  newRootsCommitment: bigint;
}

/** A claim with one governor's signature over it. */
export interface SignedClaim {
  claim: ClusterClaim;
  /** The signer's address (checksummed). */
  signer: string;
  /** 65-byte signature, 0x hex. */
  signature: string;
}

/** EIP-712 name and version of GovernorRegistry's domain (its constructor's EIP712 arguments). */
export const CLAIM_DOMAIN_NAME = "ClusterSettlement governors";
export const CLAIM_DOMAIN_VERSION = "1";

/** EIP-712 types of a claim: Claim(address cluster,uint64 batchIndex,uint256 header,uint256 newRootsCommitment). */
export const CLAIM_TYPES = {
  Claim: [
    { name: "cluster", type: "address" },
    { name: "batchIndex", type: "uint64" },
    { name: "header", type: "uint256" },
    { name: "newRootsCommitment", type: "uint256" },
  ],
};

/**
 * The EIP-712 domain of a GovernorRegistry.
 * @param chainId the L1's chain id.
 * @param registry the registry's address.
 */
export function claimDomain(chainId: bigint, registry: string): TypedDataDomain {
  return { name: CLAIM_DOMAIN_NAME, version: CLAIM_DOMAIN_VERSION, chainId, verifyingContract: registry };
}

/**
 * The claim a batch header makes: what the batch's proof, once settled, establishes.
 * @param cluster the ClusterSettlement address.
 * @param header the batch's header (index, tick range, new roots commitment).
 */
export function claimOfHeader(cluster: string, header: Pick<BatchHeader, "batchIndex" | "firstTick" | "lastTick" | "newRootsCommitment">): ClusterClaim {
  return { cluster, batchIndex: header.batchIndex, header: packedHeader(header), newRootsCommitment: header.newRootsCommitment };
}

/**
 * keccak256(abi.encode(header, newRootsCommitment)): the key ClusterSettlement.settledClaim records for a
 * settled batch and GovernorRegistry records for a confirmation; two claims about one batch index agree
 * exactly when their keys do.
 */
export function claimKey(claim: Pick<ClusterClaim, "header" | "newRootsCommitment">): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [claim.header, claim.newRootsCommitment]));
}

/**
 * Signs `claim` as EIP-712 typed data.
 * @returns the signed claim (the signer's address and its 65-byte signature).
 */
export async function signClaim(signer: Signer, domain: TypedDataDomain, claim: ClusterClaim): Promise<SignedClaim> {
  const signature = await signer.signTypedData(domain, CLAIM_TYPES, claim);
  return { claim, signer: await signer.getAddress(), signature };
}

/**
 * The address that signed `claim` in `domain` (ethers verifyTypedData: ecrecover of the EIP-712 digest).
 * @throws ethers' INVALID_ARGUMENT error when the signature is malformed.
 */
export function claimSigner(domain: TypedDataDomain, claim: ClusterClaim, signature: string): string {
  return verifyTypedData(domain, CLAIM_TYPES, claim, signature);
}

/**
 * The signatures of signed claims in the order GovernorRegistry.confirm takes them: by signer address,
 * strictly ascending (compared as 160-bit numbers).
 * @throws Error naming the signer when one signer appears twice.
 */
export function confirmationSignatures(signed: SignedClaim[]): string[] {
  const sorted = [...signed].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : BigInt(a.signer) > BigInt(b.signer) ? 1 : 0));
  for (let k = 1; k < sorted.length; k++) {
    if (BigInt(sorted[k].signer) === BigInt(sorted[k - 1].signer)) throw new Error(`signatures: ${sorted[k].signer} signed twice`);
  }
  return sorted.map((s) => s.signature);
}
