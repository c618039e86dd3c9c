import { SparseMerkleTree } from "./sparse-merkle-tree.js";
import { accountFields, accountLeaf, type Account } from "./account.js";
import { OpType, messageHash, operationDigest, type Message, type SignedOperation } from "../protocol/operation.js";
import type { EddsaSigner } from "../crypto/eddsa.js";

/** Largest balance or amount (exclusive): the circuit range-checks them to 128 bits. */
export const BALANCE_LIMIT = 1n << 128n;

/** Rejection of an operation: the field at fault and why. Nothing in the state changed. */
export class OperationRejected extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = "OperationRejected";
  }
}

/** Private inputs of one ClusterSlot (circuits/lib/slot.circom), as bigints. */
export interface SlotWitness {
  opType: bigint; tick: bigint; chainId: bigint; peerChainId: bigint;
  fromIndex: bigint; toIndex: bigint; tokenId: bigint; amount: bigint; nonce: bigint; dataHash: bigint;
  msgSeq: bigint; msgSendTick: bigint; sigR8x: bigint; sigR8y: bigint; sigS: bigint;
  sender: bigint[]; senderSiblings: bigint[]; recipient: bigint[]; recipientSiblings: bigint[];
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
   */
  constructor(readonly members: number, readonly depth: number,
              private readonly poseidon: (x: bigint[]) => bigint, private readonly signer: EddsaSigner) {
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
   * Executes a signed TRANSFER or SEND at `tick`. For SEND returns the message too (seq supplied by caller).
   * @throws OperationRejected naming the field (chainId, dstChain, from, to, tokenId, amount, nonce, signature).
   */
  applySigned(op: SignedOperation, tick: number, seq = 0n): { slot: SlotWitness; message?: Message } {
    this.checkChain("chainId", op.chainId);
    if (op.type === "SEND") {
      this.checkChain("dstChain", op.dstChain);
      if (op.dstChain === op.chainId) throw new OperationRejected("dstChain", "equals chainId; use TRANSFER");
    } else if (op.dstChain !== op.chainId) {
      throw new OperationRejected("dstChain", "a TRANSFER stays on chainId");
    }
    const sender = this.accounts[op.chainId].get(op.from);
    if (!sender) throw new OperationRejected("from", `no account ${op.from} on chain ${op.chainId}`);
    const recipientChain = op.type === "SEND" ? op.dstChain : op.chainId;
    const recipient = this.accounts[recipientChain].get(op.to);
    if (!recipient) throw new OperationRejected("to", `no account ${op.to} on chain ${recipientChain}`);
    if (op.type === "TRANSFER" && op.to === op.from) throw new OperationRejected("to", "equals from");
    if (op.amount <= 0n || op.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "must be in 1..2^128-1");
    if (sender.tokenId !== op.tokenId) throw new OperationRejected("tokenId", `sender holds token ${sender.tokenId}`);
    if (recipient.tokenId !== op.tokenId) throw new OperationRejected("tokenId", `recipient holds token ${recipient.tokenId}`);
    if (op.nonce !== sender.nonce) throw new OperationRejected("nonce", `expected ${sender.nonce}, got ${op.nonce}`);
    if (op.amount > sender.balance) throw new OperationRejected("amount", `overdraft: balance ${sender.balance}`);
    if (op.type === "TRANSFER" && recipient.balance + op.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "recipient balance would overflow 2^128");
    const digest = operationDigest(this.poseidon, op);
    if (!this.signer.verify(digest, op.signature, sender.ax, sender.ay)) {
      throw new OperationRejected("signature", "not a valid EdDSA-Poseidon signature of the operation by the sender");
    }

    const tree = this.trees[op.chainId];
    const senderBefore = accountFields(sender);
    const senderSiblings = tree.siblings(op.from);
    sender.balance -= op.amount;
    sender.nonce += 1n;
    tree.update(op.from, accountLeaf(this.poseidon, sender));

    const slot: SlotWitness = {
      opType: BigInt(OpType[op.type]), tick: BigInt(tick), chainId: BigInt(op.chainId),
      peerChainId: BigInt(recipientChain), fromIndex: op.from, toIndex: op.to, tokenId: op.tokenId,
      amount: op.amount, nonce: op.nonce, dataHash: op.dataHash, msgSeq: 0n, msgSendTick: 0n,
      sigR8x: op.signature.R8x, sigR8y: op.signature.R8y, sigS: op.signature.S,
      sender: senderBefore, senderSiblings,
      recipient: zeros(5), recipientSiblings: zeros(this.depth),
    };
    if (op.type === "TRANSFER") {
      slot.recipient = accountFields(recipient);
      slot.recipientSiblings = tree.siblings(op.to);
      recipient.balance += op.amount;
      tree.update(op.to, accountLeaf(this.poseidon, recipient));
      return { slot };
    }
    slot.msgSeq = seq;
    slot.msgSendTick = BigInt(tick);
    const message: Message = {
      srcChain: op.chainId, dstChain: op.dstChain, seq, sendTick: tick, recipient: op.to,
      tokenId: op.tokenId, amount: op.amount, dataHash: op.dataHash,
    };
    return { slot, message };
  }

  /**
   * Delivers a message on its destination chain at `tick` (RECEIVE): credits the recipient.
   * @throws OperationRejected when the recipient is gone, holds another token, or would overflow.
   */
  applyReceive(message: Message, tick: number): SlotWitness {
    const tree = this.trees[message.dstChain];
    const recipient = this.accounts[message.dstChain].get(message.recipient);
    if (!recipient) throw new OperationRejected("recipient", `no account ${message.recipient} on chain ${message.dstChain}`);
    if (recipient.tokenId !== message.tokenId) throw new OperationRejected("tokenId", `recipient holds token ${recipient.tokenId}`);
    if (recipient.balance + message.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "recipient balance would overflow 2^128");
    const slot: SlotWitness = {
      opType: BigInt(OpType.RECEIVE), tick: BigInt(tick), chainId: BigInt(message.dstChain),
      peerChainId: BigInt(message.srcChain), fromIndex: 0n, toIndex: message.recipient, tokenId: message.tokenId,
      amount: message.amount, nonce: 0n, dataHash: message.dataHash, msgSeq: message.seq,
      msgSendTick: BigInt(message.sendTick), sigR8x: 0n, sigR8y: 0n, sigS: 0n,
      sender: zeros(5), senderSiblings: zeros(this.depth),
      recipient: accountFields(recipient), recipientSiblings: tree.siblings(message.recipient),
    };
    recipient.balance += message.amount;
    tree.update(message.recipient, accountLeaf(this.poseidon, recipient));
    return slot;
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

/** A NOOP slot at `tick`: every field zero except the tick (ticks must not go backwards). */
export function noopSlot(tick: number, depth: number): SlotWitness {
  return {
    opType: 0n, tick: BigInt(tick), chainId: 0n, peerChainId: 0n, fromIndex: 0n, toIndex: 0n, tokenId: 0n,
    amount: 0n, nonce: 0n, dataHash: 0n, msgSeq: 0n, msgSendTick: 0n, sigR8x: 0n, sigR8y: 0n, sigS: 0n,
    sender: zeros(5), senderSiblings: zeros(depth), recipient: zeros(5), recipientSiblings: zeros(depth),
  };
}

function zeros(n: number): bigint[] {
  return Array.from({ length: n }, () => 0n);
}
