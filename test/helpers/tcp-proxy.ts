import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy on loopback in front of an RPC node, to cut the connection under a client:
 * `refuse()` closes the listening socket and every open connection (ECONNREFUSED / reset),
 * `reset()` accepts connections and destroys them at once (ECONNRESET), `restore()` proxies again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private mode: "proxy" | "reset" = "proxy";

  constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  /** URL of the proxy for an HTTP JSON-RPC client. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on `port` (again). */
  async restore(): Promise<void> {
    this.mode = "proxy";
    if (this.server) return;
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client));
      if (this.mode === "reset") return void client.destroy();
      const upstream = connect(this.targetPort, "127.0.0.1");
      this.sockets.add(upstream);
      upstream.on("close", () => this.sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and drops every connection: clients get ECONNREFUSED until `restore`. */
  async refuse(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Accepts connections but destroys them at once (ECONNRESET / socket hang up). */
  async reset(): Promise<void> {
    await this.restore();
    this.mode = "reset";
    for (const s of this.sockets) s.destroy();
  }
}
