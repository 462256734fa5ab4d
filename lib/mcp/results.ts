import type { ToolOutcome } from "@/lib/tools/types";

/** Bytes of one MCP result handed to the model; the rest is cut with a marker, like command output. */
export const MCP_MODEL_CAP_BYTES = 256 * 1024;

/** `text` cut to the model's cap (`bytes` is its full size), with a marker saying so. */
export function capped(text: string, bytes = Buffer.byteLength(text)): string {
  if (bytes <= MCP_MODEL_CAP_BYTES) return text;
  const cut = Buffer.from(text).subarray(0, MCP_MODEL_CAP_BYTES).toString("utf8");
  return `${cut}\n[… result cut: ${bytes} bytes, the first ${MCP_MODEL_CAP_BYTES} shown]`;
}

/** One content item as text: binary content is named with its size, never inlined. */
export function contentText(item: unknown): string {
  if (!item || typeof item !== "object") return "";
  const entry = item as Record<string, unknown>;
  if (entry.type === "text" && typeof entry.text === "string") return entry.text;
  if (entry.type === "resource" && entry.resource && typeof entry.resource === "object") {
    const res = entry.resource as Record<string, unknown>;
    if (typeof res.text === "string") return res.text;
    return `[resource ${String(res.uri ?? "")}, binary]`;
  }
  if (entry.type === "resource_link") return `[resource ${String(entry.uri ?? "")}]`;
  if (entry.type === "image" || entry.type === "audio") {
    const size = typeof entry.data === "string" ? Math.floor((entry.data.length * 3) / 4) : 0;
    return `[${entry.type} ${String(entry.mimeType ?? "")}, ${size} bytes]`;
  }
  return `[${String(entry.type ?? "unknown")} content]`;
}

/**
 * A server's reply as the model reads it. The reply is hostile input: whatever its shape, the
 * model gets text (binary content is named, not inlined), capped, and an `isError` reply is a
 * tool error like a failing command.
 */
export function outcomeOf(tool: string, result: unknown): ToolOutcome {
  const reply = (result && typeof result === "object" ? result : {}) as Record<string, unknown>;
  const content = Array.isArray(reply.content) ? reply.content : [];
  let text = content.map(contentText).filter(Boolean).join("\n");
  if (!text && reply.structuredContent !== undefined) text = JSON.stringify(reply.structuredContent);
  if (!text && "toolResult" in reply) text = JSON.stringify(reply.toolResult);
  const bytes = Buffer.byteLength(text);
  const output = capped(text, bytes);
  const first = text.split("\n")[0]?.slice(0, 120) ?? "";
  if (reply.isError === true)
    return {
      state: "error",
      output: output || `${tool} failed`,
      summary: `error: ${first}`,
      errorClass: "tool_error",
      outputBytes: bytes,
    };
  return {
    state: "completed",
    output,
    summary: bytes > MCP_MODEL_CAP_BYTES ? `${bytes} bytes (cut)` : first,
    outputBytes: bytes,
  };
}
