import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import type { LongLivedProcess } from "@/lib/sandbox/long-lived";

/** A line longer than this is no protocol message we will read: the server is dropped. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/**
 * MCP's stdio framing (one JSON-RPC message per line) over a process already started in the
 * sandbox; the SDK's own stdio transport would spawn it outside. Every line is hostile input: one
 * that is not JSON-RPC is reported and skipped, one past the cap ends the connection.
 */
export class SandboxedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private buffer = "";
  private closed = false;

  constructor(private readonly proc: LongLivedProcess) {}

  async start(): Promise<void> {
    this.proc.stdout.setEncoding("utf8");
    this.proc.stdout.on("data", (chunk: string) => this.onData(chunk));
    void this.proc.exited.then(() => this.finish());
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.indexOf("\n");
      if (end < 0) break;
      const line = this.buffer.slice(0, end).replace(/\r$/, "");
      this.buffer = this.buffer.slice(end + 1);
      if (line.trim()) this.onLine(line);
    }
    if (Buffer.byteLength(this.buffer) > MAX_LINE_BYTES) {
      this.buffer = "";
      this.onerror?.(new Error(`the server wrote a line over ${MAX_LINE_BYTES} bytes`));
      void this.close();
    }
  }

  private onLine(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.onerror?.(new Error(`the server wrote a line that is not JSON: ${line.slice(0, 120)}`));
      return;
    }
    const message = JSONRPCMessageSchema.safeParse(parsed);
    if (!message.success) {
      this.onerror?.(new Error("the server wrote a message that is not JSON-RPC"));
      return;
    }
    this.onmessage?.(message.data);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error("the server's connection is closed");
    // queued is sent: waiting for the write's callback cost a turn of the event loop per call;
    // a pipe that is full is waited for, and a broken one ends the connection through exited
    if (!this.proc.stdin.write(`${JSON.stringify(message)}\n`))
      await Promise.race([
        new Promise((resolve) => this.proc.stdin.once("drain", resolve)),
        this.proc.exited,
      ]);
  }

  async close(): Promise<void> {
    await this.proc.stop();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
