import { SparseMerkleTree } from "./sparse-merkle-tree.js";
import { accountFields, accountLeaf, type Account } from "./account.js";
import { messageHash, operationDigest, type L1Deposit, type Message, type SignedOperation } from "../protocol/operation.js";
import type { EddsaSigner } from "../crypto/eddsa.js";
import { rootsCommitment } from "../protocol/roots-commitment.js";
import { FieldError } from "../config/field-error.js";
import type { CreditLane, DebitLane } from "../circuits/witness-layout.js";
import type { SlotRecord } from "../protocol/pubdata.js";
import { nativeTokenOwner } from "../protocol/token.js";

/** Largest balance or amount (exclusive): the circuit range-checks them to 128 bits. */
export const BALANCE_LIMIT = 1n << 128n;
/** Largest deposit + 1 (ClusterSettlement's cap): 2^96, so that no sum of deposits a leaf can take overflows 2^128 in practice. */
export const DEPOSIT_LIMIT = 1n << 96n;
/** Largest L1 address + 1: a WITHDRAW's `to` is a uint160. */
export const ADDRESS_LIMIT = 1n << 160n;

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
    members: number,
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

  /** N, the number of member chains (grows by one with each `addMember`). */
  get members(): number {
    return this.trees.length;
  }

  /**
   * Adds member chain N (joint governance: ClusterGovernance's ADD_MEMBER, executed at a batch
   * boundary) with an empty account tree; its genesis accounts are then created with `createAccount`.
   * @returns the new member's chainId (the previous N).
   */
  addMember(): number {
    this.trees.push(new SparseMerkleTree(this.depth, (l, r) => this.poseidon([l, r])));
    this.accounts.push(new Map());
    return this.trees.length - 1;
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
   * Executes the debit of a signed TRANSFER, SEND or MINT at `tick`: checks it, debits the sender and
   * returns the debit lane and the message it sends (a TRANSFER or MINT is a message to its own chain),
   * to be delivered with `applyCredit`. The recipient is checked now, so the delivery cannot fail. A
   * MINT is signed by the minter leaf of a cluster-native token on its owner chain (nativeTokenOwner);
   * the minter's balance is kept (nonce + 1) and the message carries `amount` newly made units.
   * @param seq sequence number of the message in its (src, dst) pair (from the executor).
   * @param signatureChecked true when this operation's signature was already checked against this
   *   sender (a replay of stored operations at recovery): the EdDSA check (~20 ms) is skipped.
   * @throws OperationRejected naming the field (chainId, dstChain, from, to, tokenId, amount, nonce, signature).
   */
  applySigned(op: SignedOperation, tick: number, seq: bigint, signatureChecked = false): { debit: DebitLane; message: Message } {
    this.checkChain("chainId", op.chainId);
    if (op.type === "WITHDRAW") throw new OperationRejected("type", "a WITHDRAW sends no message: use applyWithdraw");
    if (op.type === "SEND") {
      this.checkChain("dstChain", op.dstChain);
      if (op.dstChain === op.chainId) throw new OperationRejected("dstChain", "equals chainId; use TRANSFER");
    } else if (op.dstChain !== op.chainId) {
      throw new OperationRejected("dstChain", `a ${op.type} stays on chainId`);
    }
    if (op.type === "MINT") this.checkMintRight(op);
    const sender = this.accounts[op.chainId].get(op.from);
    if (!sender) throw new OperationRejected("from", `no account ${op.from} on chain ${op.chainId}`);
    const recipient = this.accounts[op.dstChain].get(op.to);
    if (!recipient) throw new OperationRejected("to", `no account ${op.to} on chain ${op.dstChain}`);
    if (op.type !== "SEND" && op.to === op.from) throw new OperationRejected("to", "equals from");
    if (op.amount <= 0n || op.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "must be in 1..2^128-1");
    if (sender.tokenId !== op.tokenId) throw new OperationRejected("tokenId", `sender holds token ${sender.tokenId}`);
    if (recipient.tokenId !== op.tokenId) throw new OperationRejected("tokenId", `recipient holds token ${recipient.tokenId}`);
    if (op.nonce !== sender.nonce) throw new OperationRejected("nonce", `expected ${sender.nonce}, got ${op.nonce}`);
    if (op.type !== "MINT" && op.amount > sender.balance) throw new OperationRejected("amount", `overdraft: balance ${sender.balance}`);
    if (recipient.balance + op.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "recipient balance would overflow 2^128");
    this.checkSignature(op, sender, signatureChecked);
    const debit = this.debit(op, sender, seq);
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
   * Executes a signed WITHDRAW: checks it and debits the sender; the batch publishes it and the
   * settlement contract owes `amount` of `tokenId` to the L1 address `to` once the batch settles.
   * @param signatureChecked see applySigned.
   * @returns the debit lane (isWithdraw = 1; no message).
   * @throws OperationRejected naming the field (chainId, dstChain, from, to, tokenId, amount, nonce, signature).
   */
  applyWithdraw(op: SignedOperation, signatureChecked = false): DebitLane {
    this.checkChain("chainId", op.chainId);
    if (op.type !== "WITHDRAW") throw new OperationRejected("type", `expected WITHDRAW, got ${op.type}`);
    if (op.dstChain !== op.chainId) throw new OperationRejected("dstChain", "a WITHDRAW stays on chainId");
    if (op.to === 0n) throw new OperationRejected("to", "the zero address: a withdrawal to it could never be claimed");
    if (op.to < 0n || op.to >= ADDRESS_LIMIT) throw new OperationRejected("to", "must be an L1 address (a uint160)");
    const sender = this.accounts[op.chainId].get(op.from);
    if (!sender) throw new OperationRejected("from", `no account ${op.from} on chain ${op.chainId}`);
    if (op.amount <= 0n || op.amount >= BALANCE_LIMIT) throw new OperationRejected("amount", "must be in 1..2^128-1");
    if (sender.tokenId !== op.tokenId) throw new OperationRejected("tokenId", `sender holds token ${sender.tokenId}`);
    if (nativeTokenOwner(op.tokenId)) throw new OperationRejected("tokenId", `token ${op.tokenId} is cluster-native: it has no L1 asset to withdraw`);
    if (op.nonce !== sender.nonce) throw new OperationRejected("nonce", `expected ${sender.nonce}, got ${op.nonce}`);
    if (op.amount > sender.balance) throw new OperationRejected("amount", `above the balance ${sender.balance}`);
    this.checkSignature(op, sender, signatureChecked);
    return { ...this.debit(op, sender, 0n), isWithdraw: 1n };
  }

  /**
   * Consumes an L1 deposit (the credit lane): credits its leaf when the leaf exists and holds the
   * deposit's token; otherwise refunds it (the leaf stays as it is, the contract pays the depositor
   * back): DepositRefund in circuits/lib/deposit.circom proves which.
   * @returns the credit lane (isDeposit = 1; refund and recipientEmpty set when refunded).
   * @throws OperationRejected naming `chainId`, `to` or `amount` when the deposit could not be on the
   *   contract's queue (unknown chain, a leaf outside the tree, an amount of 0 or of 2^96 or more), or
   *   `amount` when the leaf's balance would overflow 2^128 (nothing changed).
   */
  applyDeposit(d: L1Deposit): CreditLane {
    this.checkChain("chainId", d.chainId);
    const tree = this.trees[d.chainId];
    if (d.to < 0n || d.to >= tree.capacity) throw new OperationRejected("to", `must be a leaf index in 0..${tree.capacity - 1n}`);
    if (d.amount <= 0n || d.amount >= DEPOSIT_LIMIT) throw new OperationRejected("amount", "must be in 1..2^96-1");
    const recipient = this.accounts[d.chainId].get(d.to);
    const refund = !recipient || recipient.tokenId !== d.tokenId;
    if (!refund && recipient.balance + d.amount >= BALANCE_LIMIT) {
      // Neither credit nor refund can be proven (DepositRefund refunds only an empty leaf or another
      // token): the queue stops here. Needs 2^32 deposits of the cap into one leaf.
      throw new OperationRejected("amount", `the balance of leaf ${d.to} on chain ${d.chainId} would overflow 2^128`);
    }
    const credit: CreditLane = {
      creditOn: 1n,
      isDeposit: 1n,
      refund: refund ? 1n : 0n,
      recipientEmpty: recipient ? 0n : 1n,
      inSrcChain: 0n,
      inDstChain: BigInt(d.chainId),
      inSeq: 0n,
      inSendTick: 0n,
      inRecipient: d.to,
      inTokenId: d.tokenId,
      inAmount: d.amount,
      inDataHash: 0n,
      recipient: recipient ? accountFields(recipient) : [0n, 0n, 0n, 0n, 0n],
      recipientSiblings: tree.siblings(d.to),
    };
    if (!refund && recipient) {
      recipient.balance += d.amount;
      tree.update(d.to, accountLeaf(this.poseidon, recipient));
    }
    return credit;
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
      isDeposit: 0n,
      refund: 0n,
      recipientEmpty: 0n,
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

  /**
   * Replays one slot of a settled batch's published data (`sync`): debits the sender of its debit lane
   * (balance - amount, nonce + 1; a MINT keeps the minter's balance) and credits its credit lane's leaf (a delivery or a credited
   * deposit; a refunded deposit changes nothing), as the proven circuit did.
   * @throws FieldError naming the slot's field when the data cannot be a proven slot of this state
   *   (no such leaf, another token, a balance below the amount): the L1 data and the state disagree.
   */
  replayPublished(r: SlotRecord): void {
    const leaf = (field: string, chainId: number, index: bigint, tokenId: bigint): Account => {
      const a = chainId < this.members ? this.accounts[chainId].get(index) : undefined;
      if (!a) throw new FieldError(field, `no account ${index} on chain ${chainId}`);
      if (a.tokenId !== tokenId) throw new FieldError(field, `account ${index} on chain ${chainId} holds token ${a.tokenId}, not ${tokenId}`);
      return a;
    };
    if (r.debitOn) {
      const sender = leaf("fromIndex", r.srcChain, r.fromIndex, r.tokenId);
      const taken = r.isMint ? 0n : r.amount;
      if (sender.balance < taken) throw new FieldError("amount", `account ${r.fromIndex} on chain ${r.srcChain} holds ${sender.balance}, below ${r.amount}`);
      sender.balance -= taken;
      sender.nonce += 1n;
      this.trees[r.srcChain].update(r.fromIndex, accountLeaf(this.poseidon, sender));
    }
    if (r.creditOn && !(r.isDeposit && r.refund)) {
      const recipient = leaf("inRecipient", r.inDstChain, r.inRecipient, r.inTokenId);
      recipient.balance += r.inAmount;
      this.trees[r.inDstChain].update(r.inRecipient, accountLeaf(this.poseidon, recipient));
    }
  }

  /** Every account, by chain (index = chainId), each a copy: leaf index -> account. */
  allAccounts(): Map<bigint, Account>[] {
    return this.accounts.map((m) => new Map([...m].map(([i, a]) => [i, { ...a }])));
  }

  /** Merkle path of leaf `index` on `chainId` (leaf level first, D entries). */
  siblings(chainId: number, index: bigint): bigint[] {
    return this.trees[chainId].siblings(index);
  }

  /** Commitment to all member roots, Poseidon(domain, Poseidon(roots)) (src/protocol/roots-commitment.ts). */
  rootsCommitment(roots: bigint[] = this.roots()): bigint {
    return rootsCommitment(this.poseidon, this.domain, roots);
  }

  /** Hash of a message, for outbox/inbox hash chains. */
  messageHash(m: Message): bigint {
    return messageHash(this.poseidon, m);
  }

  private checkSignature(op: SignedOperation, sender: Account, signatureChecked: boolean): void {
    if (!signatureChecked && !this.signer.verify(operationDigest(this.poseidon, this.domain, op), op.signature, sender.ax, sender.ay)) {
      throw new OperationRejected("signature", "not a valid EdDSA-Poseidon signature of the operation by the sender");
    }
  }

  /** Refuses a MINT unless its sender is the minter leaf of its token on the token's owner chain (MintRight in the circuit). */
  private checkMintRight(op: SignedOperation): void {
    const owner = nativeTokenOwner(op.tokenId);
    if (!owner) throw new OperationRejected("tokenId", `token ${op.tokenId} is not cluster-native (ids from 32768): only L1 mints it`);
    if (owner.chainId !== op.chainId) throw new OperationRejected("chainId", `token ${op.tokenId} is owned by chain ${owner.chainId}: only it mints`);
    if (owner.minterIndex !== op.from) throw new OperationRejected("from", `token ${op.tokenId} is minted by leaf ${owner.minterIndex}`);
  }

  /** Debits the (checked) sender of `op` (a MINT keeps its balance) and returns the debit lane, with the leaf and path read before the update. */
  private debit(op: SignedOperation, sender: Account, seq: bigint): DebitLane {
    const tree = this.trees[op.chainId];
    const isMint = op.type === "MINT";
    const debit: DebitLane = {
      debitOn: 1n,
      isWithdraw: 0n,
      isMint: isMint ? 1n : 0n,
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
    if (!isMint) sender.balance -= op.amount;
    sender.nonce += 1n;
    tree.update(op.from, accountLeaf(this.poseidon, sender));
    return debit;
  }

  private checkChain(field: string, chainId: number): void {
    if (!Number.isInteger(chainId) || chainId < 0 || chainId >= this.members) {
      throw new OperationRejected(field, `unknown chain ${chainId}: members are 0..${this.members - 1}`);
    }
  }
}
