import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { ClusterNode, type NodeConfig, type NodeStatus } from "../core/cluster-node.js";
import type { NodeMetrics } from "../core/metrics.js";
import { parseOperation } from "../protocol/operation-codec.js";
import type { PreparedInstance } from "../setup/prepared-instance.js";
import { OperationRejected } from "../state/cluster-state.js";
import { batchView, operationView, proofView, settlementView, type BatchView, type OperationView, type ProofView, type SettlementView } from "./api-views.js";
import type { SignatureReceipt, SignedClaimRequest } from "../governance/signature-collector.js";
import type { BatchEntriesView, ClaimSignaturesView } from "../governance/claim-views.js";
import { buildApi, type ApiBackend, type ApiLimits, type SubmitOutcome } from "./http-api.js";

/** Where and how the HTTP API listens. */
export interface ApiOptions extends ApiLimits {
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
}

/**
 * The `serve` front door: the HTTP API (src/service/http-api.ts) in front of the one pipeline core
 * (ClusterNode). It owns only what HTTP needs: reading a request's operations (each parsed, admitted
 * in array order, refused ones listed by index and field), the API's views of the store, and the log
 * lines `prover service listening` and `prover service ready` (listening, and reconciled with L1).
 */
export class ProverService implements ApiBackend {
  /** Address the API listens on. */
  url = "";
  private app: FastifyInstance | undefined;

  private constructor(readonly node: ClusterNode) {}

  /**
   * Starts the node (ClusterNode.start), then the API on `api.host`:`api.port`.
   * @throws what ClusterNode.start throws; Error when the port cannot be bound (the node is stopped again).
   */
  static async start(config: NodeConfig, api: ApiOptions, prepared: PreparedInstance, log: Logger): Promise<ProverService> {
    const service = new ProverService(await ClusterNode.start(config, prepared, log));
    try {
      service.app = buildApi(service, { bodyLimitBytes: api.bodyLimitBytes, maxOperationsPerRequest: api.maxOperationsPerRequest }, log);
      service.url = await service.app.listen({ host: api.host, port: api.port });
    } catch (e) {
      await service.stop();
      throw e;
    }
    const status = service.node.status();
    const line = { url: service.url, instance: prepared.inst.name, settlement: status.settlement, rpcUrl: status.rpcUrl, proofQueue: status.proofQueue };
    log.info({ ...line, queueLimit: config.queueLimit, confirmations: status.confirmations, reconciled: service.node.reconciled }, "prover service listening");
    void service.node.whenReconciled().then(() => {
      if (service.node.reconciled) log.info(line, "prover service ready");
    });
    return service;
  }

  /** The node's configuration (to start it again on the same store). */
  get config(): NodeConfig {
    return this.node.config;
  }

  get metrics(): NodeMetrics {
    return this.node.metrics;
  }

  /** See ClusterNode.whenReconciled. */
  whenReconciled(): Promise<void> {
    return this.node.whenReconciled();
  }

  /** Stops the API, then the node. */
  async stop(): Promise<void> {
    await this.app?.close();
    await this.node.stop();
  }

  submitOperations(operations: unknown[]): SubmitOutcome {
    const outcome: SubmitOutcome = { accepted: [], rejected: [] };
    operations.forEach((raw, index) => {
      const op = parseOperation(raw);
      if ("reason" in op) {
        outcome.rejected.push({ index, field: `operations[${index}].${op.field}`, reason: op.reason });
        this.metrics.operationsRejected.inc({ field: op.field });
        return;
      }
      try {
        outcome.accepted.push({ index, ...this.node.admit(op) });
      } catch (e) {
        if (!(e instanceof OperationRejected)) throw e;
        outcome.rejected.push({ index, field: `operations[${index}].${e.field}`, reason: e.reason });
        this.metrics.operationsRejected.inc({ field: e.field });
      }
    });
    return outcome;
  }

  queueRoom(): { unsettled: number; limit: number } {
    return this.node.queueRoom();
  }

  operation(id: string): OperationView | undefined {
    return operationView(this.node.store, id);
  }

  batch(index: number): BatchView | undefined {
    return batchView(this.node.store, index);
  }

  proof(index: number): ProofView | undefined {
    return proofView(this.node.store, this.node.instanceOfBatch(index), index);
  }

  settlement(idOrHash: number | string): SettlementView | undefined {
    return settlementView(this.node.store, idOrHash);
  }

  batchEntries(index: number): BatchEntriesView | undefined {
    return this.node.batchEntries(index);
  }

  claimSignatures(index: number): ClaimSignaturesView | undefined {
    return this.node.claimSignatures(index);
  }

  acceptClaimSignature(index: number, body: SignedClaimRequest): Promise<SignatureReceipt> {
    return this.node.acceptClaimSignature(index, body);
  }

  status(): NodeStatus {
    return this.node.status();
  }

  readiness(): { ready: boolean; reasons: string[] } {
    return this.node.readiness();
  }

  admissionRefusal(): string | undefined {
    return this.node.admissionRefusal();
  }
}
