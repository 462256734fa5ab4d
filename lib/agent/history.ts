import type { AssistantContent, ModelMessage, ToolContent } from "ai";
import type { StoredPart } from "./parts";

export interface StoredMessage {
  role: string;
  parts: StoredPart[];
}

/** What the model is told, in its own history, about an answer the endpoint ended for it. */
export const CUT_NOTES = {
  length: "[Ratchet: this answer was cut off here at the output token limit; it is incomplete.]",
  "content-filter": "[Ratchet: the endpoint's content filter stopped this answer here; it is incomplete.]",
} as const;

/**
 * Rebuilds the model conversation from stored parts. An assistant message holds several
 * steps (text, tool calls, results, more text); each tool-calling step becomes an
 * assistant message followed by a tool message with its results.
 */
export function toModelMessages(messages: StoredMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === "user") {
      const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
      out.push({ role: "user", content: text });
      continue;
    }
    let content: Exclude<AssistantContent, string> = [];
    let results: ToolContent = [];
    const flush = () => {
      if (content.length) out.push({ role: "assistant", content });
      if (results.length) out.push({ role: "tool", content: results });
      content = [];
      results = [];
    };
    for (const part of message.parts) {
      if (part.type === "reasoning") continue;
      if (part.type === "text") {
        if (results.length) flush();
        if (part.text) content.push({ type: "text", text: part.text });
        if (part.cut) content.push({ type: "text", text: CUT_NOTES[part.cut] });
        continue;
      }
      content.push({
        type: "tool-call",
        toolCallId: part.callId,
        toolName: part.tool,
        input: part.input ?? {},
      });
      const value = part.output ?? (part.state === "running" ? "The tool call was interrupted." : "");
      results.push({
        type: "tool-result",
        toolCallId: part.callId,
        toolName: part.tool,
        output: part.state === "completed" ? { type: "text", value } : { type: "error-text", value },
      });
    }
    flush();
  }
  return out;
}
