import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "../../src/circuits/manifest.js";

/** One structured log line of the service (pino JSON). */
export type LogLine = Record<string, unknown> & { msg?: string };

/**
 * `cluster-settle serve` in a child process (the built CLI, dist/), for crash tests: its pino
 * lines are parsed as they arrive, `kill9` ends it at once with SIGKILL (no handler runs).
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  url = "";
  private readonly child: ChildProcess;
  private exited = false;
  private stderrTail = "";

  /** @param args arguments after `serve`. @param allLogs every line of every run of the test is also pushed here. */
  constructor(
    args: string[],
    private readonly allLogs: LogLine[],
  ) {
    this.child = spawn(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), "serve", "--json", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.child.once("exit", () => {
      this.exited = true;
    });
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      try {
        this.url = (JSON.parse(line) as { url: string }).url ?? this.url;
      } catch {
        /* not the ready line */
      }
    });
    createInterface({ input: this.child.stderr! }).on("line", (line) => {
      this.stderrTail = `${this.stderrTail}${line}\n`.slice(-4000);
      if (!line.startsWith("{")) return;
      try {
        const parsed = JSON.parse(line) as LogLine;
        this.logs.push(parsed);
        this.allLogs.push(parsed);
      } catch {
        /* a partial line */
      }
    });
  }

  /**
   * Waits for a log line matching `msg` and optional fields, among the lines from index `from` on
   * (default all; `logs.length` before an action: a line that action caused); throws with the output
   * tail on exit or timeout.
   */
  async waitForLog(msg: string, fields: Record<string, unknown> = {}, timeoutMs = 120_000, from = 0): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.logs.slice(from).find((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));
      if (hit) return hit;
      if (this.exited) throw new Error(`service exited before logging "${msg}":\n${this.stderrTail}`);
      if (Date.now() > deadline) throw new Error(`service did not log "${msg}" within ${timeoutMs} ms:\n${this.stderrTail}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until the API listens; returns its URL. */
  async ready(timeoutMs = 180_000): Promise<string> {
    await this.waitForLog("prover service ready", {}, timeoutMs);
    const line = this.logs.find((l) => l.msg === "prover service ready");
    this.url = String(line?.url);
    return this.url;
  }

  /** Waits until the API listens (before the start-up reconcile with L1 is done); returns its URL. */
  async listening(timeoutMs = 180_000): Promise<string> {
    const line = await this.waitForLog("prover service listening", {}, timeoutMs);
    this.url = String(line.url);
    return this.url;
  }

  /** The process id of `serve`. */
  get pid(): number {
    return this.child.pid!;
  }

  /** The last 4,000 characters of its stderr (pino lines and the CLI's `error: ...` line). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Resolves with the exit code (null when killed by a signal) once it has exited; throws after `timeoutMs`. */
  async exitCode(timeoutMs = 120_000): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service did not exit within ${timeoutMs} ms:\n${this.stderrTail}`)), timeoutMs);
      this.child.once("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** SIGKILL: the process ends where it is (kill -9). */
  async kill9(): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }

  /** SIGTERM: a graceful stop; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    return new Promise((resolve) => {
      this.child.once("exit", (code) => resolve(code));
      this.child.kill("SIGTERM");
    });
  }
}
