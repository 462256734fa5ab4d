/**
 * A tiny OpenAI Chat Completions server for benchmarks (127.0.0.1 only). Unlike e2e/support/fake-llm.ts
 * it hands the script a stream whose every write returns the wall-clock time (Date.now()) at which
 * the SSE chunk went to the socket, so latency can be measured per chunk. Same wire format as
 * fake-llm's Chat Completions stream.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface ChatRequest {
  body: Record<string, unknown>;
  /** Number of `role: "tool"` messages: 0 on a turn's first model call. */
  toolResults: number;
  /** Characters in the last tool result (what the app sent back to the model). */
  lastToolResultChars: number;
}

export interface ChatStream {
  /** Sends one content delta; resolves with Date.now() taken just before the write. */
  text(piece: string): Promise<number>;
  /** Sends a complete tool call (name chunk, then the arguments in two pieces). */
  toolCall(name: string, args: unknown): Promise<number>;
  pause(ms: number): Promise<void>;
}

export type ChatScript = (req: ChatRequest, stream: ChatStream) => Promise<void>;

export interface ChatServer {
  /** Base URL including /v1. */
  url: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function readBody(req: IncomingMessage): Promise<Json> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        resolve(typeof value === "object" && value !== null ? (value as Json) : {});
      } catch (error) {
        reject(error);
      }
    });
    req.on("error", reject);
  });
}

function toolMessages(body: Json): { count: number; lastChars: number } {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let count = 0;
  let lastChars = 0;
  for (const m of messages) {
    if (typeof m === "object" && m !== null && (m as Json).role === "tool") {
      count++;
      const content = (m as Json).content;
      lastChars = typeof content === "string" ? content.length : JSON.stringify(content ?? "").length;
    }
  }
  return { count, lastChars };
}

async function serveChat(res: ServerResponse, req: ChatRequest, script: ChatScript): Promise<void> {
  const id = `chatcmpl_${randomUUID().replaceAll("-", "")}`;
  const created = Math.floor(Date.now() / 1000);
  const model = typeof req.body.model === "string" ? req.body.model : "bench-model";
  const chunk = (delta: Json, finishReason: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const write = (data: unknown): Promise<number> => {
    const at = Date.now();
    const text = `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
    return new Promise((resolve, reject) =>
      res.write(text, (error) => (error ? reject(error) : resolve(at))),
    );
  };
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
  let toolIndex = 0;
  let outputChars = 0;
  await script(req, {
    text: (piece) => {
      outputChars += piece.length;
      return write(chunk({ content: piece }));
    },
    toolCall: async (name, args) => {
      const json = JSON.stringify(args);
      const index = toolIndex++;
      outputChars += json.length;
      const callId = `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
      await write(
        chunk({ tool_calls: [{ index, id: callId, type: "function", function: { name, arguments: "" } }] }),
      );
      const half = Math.ceil(json.length / 2);
      await write(chunk({ tool_calls: [{ index, function: { arguments: json.slice(0, half) } }] }));
      return write(chunk({ tool_calls: [{ index, function: { arguments: json.slice(half) } }] }));
    },
    pause: (ms) => sleep(ms),
  });
  await write(chunk({}, toolIndex > 0 ? "tool_calls" : "stop"));
  const usage = { prompt_tokens: 100, completion_tokens: Math.max(1, Math.ceil(outputChars / 4)) };
  await write({ ...chunk({}), choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + 1 } });
  await write("[DONE]");
  res.end();
}

export async function startChatServer(script: ChatScript): Promise<ChatServer> {
  const requests: ChatRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "GET" && path === "/v1/models") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [{ id: "bench-model", object: "model" }] }));
        return;
      }
      if (req.method !== "POST" || path !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const body = await readBody(req);
      const tools = toolMessages(body);
      const request: ChatRequest = { body, toolResults: tools.count, lastToolResultChars: tools.lastChars };
      requests.push(request);
      await serveChat(res, request, script);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
      if ((error as { code?: string }).code !== "ERR_STREAM_DESTROYED") console.error("chat-server:", error);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
