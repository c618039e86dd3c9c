import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** One JSON-RPC call as the proxy sees it (a batch is a list of them). */
interface RpcCall {
  id?: unknown;
  method?: string;
  params?: unknown[];
}

/** A request or response the proxy holds back until the test lets it go. */
interface Held {
  method: string;
  body: string;
  release(forward: boolean): void;
}

/**
 * A JSON-RPC-aware HTTP proxy on loopback in front of an L1 node, to put a client into exact fault
 * states: `holdRequests(method)` keeps every request that contains `method` from reaching the node
 * (the client waits); `holdResults(method, test)` forwards the request but keeps back a response
 * whose result passes `test` (e.g. a receipt that exists: the transaction is mined, the client has
 * not seen it); `outage(true)` destroys every connection (ECONNRESET) until `outage(false)`.
 * Batches (JSON arrays, as ethers sends them) are held whole.
 */
export class RpcProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly requestHolds = new Set<string>();
  private readonly resultHolds = new Map<string, (result: unknown) => boolean>();
  private down = false;
  /** What is held now, oldest first. */
  readonly held: Held[] = [];

  constructor(
    readonly port: number,
    private readonly target: string,
  ) {}

  /** URL of the proxy for an HTTP JSON-RPC client. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening. */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res as unknown as ServerResponse));
    server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** Holds every request that contains a call of `method` (not forwarded until released). */
  holdRequests(method: string): void {
    this.requestHolds.add(method);
  }

  /** Forwards calls of `method` but holds a response whose result passes `test`. */
  holdResults(method: string, test: (result: unknown) => boolean): void {
    this.resultHolds.set(method, test);
  }

  /** Ends every hold rule; what is held stays held until `releaseHeld`. */
  clearHolds(): void {
    this.requestHolds.clear();
    this.resultHolds.clear();
  }

  /** Lets everything held go: forwarded (requests) or answered (responses), or with `forward` false dropped (the connection is destroyed). */
  releaseHeld(forward: boolean): void {
    for (const h of this.held.splice(0)) h.release(forward);
  }

  /** Connections fail while on (every new and open connection is destroyed). */
  outage(on: boolean): void {
    this.down = on;
    if (on) for (const s of this.sockets) s.destroy();
  }

  /** Stops listening and drops every connection and everything held. */
  async close(): Promise<void> {
    this.releaseHeld(false);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) return void req.socket.destroy();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.down) return void req.socket.destroy();
    const body = Buffer.concat(chunks).toString("utf8");
    let calls: RpcCall[] = [];
    try {
      const parsed = JSON.parse(body) as RpcCall | RpcCall[];
      calls = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      /* not JSON: forwarded as it is, the node answers the error */
    }
    const methods = calls.map((c) => ({ id: JSON.stringify(c.id), method: String(c.method) }));
    const heldCall = methods.find((m) => this.requestHolds.has(m.method));
    if (heldCall) {
      this.held.push({ method: heldCall.method, body, release: (forward) => (forward ? void this.forward(body, methods, res, false) : req.socket.destroy()) });
      return;
    }
    await this.forward(body, methods, res, true);
  }

  private async forward(body: string, methods: { id: string; method: string }[], res: ServerResponse, mayHoldResult: boolean): Promise<void> {
    let status: number;
    let text: string;
    try {
      const upstream = await fetch(this.target, { method: "POST", headers: { "content-type": "application/json" }, body });
      status = upstream.status;
      text = await upstream.text();
    } catch {
      return void res.socket?.destroy();
    }
    const answer = () => {
      if (!res.destroyed) res.writeHead(status, { "content-type": "application/json" }).end(text);
    };
    if (mayHoldResult) {
      const results = new Map<string, unknown>(); // by id: a batch's answers may come in any order
      try {
        const parsed = JSON.parse(text) as { id?: unknown; result?: unknown } | { id?: unknown; result?: unknown }[];
        for (const r of Array.isArray(parsed) ? parsed : [parsed]) results.set(JSON.stringify(r.id), r.result);
      } catch {
        /* not JSON */
      }
      const hit = methods.find((m) => this.resultHolds.get(m.method)?.(results.get(m.id)));
      if (hit) {
        this.held.push({ method: hit.method, body, release: (forward) => (forward ? answer() : res.socket?.destroy()) });
        return;
      }
    }
    answer();
  }
}
