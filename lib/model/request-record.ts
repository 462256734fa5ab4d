import { createHash } from "node:crypto";
import type { ModelRequestSection, ModelRequestView } from "./views";

/**
 * What the model saw, stored compactly. A model request is the same system prompt and tool list at
 * every step of a session, and the history of step N is that of step N-1 plus a message or two; so
 * the body as it was sent (masked) is split into a skeleton and blobs: the tool list, and each
 * message or input item, stored once by hash and referenced from the skeleton. Only the places this
 * module puts references are read as references when the request is put back together: a model
 * message that happens to contain `{"$blob": …}` is text, never a pointer into another request.
 */

const REF = "$blob";
/** The request's arrays of messages: Chat Completions' `messages`, the Responses API's `input`. */
const HISTORY_KEYS = ["messages", "input"] as const;

export interface SplitRequest {
  skeleton: Record<string, unknown>;
  /** hash → JSON text, each once. */
  blobs: Map<string, string>;
  bytes: number;
}

type Ref = { [REF]: string };

function isRef(value: unknown): value is Ref {
  return (
    typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[REF] === "string"
  );
}

export function hashText(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The body split into its skeleton and blobs; a body that is not a JSON object is one blob. */
export function splitRequest(body: string): SplitRequest {
  const blobs = new Map<string, string>();
  const ref = (value: unknown): Ref => {
    const text = JSON.stringify(value);
    const hash = hashText(text);
    blobs.set(hash, text);
    return { [REF]: hash };
  };
  const bytes = Buffer.byteLength(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { skeleton: { raw: ref(body) }, blobs, bytes };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { skeleton: { raw: ref(parsed) }, blobs, bytes };
  const skeleton: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
  for (const key of HISTORY_KEYS) {
    const list = skeleton[key];
    if (Array.isArray(list)) skeleton[key] = list.map(ref);
  }
  if (Array.isArray(skeleton.tools)) skeleton.tools = ref(skeleton.tools);
  if (typeof skeleton.instructions === "string") skeleton.instructions = ref(skeleton.instructions);
  return { skeleton, blobs, bytes };
}

/** Every hash a skeleton references (to read its blobs). */
export function referencedHashes(skeleton: Record<string, unknown>): string[] {
  const hashes: string[] = [];
  const visit = (value: unknown) => {
    if (isRef(value)) hashes.push(value[REF]);
  };
  for (const key of HISTORY_KEYS) {
    const list = skeleton[key];
    if (Array.isArray(list)) list.forEach(visit);
  }
  visit(skeleton.tools);
  visit(skeleton.instructions);
  visit(skeleton.raw);
  return [...new Set(hashes)];
}

/** The body as it was sent, from its skeleton and blobs; a blob that is gone reads as null. */
export function joinRequest(
  skeleton: Record<string, unknown>,
  blobs: Map<string, string>,
): Record<string, unknown> {
  const resolve = (value: unknown): unknown => {
    if (!isRef(value)) return value;
    const text = blobs.get(value[REF]);
    if (text === undefined) return null;
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  };
  const body: Record<string, unknown> = { ...skeleton };
  for (const key of HISTORY_KEYS) {
    const list = body[key];
    if (Array.isArray(list)) body[key] = list.map(resolve);
  }
  for (const key of ["tools", "instructions", "raw"] as const)
    if (key in body) body[key] = resolve(body[key]);
  return body;
}

/** A rough token count (≈4 characters a token), the same estimate the context budget uses. */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const str = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value ?? null));

/** A message's content as text: strings as they are, parts by their text, anything else as JSON. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content === undefined ? "" : str(content);
  return content
    .map((part) => {
      const p = asRecord(part);
      return typeof p.text === "string" ? p.text : str(part);
    })
    .join("\n");
}

/** One history item of either API as a section: who said it and what. */
function historySection(item: unknown): ModelRequestSection {
  const m = asRecord(item);
  const lines: string[] = [];
  const content = contentText(m.content);
  if (content) lines.push(content);
  for (const call of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
    const fn = asRecord(asRecord(call).function);
    lines.push(`→ ${str(fn.name)}(${str(fn.arguments)})`);
  }
  let label = typeof m.role === "string" ? m.role : typeof m.type === "string" ? m.type : "item";
  if (m.type === "function_call") lines.push(`→ ${str(m.name)}(${str(m.arguments)})`);
  if (m.type === "function_call_output") lines.push(str(m.output));
  if (m.role === "tool" || m.type === "function_call_output") label = "tool result";
  const text = lines.join("\n");
  return { label, text, tokens: tokensOf(text) };
}

function toolSection(tool: unknown): ModelRequestSection {
  const t = asRecord(tool);
  const fn = asRecord(t.function);
  const name = str(fn.name ?? t.name);
  const text = JSON.stringify(Object.keys(fn).length > 0 ? fn : t, null, 2);
  return { label: name.replace(/^"|"$/g, ""), text, tokens: tokensOf(JSON.stringify(tool)) };
}

/**
 * A stored request as a person reads it: the system prompt (what Ratchet puts in front of every
 * step: working memory, telemetry summary, friction nudges), the tools offered, the history as it
 * was sent (elided where the context budget elided it), and the other parameters.
 */
export function viewRequest(
  meta: Pick<ModelRequestView, "id" | "turnId" | "step" | "createdAt" | "bytes">,
  body: Record<string, unknown>,
): ModelRequestView {
  const history: unknown[] = [];
  for (const key of HISTORY_KEYS) if (Array.isArray(body[key])) history.push(...(body[key] as unknown[]));
  const isSystem = (item: unknown) => ["system", "developer"].includes(String(asRecord(item).role));
  const system = history.filter(isSystem).map(historySection);
  if (typeof body.instructions === "string")
    system.unshift({ label: "instructions", text: body.instructions, tokens: tokensOf(body.instructions) });
  const tools = Array.isArray(body.tools) ? body.tools.map(toolSection) : [];
  const messages = history.filter((item) => !isSystem(item)).map(historySection);
  const params = Object.fromEntries(
    Object.entries(body).filter(([key]) => ![...HISTORY_KEYS, "tools", "instructions"].includes(key)),
  );
  const sum = (list: ModelRequestSection[]) => list.reduce((n, s) => n + s.tokens, 0);
  return {
    ...meta,
    model: typeof body.model === "string" ? body.model : "",
    system,
    tools,
    messages,
    params,
    tokens: { system: sum(system), tools: sum(tools), messages: sum(messages) },
  };
}
