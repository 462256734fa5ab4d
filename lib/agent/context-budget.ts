import type { ModelMessage } from "ai";

/** A rough token estimate (≈4 characters of its JSON per token), good enough to decide what to trim. */
export function estimateTokens(value: unknown): number {
  const length = typeof value === "string" ? value.length : jsonLength(value);
  return Math.ceil(length / 4) + 4;
}

/**
 * `JSON.stringify(value).length`, counted without building the JSON for plain data (strings,
 * numbers, booleans, null, arrays, plain objects); anything else is serialized. The budget is
 * checked on every step of a turn: serializing the conversation each time copied a command's 1 MiB
 * of output for the model once per check (8 of the 179 MiB a 16 MiB flood's turn allocated,
 * docs/benchmarks.md).
 */
export function jsonLength(value: unknown): number {
  if (typeof value === "string") return quotedLength(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === "boolean") return value ? 4 : 5;
  if (value === null) return 4;
  if (Array.isArray(value)) {
    let length = 2 + Math.max(0, value.length - 1);
    // holes, undefined, functions and symbols are written as null in an array
    for (const item of value) length += omitted(item) ? 4 : jsonLength(item);
    return length;
  }
  if (!isPlainData(value)) return JSON.stringify(value).length;
  let length = 2;
  let fields = 0;
  for (const [key, item] of Object.entries(value)) {
    if (omitted(item)) continue;
    length += quotedLength(key) + 1 + jsonLength(item);
    fields++;
  }
  return length + Math.max(0, fields - 1);
}

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/** A plain object without its own JSON form (no toJSON, no other prototype: no Date, no bytes). */
function isPlainData(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !("toJSON" in value);
}

/** The length of a string as JSON writes it: quoted, escapes counted (well-formed: lone surrogates escaped). */
function quotedLength(text: string): number {
  let length = text.length + 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) continue;
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d)
      length += 1; // \" \\ \b \t \n \f \r
    else if (c < 0x20)
      length += 5; // \u00XX
    else if (c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1)))
      i++; // a pair, written as it is
    else length += 5; // a lone surrogate, \uXXXX
  }
  return length;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

export interface FitResult {
  messages: ModelMessage[];
  elidedOutputs: number;
  summarizedTurns: number;
}

function total(messages: ModelMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content), 0);
}

/** Whether the conversation fits the budget as it is (fitToBudget leaves it alone then). */
export function fitsBudget(messages: ModelMessage[], budget: number): boolean {
  return total(messages) <= budget;
}

/** Index of the first message of each user turn. */
function turnStarts(messages: ModelMessage[]): number[] {
  return messages.flatMap((m, i) => (m.role === "user" ? [i] : []));
}

function elideOutput(message: ModelMessage): ModelMessage {
  if (message.role !== "tool") return message;
  return {
    ...message,
    content: message.content.map((part) => {
      if (part.type !== "tool-result") return part;
      const output = part.output;
      if ((output.type !== "text" && output.type !== "error-text") || output.value.length <= 200) return part;
      const head = output.value.slice(0, 160);
      const note = `${head}\n[… output elided to fit the context window: ${output.value.length} characters; run the command again if you need it]`;
      return { ...part, output: { ...output, value: note } };
    }),
  };
}

function summarizeTurn(turn: ModelMessage[]): string {
  const user = turn[0]?.role === "user" && typeof turn[0].content === "string" ? turn[0].content : "";
  const calls: string[] = [];
  let lastText = "";
  for (const m of turn) {
    if (m.role !== "assistant" || typeof m.content === "string") continue;
    for (const part of m.content) {
      if (part.type === "tool-call")
        calls.push(`${part.toolName} ${JSON.stringify(part.input).slice(0, 120)}`);
      if (part.type === "text") lastText = part.text;
    }
  }
  const lines = [`- User asked: ${user.slice(0, 300)}`];
  if (calls.length)
    lines.push(
      `  Tools used: ${calls.slice(0, 8).join("; ")}${calls.length > 8 ? ` (+${calls.length - 8} more)` : ""}`,
    );
  if (lastText) lines.push(`  You answered: ${lastText.slice(0, 300)}`);
  return lines.join("\n");
}

/**
 * Fits the conversation to a token budget, for the model only (the stored history stays
 * complete): first old tool outputs are elided, oldest first; then the oldest turns are
 * replaced by a short summary. The current turn is never touched.
 */
export function fitToBudget(messages: ModelMessage[], budget: number): FitResult {
  let result = [...messages];
  let elidedOutputs = 0;
  const starts = turnStarts(result);
  const currentTurn = starts.at(-1) ?? 0;
  for (let i = 0; i < currentTurn && total(result) > budget; i++) {
    const before = result[i];
    if (!before) continue;
    const after = elideOutput(before);
    if (after !== before && JSON.stringify(after) !== JSON.stringify(before)) {
      result[i] = after;
      elidedOutputs++;
    }
  }
  let summarizedTurns = 0;
  if (total(result) > budget && starts.length > 1) {
    const summaries: string[] = [];
    let cut = 0;
    for (
      let t = 0;
      t < starts.length - 1 && total(result.slice(cut)) + estimateTokens(summaries.join("\n")) > budget;
      t++
    ) {
      const from = starts[t] ?? 0;
      const to = starts[t + 1] ?? currentTurn;
      summaries.push(summarizeTurn(result.slice(from, to)));
      cut = to;
      summarizedTurns++;
    }
    const summary: ModelMessage = {
      role: "user",
      content: `[Earlier in this session (summarized to fit the context window):\n${summaries.join("\n")}\n]`,
    };
    const ack: ModelMessage = { role: "assistant", content: [{ type: "text", text: "Understood." }] };
    result = [summary, ack, ...result.slice(cut)];
  }
  return { messages: result, elidedOutputs, summarizedTurns };
}
