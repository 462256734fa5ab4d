/**
 * A scripted OpenAI-compatible model server for tests: real HTTP, real SSE.
 * Speaks Chat Completions and the Responses API exactly as `@ai-sdk/openai` parses them.
 */
import { createHash, randomUUID } from "node:crypto";
import { EventEmitter, once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// ---------------------------------------------------------------------------------------------
// Public types

export type ScriptStep =
  | { kind: "text"; text: string; chunkDelayMs?: number; chunkSize?: number; chunkCount?: number }
  | { kind: "tool"; name: string; args: unknown; id?: string }
  | { kind: "reasoning"; text: string }
  | { kind: "http-error"; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "malformed" }
  | { kind: "drop" }
  /** A recorded-style response replayed byte for byte (e2e/fixtures/streams): what a real server sent. */
  | { kind: "raw"; body: string; status?: number; contentType?: string };

export type Usage = { inputTokens: number; outputTokens: number };
export type Reply = { steps: ScriptStep[]; usage?: Usage };
export type Handler = (req: FakeRequest) => Reply | Promise<Reply>;

export type ToolCallRecord = { callId: string; name: string; arguments: string };
export type NormalizedMessage =
  | { role: "system" | "user"; text: string }
  | { role: "assistant"; text: string; toolCalls: ToolCallRecord[] }
  | { role: "tool"; callId: string; output: string };

export interface FakeRequest {
  api: "chat" | "responses";
  model: string;
  stream: boolean;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  messages: NormalizedMessage[];
  lastUserText: string;
  /** Tool results that came after the last assistant message. */
  toolResults: { callId: string; output: string }[];
}

export interface FakeLLM {
  /** Base URL including `/v1`, e.g. http://127.0.0.1:4010/v1 */
  url: string;
  port: number;
  requests: FakeRequest[];
  enqueue(...replies: Reply[]): void;
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Forget recorded requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  host?: string;
  handler?: Handler;
  /** Keep every request in `requests` (default); a long benchmark turns it off to stay small. */
  record?: boolean;
}

export const FAKE_MODELS = ["fake-model", "fake-model-mini", "fake-reasoning-model"] as const;

// ---------------------------------------------------------------------------------------------
// Reply builder

export class ReplyBuilder {
  private readonly steps: ScriptStep[] = [];
  private usageValue: Usage | undefined;

  text(text: string, opts: { chunkDelayMs?: number; chunkSize?: number; chunkCount?: number } = {}): this {
    return this.push({ kind: "text", text, ...opts });
  }
  tool(name: string, args: unknown, id?: string): this {
    return this.push(id === undefined ? { kind: "tool", name, args } : { kind: "tool", name, args, id });
  }
  reasoning(text: string): this {
    return this.push({ kind: "reasoning", text });
  }
  httpError(status: number, body?: unknown, headers?: Record<string, string>): this {
    return this.push({ kind: "http-error", status, body, headers });
  }
  hang(): this {
    return this.push({ kind: "hang" });
  }
  malformed(): this {
    return this.push({ kind: "malformed" });
  }
  drop(): this {
    return this.push({ kind: "drop" });
  }
  /** Replays a stream fixture (e2e/fixtures/streams/<name>.sse) as it is written. */
  replay(name: string): this {
    return this.push({ kind: "raw", body: readStreamFixture(name) });
  }
  usage(inputTokens: number, outputTokens: number): this {
    this.usageValue = { inputTokens, outputTokens };
    return this;
  }
  build(): Reply {
    const steps = [...this.steps];
    return this.usageValue ? { steps, usage: this.usageValue } : { steps };
  }
  private push(step: ScriptStep): this {
    this.steps.push(step);
    return this;
  }
}

export function reply(): ReplyBuilder {
  return new ReplyBuilder();
}

// ---------------------------------------------------------------------------------------------
// Recorded-style stream fixtures

const FIXTURE_NAME = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * A stream fixture by name: an SSE body as a real server family sends it. Lines starting with `#`
 * are the fixture's own comments (never sent); everything else goes out verbatim, malformed lines too.
 */
export function readStreamFixture(name: string): string {
  if (!FIXTURE_NAME.test(name)) throw new Error(`fake-llm: bad stream fixture name ${JSON.stringify(name)}`);
  const file = path.join(process.cwd(), "e2e", "fixtures", "streams", `${name}.sse`);
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// Default handler: a directive language read from the last user message

type Terminal = "hang" | "malformed" | "drop";
type TurnAction = { type: "call"; name: string; args: unknown } | { type: "terminal"; terminal: Terminal };
export interface TurnScript {
  actions: TurnAction[];
  text?: string;
  slow?: number;
  failure?: { status: number; times: number };
  /** `[[instead: N name {json}]]`: when the request offers tool `name`, it replaces the first N actions. */
  instead?: { skip: number; name: string; args: unknown };
  invalid?: string;
  /** Stream fixtures, one per model request of the turn (`[[replay: a b]]`). */
  replay?: string[];
  prose: string;
}

const DIRECTIVE_RE = /\[\[\s*([a-z]+)\s*(?::([\s\S]*?))?\]\](?!\])/gi;
const SLOW_DELAY_MS = 50;
const EXCERPT_CHARS = 200;

export function parseDirectives(text: string): TurnScript {
  const stripped = text.replace(DIRECTIVE_RE, " ");
  // Without directives the text is echoed verbatim; otherwise tidy the gaps they leave.
  const script: TurnScript = {
    actions: [],
    prose: stripped === text ? text : stripped.replace(/\s+/g, " ").trim(),
  };
  for (const match of text.matchAll(DIRECTIVE_RE)) {
    applyDirective(script, (match[1] ?? "").toLowerCase(), (match[2] ?? "").trim());
  }
  return script;
}

function applyDirective(script: TurnScript, name: string, arg: string): void {
  switch (name) {
    case "cmd":
      script.actions.push({ type: "call", name: "run_command", args: { command: arg } });
      return;
    case "tool":
      addToolDirective(script, arg);
      return;
    case "text":
      script.text = arg;
      return;
    case "replay":
      script.replay = arg.split(/[\s,]+/).filter(Boolean);
      return;
    case "instead":
      addInsteadDirective(script, arg);
      return;
    case "slow":
      script.slow = Math.max(1, Number.parseInt(arg, 10) || 1);
      return;
    case "fail":
      script.failure = parseFailure(arg);
      return;
    case "hang":
    case "malformed":
    case "drop":
      script.actions.push({ type: "terminal", terminal: name });
      return;
  }
}

function addToolDirective(script: TurnScript, arg: string): void {
  const match = /^([\w.-]+)\s*([\s\S]*)$/.exec(arg);
  const name = match?.[1];
  if (!name) {
    script.invalid = `Invalid [[tool]] directive: ${arg}`;
    return;
  }
  try {
    script.actions.push({ type: "call", name, args: match[2] ? JSON.parse(match[2]) : {} });
  } catch {
    script.invalid = `Invalid JSON in [[tool: ${name}]] directive`;
  }
}

function addInsteadDirective(script: TurnScript, arg: string): void {
  const match = /^(\d+)\s+([\w.-]+)\s*([\s\S]*)$/.exec(arg);
  if (!match?.[1] || !match[2]) {
    script.invalid = `Invalid [[instead]] directive: ${arg}`;
    return;
  }
  try {
    const args = match[3] ? JSON.parse(match[3]) : {};
    script.instead = { skip: Number.parseInt(match[1], 10), name: match[2], args };
  } catch {
    script.invalid = `Invalid JSON in [[instead: ${match[2]}]] directive`;
  }
}

/** The names of the tools a request offers (Chat Completions or Responses shape). */
export function offeredTools(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, unknown>>) : [];
  return tools.flatMap((t) => {
    const fn = t.function as { name?: unknown } | undefined;
    const name = fn?.name ?? t.name;
    return typeof name === "string" ? [name] : [];
  });
}

function parseFailure(arg: string): { status: number; times: number } {
  const [status, times] = arg.toLowerCase().split("x");
  return {
    status: Number.parseInt(status ?? "", 10) || 500,
    times: times ? Number.parseInt(times, 10) || 1 : Number.POSITIVE_INFINITY,
  };
}

/** The JSON Schema a structured-output request asks for (Chat: response_format; Responses: text.format). */
export function requestedSchema(body: Record<string, unknown>): Record<string, unknown> | null {
  const chat = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (chat?.type === "json_schema" && chat.json_schema?.schema)
    return chat.json_schema.schema as Record<string, unknown>;
  const text = body.text as { format?: { type?: string; schema?: unknown } } | undefined;
  if (text?.format?.type === "json_schema" && text.format.schema)
    return text.format.schema as Record<string, unknown>;
  return null;
}

/** A value that fits a schema: strings say which field they fill, so tests can find them. */
export function sampleFor(schema: Record<string, unknown>, field = "value"): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleFor(v, k)]));
    }
    case "array":
      return [sampleFor((schema.items ?? { type: "string" }) as Record<string, unknown>, field)];
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    default:
      return `fake ${field}`;
  }
}

/** The default handler. Failure counters live in the closure, keyed per conversation turn. */
export function createDirectiveHandler(): Handler {
  const failures = new Map<string, number>();
  return (req) => {
    const schema = requestedSchema(req.body);
    if (schema) return { steps: [{ kind: "text", text: JSON.stringify(sampleFor(schema)) }] };
    const turn = turnOf(req.messages);
    const script = parseDirectives(turn.userText);
    // a scripted agent that uses a tool when it has it (an evaluation's candidate) and works by hand when not
    if (script.instead && offeredTools(req.body).includes(script.instead.name)) {
      const { skip, name, args } = script.instead;
      script.actions = [{ type: "call", name, args }, ...script.actions.slice(skip)];
    }
    if (script.failure) {
      const key = conversationKey(turn, script.failure.status);
      const seen = failures.get(key) ?? 0;
      failures.set(key, seen + 1);
      if (seen < script.failure.times) return { steps: [failureStep(script.failure.status)] };
    }
    return { steps: stepsForTurn(script, turn) };
  };
}

interface Turn {
  firstUserText: string;
  userText: string;
  userIndex: number;
  toolOutputs: string[];
  /** Model answers since the last user message: which request of the turn this is. */
  answered: number;
}

function userTexts(messages: NormalizedMessage[]): string[] {
  return messages.flatMap((m) => (m.role === "user" ? [m.text] : []));
}

function turnOf(messages: NormalizedMessage[]): Turn {
  const users = userTexts(messages);
  const lastUserAt = messages.findLastIndex((m) => m.role === "user");
  const toolOutputs = messages.slice(lastUserAt + 1).flatMap((m) => (m.role === "tool" ? [m.output] : []));
  return {
    firstUserText: users[0] ?? "",
    userText: users.at(-1) ?? "",
    userIndex: users.length,
    toolOutputs,
    answered: messages.slice(lastUserAt + 1).filter((m) => m.role === "assistant").length,
  };
}

function conversationKey(turn: Turn, status: number): string {
  const hash = createHash("sha256").update(turn.firstUserText).digest("hex").slice(0, 16);
  return `${hash}:${turn.userIndex}:${status}`;
}

function stepsForTurn(script: TurnScript, turn: Turn): ScriptStep[] {
  if (script.invalid) return [{ kind: "text", text: script.invalid }];
  if (script.replay) {
    const name = script.replay[Math.min(turn.answered, script.replay.length - 1)] ?? "";
    return [{ kind: "raw", body: readStreamFixture(name) }];
  }
  const action = script.actions[turn.toolOutputs.length];
  const text = finalText(script, turn);
  if (action?.type === "call") return [{ kind: "tool", name: action.name, args: action.args }];
  if (action?.terminal === "drop")
    return [textStep(text.slice(0, Math.ceil(text.length / 2)), script), { kind: "drop" }];
  if (action) return [{ kind: action.terminal }];
  return [textStep(text, script)];
}

function finalText(script: TurnScript, turn: Turn): string {
  if (script.text !== undefined) return script.text;
  const lastOutput = turn.toolOutputs.at(-1);
  if (lastOutput !== undefined) return `Ran it. Output: ${lastOutput.trim().slice(0, EXCERPT_CHARS)}`;
  return `Echo: ${script.prose}`;
}

function textStep(text: string, script: TurnScript): ScriptStep {
  if (!script.slow) return { kind: "text", text };
  // Pad so that exactly N non-empty deltas exist.
  return {
    kind: "text",
    text: text.padEnd(script.slow, "."),
    chunkCount: script.slow,
    chunkDelayMs: SLOW_DELAY_MS,
  };
}

function failureStep(status: number): ScriptStep {
  const retryable = status === 429 || status >= 500;
  const retryHeaders: Record<string, string> = retryable
    ? { "retry-after-ms": "50", "retry-after": "0" }
    : {};
  return { kind: "http-error", status, body: defaultErrorBody(status), headers: retryHeaders };
}

function defaultErrorBody(status: number): unknown {
  if (status === 401)
    return errorBody("Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
  if (status === 429) return errorBody("Rate limit reached (fake).", "requests", "rate_limit_exceeded");
  if (status >= 500) return errorBody("The server had an error (fake).", "server_error", null);
  return errorBody(`Fake error ${status}.`, "invalid_request_error", null);
}

function errorBody(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

// ---------------------------------------------------------------------------------------------
// Request normalization

type JsonRecord = Record<string, unknown>;

function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined;
}

function asString(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => asString(asRecord(part)?.text)).join("");
}

function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return contentText(output);
  return output === undefined ? "" : JSON.stringify(output);
}

function chatMessage(raw: unknown): NormalizedMessage[] {
  const m = asRecord(raw);
  switch (m?.role) {
    case "system":
    case "developer":
      return [{ role: "system", text: contentText(m.content) }];
    case "user":
      return [{ role: "user", text: contentText(m.content) }];
    case "assistant":
      return [{ role: "assistant", text: contentText(m.content), toolCalls: chatToolCalls(m.tool_calls) }];
    case "tool":
      return [{ role: "tool", callId: asString(m.tool_call_id), output: outputText(m.content) }];
    default:
      return [];
  }
}

function chatToolCalls(raw: unknown): ToolCallRecord[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((call) => {
    const c = asRecord(call);
    const fn = asRecord(c?.function);
    return { callId: asString(c?.id), name: asString(fn?.name), arguments: asString(fn?.arguments) };
  });
}

function responsesItem(raw: unknown, items: Map<string, NormalizedMessage>): NormalizedMessage[] {
  const item = asRecord(raw);
  if (!item) return [];
  if (item.type === undefined || item.type === "message")
    return chatMessage({ ...item, tool_calls: undefined });
  switch (item.type) {
    case "function_call":
      return [{ role: "assistant", text: "", toolCalls: [responsesToolCall(item)] }];
    case "function_call_output":
      return [{ role: "tool", callId: asString(item.call_id), output: outputText(item.output) }];
    // the provider's native apply_patch: the call carries one file operation, its output a status
    case "apply_patch_call":
      return [
        {
          role: "assistant",
          text: "",
          toolCalls: [
            {
              callId: asString(item.call_id),
              name: "apply_patch",
              arguments: JSON.stringify(item.operation ?? {}),
            },
          ],
        },
      ];
    case "apply_patch_call_output":
      return [
        {
          role: "tool",
          callId: asString(item.call_id),
          output: `${asString(item.status)}: ${outputText(item.output)}`,
        },
      ];
    case "item_reference": {
      const known = items.get(asString(item.id));
      return [known ?? { role: "assistant", text: "", toolCalls: [] }];
    }
    default:
      return [];
  }
}

function responsesToolCall(item: JsonRecord): ToolCallRecord {
  return { callId: asString(item.call_id), name: asString(item.name), arguments: asString(item.arguments) };
}

/** The Responses API splits one assistant turn into several items; fold them back together. */
function mergeAssistantRuns(messages: NormalizedMessage[]): NormalizedMessage[] {
  const merged: NormalizedMessage[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    if (message.role === "assistant" && previous?.role === "assistant") {
      merged[merged.length - 1] = {
        role: "assistant",
        text: previous.text + message.text,
        toolCalls: [...previous.toolCalls, ...message.toolCalls],
      };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

function responsesMessages(body: JsonRecord, items: Map<string, NormalizedMessage>): NormalizedMessage[] {
  const instructions: NormalizedMessage[] =
    typeof body.instructions === "string" ? [{ role: "system", text: body.instructions }] : [];
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input;
  const converted = Array.isArray(input) ? input.flatMap((item) => responsesItem(item, items)) : [];
  return mergeAssistantRuns([...instructions, ...converted]);
}

function normalizeRequest(
  api: FakeRequest["api"],
  body: JsonRecord,
  headers: IncomingHttpHeaders,
  items: Map<string, NormalizedMessage>,
): FakeRequest {
  const messages =
    api === "chat"
      ? (Array.isArray(body.messages) ? body.messages : []).flatMap(chatMessage)
      : responsesMessages(body, items);
  const lastAssistantAt = messages.findLastIndex((m) => m.role === "assistant");
  const toolResults = messages
    .slice(lastAssistantAt + 1)
    .flatMap((m) => (m.role === "tool" ? [{ callId: m.callId, output: m.output }] : []));
  return {
    api,
    model: asString(body.model) || "fake-model",
    stream: body.stream === true,
    headers,
    body,
    messages,
    lastUserText: userTexts(messages).at(-1) ?? "",
    toolResults,
  };
}

// ---------------------------------------------------------------------------------------------
// Planning: turn script steps into concrete output parts with ids and pieces

type Part =
  | { kind: "text"; id: string; text: string; pieces: string[]; delayMs: number }
  | { kind: "reasoning"; id: string; text: string; pieces: string[] }
  | { kind: "tool"; id: string; callId: string; name: string; args: string; pieces: string[] };

interface Plan {
  parts: Part[];
  terminal: Terminal | undefined;
  usage: Usage;
}

function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

function splitWords(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/).filter((piece) => piece.length > 0);
}

function splitEvery(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

function splitInto(text: string, count: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    pieces.push(
      text.slice(Math.floor((i * text.length) / count), Math.floor(((i + 1) * text.length) / count)),
    );
  }
  return pieces.filter((piece) => piece.length > 0);
}

function textPieces(step: Extract<ScriptStep, { kind: "text" }>): string[] {
  if (step.chunkCount) return splitInto(step.text, step.chunkCount);
  return step.chunkSize ? splitEvery(step.text, step.chunkSize) : splitWords(step.text);
}

/** Tool arguments always arrive in at least two pieces, like real streaming. */
function splitArguments(json: string): string[] {
  return json.length < 2 ? [json] : splitEvery(json, Math.ceil(json.length / 3));
}

function toPart(step: ScriptStep): Part | undefined {
  switch (step.kind) {
    case "text":
      return {
        kind: "text",
        id: newId("msg"),
        text: step.text,
        pieces: textPieces(step),
        delayMs: step.chunkDelayMs ?? 0,
      };
    case "reasoning":
      return { kind: "reasoning", id: newId("rs"), text: step.text, pieces: splitWords(step.text) };
    case "tool": {
      const args = JSON.stringify(step.args ?? {});
      const callId = step.id ?? newId("call");
      return { kind: "tool", id: newId("fc"), callId, name: step.name, args, pieces: splitArguments(args) };
    }
    default:
      return undefined;
  }
}

function isTerminal(step: ScriptStep): step is { kind: Terminal } {
  return step.kind === "hang" || step.kind === "malformed" || step.kind === "drop";
}

function planReply(replyValue: Reply, req: FakeRequest): Plan {
  const terminalAt = replyValue.steps.findIndex(isTerminal);
  const content = terminalAt === -1 ? replyValue.steps : replyValue.steps.slice(0, terminalAt);
  const terminalStep = replyValue.steps[terminalAt];
  const parts = content.flatMap((step) => toPart(step) ?? []);
  return {
    parts,
    terminal: terminalStep && isTerminal(terminalStep) ? terminalStep.kind : undefined,
    usage: replyValue.usage ?? estimateUsage(req, parts),
  };
}

function estimateUsage(req: FakeRequest, parts: Part[]): Usage {
  const outputChars = parts.reduce((sum, p) => sum + (p.kind === "tool" ? p.args.length : p.text.length), 0);
  return {
    inputTokens: Math.ceil(JSON.stringify(req.messages).length / 4),
    outputTokens: Math.max(1, Math.ceil(outputChars / 4)),
  };
}

const hasToolCalls = (plan: Plan) => plan.parts.some((p) => p.kind === "tool");

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

class SseStream {
  constructor(
    private readonly res: ServerResponse,
    private readonly signal: AbortSignal,
  ) {}

  open(): void {
    this.res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    this.res.flushHeaders();
  }

  send(data: unknown, event?: string): Promise<void> {
    const prefix = event ? `event: ${event}\n` : "";
    return this.write(`${prefix}data: ${JSON.stringify(data)}\n\n`);
  }

  write(text: string): Promise<void> {
    this.signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      this.res.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }

  pause(ms: number): Promise<void> {
    return ms > 0 ? sleep(ms, undefined, { signal: this.signal }) : Promise.resolve();
  }

  end(): void {
    this.res.end();
  }

  async terminate(terminal: Terminal): Promise<void> {
    if (terminal === "hang") return untilAborted(this.signal);
    if (terminal === "drop") {
      this.res.socket?.destroy();
      return;
    }
    await this.write("data: {this is not json\n\n");
    this.end();
  }
}

async function untilAborted(signal: AbortSignal): Promise<void> {
  if (!signal.aborted) await once(signal, "abort");
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<JsonRecord | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return asRecord(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Chat Completions

interface ResponseMeta {
  id: string;
  created: number;
  model: string;
}

function metaFor(req: FakeRequest, prefix: string): ResponseMeta {
  return { id: newId(prefix), created: Math.floor(Date.now() / 1000), model: req.model };
}

function chatUsage(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

async function streamChat(sse: SseStream, req: FakeRequest, plan: Plan): Promise<void> {
  const meta = metaFor(req, "chatcmpl");
  const chunk = (delta: JsonRecord, finishReason: string | null = null) => ({
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  sse.open();
  let toolIndex = 0;
  for (const part of plan.parts) {
    if (part.kind === "tool") await streamChatTool(sse, part, toolIndex++, chunk);
    else await streamChatText(sse, part, chunk);
  }
  if (plan.terminal) return sse.terminate(plan.terminal);
  await sse.send(chunk({}, hasToolCalls(plan) ? "tool_calls" : "stop"));
  await sse.send({ ...chunk({}), choices: [], usage: chatUsage(plan.usage) });
  await sse.write("data: [DONE]\n\n");
  sse.end();
}

type ChatChunk = (delta: JsonRecord) => JsonRecord;

async function streamChatText(sse: SseStream, part: Exclude<Part, { kind: "tool" }>, chunk: ChatChunk) {
  const field = part.kind === "text" ? "content" : "reasoning_content";
  const delayMs = part.kind === "text" ? part.delayMs : 0;
  for (const [i, piece] of part.pieces.entries()) {
    if (i > 0) await sse.pause(delayMs);
    await sse.send(chunk({ [field]: piece }));
  }
}

async function streamChatTool(
  sse: SseStream,
  part: Extract<Part, { kind: "tool" }>,
  index: number,
  chunk: ChatChunk,
) {
  const start = { index, id: part.callId, type: "function", function: { name: part.name, arguments: "" } };
  await sse.send(chunk({ tool_calls: [start] }));
  for (const piece of part.pieces) {
    await sse.send(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  }
}

function chatCompletion(req: FakeRequest, plan: Plan) {
  const meta = metaFor(req, "chatcmpl");
  const text = plan.parts.flatMap((p) => (p.kind === "text" ? [p.text] : [])).join("");
  const reasoning = plan.parts.flatMap((p) => (p.kind === "reasoning" ? [p.text] : [])).join("");
  const toolCalls = plan.parts.flatMap((p) =>
    p.kind === "tool"
      ? [{ id: p.callId, type: "function", function: { name: p.name, arguments: p.args } }]
      : [],
  );
  const message = {
    role: "assistant",
    content: text || null,
    ...(reasoning && { reasoning_content: reasoning }),
    ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
  };
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [
      { index: 0, message, logprobs: null, finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop" },
    ],
    usage: chatUsage(plan.usage),
  };
}

// ---------------------------------------------------------------------------------------------
// Responses API

function responsesUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function doneItem(part: Part) {
  switch (part.kind) {
    case "text":
      return {
        type: "message",
        id: part.id,
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: part.text, annotations: [], logprobs: [] }],
      };
    case "reasoning":
      return {
        type: "reasoning",
        id: part.id,
        encrypted_content: null,
        summary: [{ type: "summary_text", text: part.text }],
      };
    case "tool":
      return {
        type: "function_call",
        id: part.id,
        call_id: part.callId,
        name: part.name,
        arguments: part.args,
        status: "completed",
      };
  }
}

function addedItem(part: Part) {
  switch (part.kind) {
    case "text":
      return { type: "message", id: part.id, status: "in_progress", role: "assistant", content: [] };
    case "reasoning":
      return { type: "reasoning", id: part.id, encrypted_content: null, summary: [] };
    case "tool":
      return { ...doneItem(part), arguments: "", status: "in_progress" };
  }
}

function responseObject(meta: ResponseMeta, status: string, output: unknown[], usage: Usage | null) {
  return {
    id: meta.id,
    object: "response",
    created_at: meta.created,
    model: meta.model,
    status,
    error: null,
    incomplete_details: null,
    output,
    usage: usage && responsesUsage(usage),
  };
}

class ResponsesEmitter {
  private sequence = 0;
  constructor(readonly sse: SseStream) {}
  emit(type: string, fields: JsonRecord): Promise<void> {
    return this.sse.send({ type, sequence_number: this.sequence++, ...fields }, type);
  }
}

async function streamResponses(sse: SseStream, req: FakeRequest, plan: Plan): Promise<void> {
  const meta = metaFor(req, "resp");
  const out = new ResponsesEmitter(sse);
  sse.open();
  await out.emit("response.created", { response: responseObject(meta, "in_progress", [], null) });
  for (const [outputIndex, part] of plan.parts.entries()) {
    await out.emit("response.output_item.added", { output_index: outputIndex, item: addedItem(part) });
    await streamResponsesPart(out, part, outputIndex);
    await out.emit("response.output_item.done", { output_index: outputIndex, item: doneItem(part) });
  }
  if (plan.terminal) return sse.terminate(plan.terminal);
  const response = responseObject(meta, "completed", plan.parts.map(doneItem), plan.usage);
  await out.emit("response.completed", { response });
  sse.end();
}

async function streamResponsesPart(out: ResponsesEmitter, part: Part, outputIndex: number): Promise<void> {
  const at = { item_id: part.id, output_index: outputIndex };
  if (part.kind === "text") {
    for (const [i, delta] of part.pieces.entries()) {
      if (i > 0) await out.sse.pause(part.delayMs);
      await out.emit("response.output_text.delta", { ...at, content_index: 0, delta, logprobs: [] });
    }
  } else if (part.kind === "tool") {
    for (const delta of part.pieces)
      await out.emit("response.function_call_arguments.delta", { ...at, delta });
    await out.emit("response.function_call_arguments.done", { ...at, arguments: part.args });
  } else {
    const summary = { ...at, summary_index: 0 };
    await out.emit("response.reasoning_summary_part.added", {
      ...summary,
      part: { type: "summary_text", text: "" },
    });
    for (const delta of part.pieces)
      await out.emit("response.reasoning_summary_text.delta", { ...summary, delta });
    await out.emit("response.reasoning_summary_part.done", {
      ...summary,
      part: { type: "summary_text", text: part.text },
    });
  }
}

/** Remember our output items so later `item_reference` inputs can be resolved. */
function rememberItems(items: Map<string, NormalizedMessage>, plan: Plan): void {
  for (const part of plan.parts) {
    if (part.kind === "text") items.set(part.id, { role: "assistant", text: part.text, toolCalls: [] });
    if (part.kind === "tool") {
      const call = { callId: part.callId, name: part.name, arguments: part.args };
      items.set(part.id, { role: "assistant", text: "", toolCalls: [call] });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Server

interface ServerState {
  requests: FakeRequest[];
  record: boolean;
  queue: Reply[];
  handler: Handler;
  events: EventEmitter;
  items: Map<string, NormalizedMessage>;
  closing: AbortController;
}

const ROUTES: Record<string, FakeRequest["api"]> = {
  "/v1/chat/completions": "chat",
  "/v1/responses": "responses",
};

async function route(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://fake").pathname.replace(/\/+$/, "");
  const api = req.method === "POST" ? ROUTES[path] : undefined;
  if (req.headers.authorization === "Bearer bad-key" && !api) return sendUnauthorized(res);
  if (req.method === "GET" && path === "/v1/models") return sendJson(res, 200, modelList());
  if (!api)
    return sendJson(
      res,
      404,
      errorBody(`Unknown route ${req.method} ${path}`, "invalid_request_error", null),
    );
  const body = await readJson(req);
  if (!body) return sendJson(res, 400, errorBody("Request body is not JSON.", "invalid_request_error", null));
  const fake = normalizeRequest(api, body, req.headers, state.items);
  if (state.record) state.requests.push(fake);
  state.events.emit("request", fake);
  if (req.headers.authorization === "Bearer bad-key") return sendUnauthorized(res);
  if (fake.model === "missing-model") return sendMissingModel(res);
  await respond(state, fake, await nextReply(state, fake), res);
}

function sendUnauthorized(res: ServerResponse): void {
  sendJson(res, 401, defaultErrorBody(401));
}

function sendMissingModel(res: ServerResponse): void {
  const message = "The model `missing-model` does not exist";
  sendJson(res, 404, errorBody(message, "invalid_request_error", "model_not_found"));
}

function modelList() {
  const created = Math.floor(Date.now() / 1000);
  return {
    object: "list",
    data: FAKE_MODELS.map((id) => ({ id, object: "model", created, owned_by: "fake-llm" })),
  };
}

function nextReply(state: ServerState, req: FakeRequest): Reply | Promise<Reply> {
  return state.queue.shift() ?? state.handler(req);
}

async function respond(
  state: ServerState,
  req: FakeRequest,
  replyValue: Reply,
  res: ServerResponse,
): Promise<void> {
  const raw = replyValue.steps.find((s) => s.kind === "raw");
  if (raw) {
    res.writeHead(raw.status ?? 200, { "content-type": raw.contentType ?? "text/event-stream" });
    res.end(raw.body);
    return;
  }
  const httpError = replyValue.steps.find((s) => s.kind === "http-error");
  if (httpError)
    return sendJson(
      res,
      httpError.status,
      httpError.body ?? defaultErrorBody(httpError.status),
      httpError.headers,
    );
  const plan = planReply(replyValue, req);
  if (req.api === "responses") rememberItems(state.items, plan);
  const signal = requestSignal(state, res);
  if (req.stream) {
    const sse = new SseStream(res, signal);
    return req.api === "chat" ? streamChat(sse, req, plan) : streamResponses(sse, req, plan);
  }
  return respondJson(req, plan, res, signal);
}

async function respondJson(
  req: FakeRequest,
  plan: Plan,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  if (plan.terminal === "hang") return untilAborted(signal);
  if (plan.terminal === "drop") {
    res.socket?.destroy();
    return;
  }
  if (plan.terminal === "malformed") return sendJson(res, 200, "{this is not json");
  const body =
    req.api === "chat"
      ? chatCompletion(req, plan)
      : responseObject(metaFor(req, "resp"), "completed", plan.parts.map(doneItem), plan.usage);
  sendJson(res, 200, body);
}

function requestSignal(state: ServerState, res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once("close", () => gone.abort());
  return AbortSignal.any([gone.signal, state.closing.signal]);
}

function handleFailure(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, errorBody(`fake-llm crashed: ${message}`, "server_error", null));
}

function waitForCount(state: ServerState, n: number, timeoutMs: number): Promise<void> {
  if (state.requests.length >= n) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onRequest = () => {
      if (state.requests.length < n) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`fake-llm: waited ${timeoutMs} ms for ${n} requests, got ${state.requests.length}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      state.events.off("request", onRequest);
    };
    state.events.on("request", onRequest);
  });
}

export async function startFakeLLM(opts: StartOptions = {}): Promise<FakeLLM> {
  const host = opts.host ?? "127.0.0.1";
  const state: ServerState = {
    requests: [],
    record: opts.record ?? true,
    queue: [],
    handler: opts.handler ?? createDirectiveHandler(),
    events: new EventEmitter(),
    items: new Map(),
    closing: new AbortController(),
  };
  const server = createServer((req, res) => {
    route(state, req, res).catch((error: unknown) => handleFailure(res, error));
  });
  server.listen(opts.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    requests: state.requests,
    enqueue: (...replies) => state.queue.push(...replies),
    waitForRequests: (n, timeoutMs = 5_000) => waitForCount(state, n, timeoutMs),
    reset: () => {
      state.requests.length = 0;
      state.queue.length = 0;
    },
    close: async () => {
      state.closing.abort();
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
