import { createHash } from "node:crypto";
import type { McpTool } from "@/lib/db/schemas/mcp";

/**
 * What approval binds to: the exact tool list the model will read. The hash is over a canonical
 * form (keys sorted at every level, tools sorted by name), so the same list always hashes the
 * same and any change to a name, a description or a schema, however small, changes it.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A tool, a prompt and the resources entry may share a name: each is its own entry. */
function keyOf(entry: McpTool): string {
  return `${entry.kind ?? "tool"}:${entry.name}`;
}

function sorted(tools: readonly McpTool[]): McpTool[] {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...tools].sort((a, b) => cmp(a.name, b.name) || cmp(a.kind ?? "", b.kind ?? ""));
}

export function hashToolList(tools: readonly McpTool[]): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(sorted(tools))))
    .digest("hex");
}

function hashTool(tool: McpTool): string {
  return hashToolList([tool]);
}

export type McpToolStatus = "active" | "needs_approval";

export interface ReviewedTool extends McpTool {
  status: McpToolStatus;
  /** What was approved before, when this tool changed since. */
  previous: McpTool | null;
}

/**
 * Each tool the server presents now, against what a person approved: a tool is active only when
 * it is byte for byte the approved one; a new or changed tool waits for approval, and its
 * approved form is kept for the diff.
 */
export function reviewTools(seen: readonly McpTool[], approved: readonly McpTool[]): ReviewedTool[] {
  const before = new Map(approved.map((t) => [keyOf(t), t]));
  return sorted(seen).map((tool) => {
    const prior = before.get(keyOf(tool)) ?? null;
    const same = prior !== null && hashTool(prior) === hashTool(tool);
    return { ...tool, status: same ? "active" : "needs_approval", previous: same ? null : prior };
  });
}

/** The tools the model may be offered now: those the server still presents exactly as approved. */
export function offerableTools(seen: readonly McpTool[], approved: readonly McpTool[]): McpTool[] {
  return reviewTools(seen, approved)
    .filter((t) => t.status === "active")
    .map(({ status: _status, previous: _previous, ...entry }) => entry);
}

/** Names a tool may have on our side: `<server>__<tool>` must be a valid model tool name. */
export const MCP_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function qualifiedName(server: string, tool: string): string {
  return `${server}__${tool}`;
}
