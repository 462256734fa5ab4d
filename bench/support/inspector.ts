import { createWriteStream } from "node:fs";
import { WebSocket } from "undici";
import type { AppServer } from "../../e2e/support/server";
import { round } from "./stats";

export interface MemoryMiB {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** A Chrome DevTools protocol session with the server's inspector. */
export class Inspector {
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, (params: Record<string, unknown>) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data)) as {
        id?: number;
        method?: string;
        params?: Record<string, unknown>;
        result?: unknown;
        error?: { message: string };
      };
      if (msg.id !== undefined) {
        const call = this.calls.get(msg.id);
        this.calls.delete(msg.id);
        if (msg.error) call?.reject(new Error(msg.error.message));
        else call?.resolve(msg.result);
      } else if (msg.method) this.handlers.get(msg.method)?.(msg.params ?? {});
    });
  }

  /** Opens the inspector of a server started with `--inspect-port` and finds its address in the output. */
  static async attach(server: AppServer): Promise<Inspector> {
    process.kill(server.pid, "SIGUSR1");
    for (let i = 0; i < 100; i++) {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(server.output())?.[1];
      if (url) {
        const ws = new WebSocket(url);
        await new Promise((resolve, reject) => {
          ws.addEventListener("open", resolve, { once: true });
          ws.addEventListener("error", reject, { once: true });
        });
        return new Inspector(ws);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the server's inspector did not open");
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method: string, handler: (params: Record<string, unknown>) => void): void {
    this.handlers.set(method, handler);
  }

  async evaluate<T>(expression: string): Promise<T> {
    const out = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string } }>(
      "Runtime.evaluate",
      { expression, returnByValue: true },
    );
    if (out.exceptionDetails) throw new Error(out.exceptionDetails.text);
    return out.result.value as T;
  }

  async memory(): Promise<MemoryMiB> {
    const m = await this.evaluate<Record<keyof MemoryMiB, number>>("process.memoryUsage()");
    const mib = (n: number) => round(n / 2 ** 20, 1);
    return {
      rss: mib(m.rss),
      heapTotal: mib(m.heapTotal),
      heapUsed: mib(m.heapUsed),
      external: mib(m.external),
      arrayBuffers: mib(m.arrayBuffers),
    };
  }

  /**
   * The JS heap's spaces, committed (reserved) MiB each, without a GC: where the heap grew, the
   * young generation (new_space, new_large_object_space) or the old one. Null where the server's
   * main module cannot load node:v8.
   */
  async heapSpaces(): Promise<Record<string, number> | null> {
    const spaces = await this.evaluate<{ space_name: string; physical_space_size: number }[] | null>(
      `process.mainModule?.require("v8").getHeapSpaceStatistics() ?? null`,
    );
    if (!spaces) return null;
    return Object.fromEntries(spaces.map((s) => [s.space_name, round(s.physical_space_size / 2 ** 20, 1)]));
  }

  /**
   * Sizes of the server's process-wide state (lib/process-state.ts), by name: maps, sets and arrays,
   * the number of events an emitter listens to, and for other objects the sizes of the collections
   * they hold.
   */
  registries(): Promise<Record<string, unknown>> {
    return this.evaluate(`(() => {
      const size = (v) => v instanceof Map || v instanceof Set ? v.size : Array.isArray(v) ? v.length : undefined;
      const slots = globalThis[Symbol.for("ratchet.process-state")] ?? new Map();
      return Object.fromEntries([...slots].map(([k, v]) => {
        if (size(v) !== undefined) return [k, size(v)];
        if (v && typeof v.eventNames === "function") return [k, { events: v.eventNames().length }];
        if (v && typeof v === "object" && !(v instanceof Promise)) {
          const inner = Object.entries(v).filter(([, x]) => size(x) !== undefined).map(([n, x]) => [n, size(x)]);
          return [k, inner.length ? Object.fromEntries(inner) : "object"];
        }
        return [k, v instanceof Promise ? "promise" : typeof v];
      }));
    })()`);
  }

  async collectGarbage(): Promise<void> {
    await this.send("HeapProfiler.collectGarbage");
  }

  /** Writes a heap snapshot (which runs a full GC first) to a file. */
  async snapshot(file: string): Promise<void> {
    const out = createWriteStream(file);
    this.on("HeapProfiler.addHeapSnapshotChunk", (params) => out.write(String(params.chunk)));
    await this.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }

  close(): void {
    this.ws.close();
  }
}

/** Environment for startServer that lets Inspector.attach open the server's inspector later. */
export function inspectableEnv(): Record<string, string> {
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --inspect-port=127.0.0.1:0`.trim() };
}
