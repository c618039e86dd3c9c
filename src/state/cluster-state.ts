import { SparseMerkleTree } from "./sparse-merkle-tree.js";
import { accountFields, accountLeaf, type Account } from "./account.js";
import { messageHash, operationDigest, type Message, type SignedOperation } from "../protocol/operation.js";
import type { EddsaSigner } from "../crypto/eddsa.js";
import { rootsCommitment } from "../protocol/roots-commitment.js";
import { FieldError } from "../config/field-error.js";
import type { CreditLane, DebitLane } from "../circuits/witness-layout.js";

/** Largest balance or amount (exclusive): the circuit range-checks them to 128 bits. */
export const BALANCE_LIMIT = 1n << 128n;

/** Rejection of an operation: the field at fault and why. Nothing in the state changed. */
export class OperationRejected extends FieldError {
  constructor(field: string, reason: string) {
    super(field, reason);
    this.name = "OperationRejected";
  }
}

/**
 * State of every member chain of the cluster: one Poseidon sparse Merkle tree of accounts per
 * chain. Each `apply*` validates first, then mutates and returns the slot witness (leaf
 * preimages and Merkle paths read at the moment of the update), so a rejected operation leaves
 * the state untouched.
 */
export class ClusterState {
  private readonly trees: SparseMerkleTree[];
  private readonly accounts: Map<bigint, Account>[];

  /**
   * @param members N, number of member chains (>= 2).
   * @param depth D, depth of each chain's account tree.
   * @param poseidon hash from `getPoseidon()`.
   * @param signer EdDSA verifier.
   * @param domain signing domain of the cluster deployment (clusterDomain in src/protocol/domain.ts):
   *   in every signature checked and every roots commitment.
   */
  constructor(
    readonly members: number,
    readonly depth: number,
    private readonly poseidon: (x: bigint[]) => bigint,
    private readonly signer: EddsaSigner,
    readonly domain: bigint,
  ) {
    if (!Number.isInteger(members) || members < 2) throw new RangeError(`members: must be an integer >= 2, got ${members}`);
    const hash2 = (l: bigint, r: bigint) => poseidon([l, r]);
    this.trees = Array.from({ length: members }, () => new SparseMerkleTree(depth, hash2));
    this.accounts = Array.from({ length: members }, () => new Map());
  }

  /** State roots of all members, index = chainId. */
  roots(): bigint[] {
    return this.trees.map((t) => t.root);
  }

  /** A copy of the account at (chainId, index), or undefined. */
  account(chainId: number, index: bigint): Account | undefined {
    const a = this.accounts[chainId]?.get(index);
    return a && { ...a };
  }

  /**
   * Creates a genesis account (before any batch; genesis roots are the contract's initial roots).
   * @throws OperationRejected when the chain or index is invalid, the slot is taken or the balance is out of range.
   */
  createAccount(chainId: number, index: bigint, account: Account): void {
    this.checkChain("chainId", chainId);
    const tree = this.trees[chainId];
    if (index < 0n || index >= tree.capacity) throw new OperationRejected("index", `must be in 0..${tree.capacity - 1n}`);
    if (this.accounts[chainId].has(index)) throw new OperationRejected("index", `account ${index} exists on chain ${chainId}`);
    if (account.balance < 0n || account.balance >= BALANCE_LIMIT) throw new OperationRejected("balance", "must be in 0..2^128-1");
    this.accounts[chainId].set(index, { ...account });
    tree.update(index, accountLeaf(this.poseidon, account));
  }

  /**
   * Executes the debit of a signed TRANSFER or SEND at `tick`: checks it, debits the sender and
   * returns the debit lane and the message it sends (a TRANSFER is a message to its own chain), to be
   * delivered with `applyCredit`. The recipient is checked now, so the delivery cannot fail.
   * @param seq sequence number of the message in its (src, dst) pair (from the executor).
   * @param signatureChecked true when this operation's signature was already checked against this
   *   sender (a replay of stored operations at recovery): the EdDSA check (~20 ms) is skipped.
   * @throws OperationRejected naming the field (chainId, dstChain, from, to, tokenId, amount, nonce, signature).
   */
  applySigned(op: SignedOperation, tick: number, seq: bigint, signatureChecked = false): { debit: DebitLane; message: Message } {
    this.checkChain("chainId", op.chainId);
    if (op.type === "SEND") {
      this.checkChain("dstChain", op.dstChain);
      if (op.dstChain === op.chainId) throw new OperationRejected("dstChain", "equals chainId; use TRANSFER");
    } else if (op.dstChain !== op.chainId) {
      throw new OperationRejected("dstChain", "a TRANSFER stays on chainId");
    }
    const sender = this.accounts[op.chainId].get(op.from);
    if (!sender) throw new OperationRejected("from", `no account ${op.from} on chain ${op.chainId}`);
    const recipient = this.accounts[op.dstChain].get(op.to);
    if (!recipient) throw new OperationRejected("to", `no account ${op.to} on chain ${op.dstChain}`);
    if (op.type === "TRANSFER" && op.to === op.from) throw new OperationRejected("to", "equals from");
    if (op.amount <= 0n || op.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "must be in 1..2^128-1");
    if (sender.tokenId !== op.tokenId) throw new OperationRejected("tokenId", `sender holds token ${sender.tokenId}`);
    if (recipient.tokenId !== op.tokenId) throw new OperationRejected("tokenId", `recipient holds token ${recipient.tokenId}`);
    if (op.nonce !== sender.nonce) throw new OperationRejected("nonce", `expected ${sender.nonce}, got ${op.nonce}`);
    if (op.amount > sender.balance) throw new OperationRejected("amount", `overdraft: balance ${sender.balance}`);
    if (recipient.balance + op.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "recipient balance would overflow 2^128");
    if (!signatureChecked && !this.signer.verify(operationDigest(this.poseidon, this.domain, op), op.signature, sender.ax, sender.ay)) {
      throw new OperationRejected("signature", "not a valid EdDSA-Poseidon signature of the operation by the sender");
    }

    const tree = this.trees[op.chainId];
    const debit: DebitLane = {
      debitOn: 1n,
      srcChain: BigInt(op.chainId),
      dstChain: BigInt(op.dstChain),
      fromIndex: op.from,
      toIndex: op.to,
      tokenId: op.tokenId,
      amount: op.amount,
      nonce: op.nonce,
      dataHash: op.dataHash,
      msgSeq: seq,
      sigR8x: op.signature.R8x,
      sigR8y: op.signature.R8y,
      sigS: op.signature.S,
      sender: accountFields(sender),
      senderSiblings: tree.siblings(op.from),
    };
    sender.balance -= op.amount;
    sender.nonce += 1n;
    tree.update(op.from, accountLeaf(this.poseidon, sender));
    const message: Message = {
      srcChain: op.chainId,
      dstChain: op.dstChain,
      seq,
      sendTick: tick,
      recipient: op.to,
      tokenId: op.tokenId,
      amount: op.amount,
      dataHash: op.dataHash,
    };
    return { debit, message };
  }

  /**
   * Delivers a message on its destination chain (the credit lane): credits the recipient.
   * @throws OperationRejected when the recipient is gone, holds another token, or would overflow.
   */
  applyCredit(message: Message): CreditLane {
    const tree = this.trees[message.dstChain];
    const recipient = this.accounts[message.dstChain].get(message.recipient);
    if (!recipient) throw new OperationRejected("recipient", `no account ${message.recipient} on chain ${message.dstChain}`);
    if (recipient.tokenId !== message.tokenId) throw new OperationRejected("tokenId", `recipient holds token ${recipient.tokenId}`);
    if (recipient.balance + message.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "recipient balance would overflow 2^128");
    const credit: CreditLane = {
      creditOn: 1n,
      inSrcChain: BigInt(message.srcChain),
      inDstChain: BigInt(message.dstChain),
      inSeq: message.seq,
      inSendTick: BigInt(message.sendTick),
      inRecipient: message.recipient,
      inTokenId: message.tokenId,
      inAmount: message.amount,
      inDataHash: message.dataHash,
      recipient: accountFields(recipient),
      recipientSiblings: tree.siblings(message.recipient),
    };
    recipient.balance += message.amount;
    tree.update(message.recipient, accountLeaf(this.poseidon, recipient));
    return credit;
  }

  /** Commitment to all member roots, Poseidon(domain, Poseidon(roots)) (src/protocol/roots-commitment.ts). */
  rootsCommitment(roots: bigint[] = this.roots()): bigint {
    return rootsCommitment(this.poseidon, this.domain, roots);
  }

  /** Hash of a message, for outbox/inbox hash chains. */
  messageHash(m: Message): bigint {
    return messageHash(this.poseidon, m);
  }

  private checkChain(field: string, chainId: number): void {
    if (!Number.isInteger(chainId) || chainId < 0 || chainId >= this.members) {
      throw new OperationRejected(field, `unknown chain ${chainId}: members are 0..${this.members - 1}`);
    }
  }
}
