import type { McpServerRow } from "@/lib/db/queries/mcp-servers";
import type { McpTool } from "@/lib/db/schemas/mcp";
import { collectSecrets } from "@/lib/sandbox";
import { type DescriptionFlag, flagTool } from "./flags";
import { visibleText } from "./resources";
import { type McpToolStatus, offerableTools, reviewTools } from "./tool-list";

/** What the API and the pages show of a server. Header values are secrets: only their names. */
export type McpServerStatus = "needs_approval" | "active" | "error" | "disabled";

export interface McpToolView extends McpTool {
  status: McpToolStatus;
  /** The approved description and schema, when this tool changed since. */
  previous: McpTool | null;
  flags: DescriptionFlag[];
}

export interface McpServerView {
  name: string;
  transport: "stdio" | "http";
  command?: string;
  args?: string[];
  env?: string[];
  url?: string;
  /** Names of the headers sent; their values are never returned. */
  headers?: string[];
  enabled: boolean;
  status: McpServerStatus;
  tools: McpToolView[];
  /** sha256 of the list last seen: what POST …/approve must name. */
  toolsSha256: string | null;
  approvedSha256: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  error?: string;
  /** Sessions it runs for now. */
  running: number;
}

function statusOf(row: McpServerRow, tools: McpToolView[]): McpServerStatus {
  if (!row.enabled) return "disabled";
  if (row.error || !row.config) return "error";
  if (row.seenSha256 === null) return "error";
  if (tools.some((t) => t.status !== "active")) return "needs_approval";
  return "active";
}

export function serverView(row: McpServerRow, running = 0): McpServerView {
  const known = collectSecrets(process.env, Object.values(row.secrets));
  const tools = reviewTools(row.seenTools ?? [], row.approvedTools).map((t) => ({
    ...t,
    flags: flagTool(t, known),
  }));
  const config = row.config;
  const view: McpServerView = {
    name: row.name,
    transport: config?.transport ?? "stdio",
    enabled: row.enabled,
    status: "active",
    tools,
    toolsSha256: row.seenSha256,
    approvedSha256: row.approvedSha256,
    approvedBy: row.approvedBy,
    approvedAt: row.approvedAt?.toISOString() ?? null,
    running,
  };
  if (config?.transport === "stdio") {
    view.command = config.stdio.command;
    view.args = config.stdio.args;
    view.env = config.stdio.env;
  } else if (config?.transport === "http") {
    view.url = config.http.url;
    // sorted: PostgreSQL's jsonb keeps no key order, and the list should read the same on both
    view.headers = Object.keys(row.secrets).sort();
  }
  view.status = statusOf(row, tools);
  const error = row.error ?? (config ? null : "its stored configuration is not valid");
  if (error) view.error = error;
  else if (row.seenSha256 === null) view.error = "its tools were never listed";
  return view;
}

/** GET /api/mcp-servers: every server, by name. */
export type McpServerList = McpServerView[];

/** One argument of an approved prompt, as the composer asks for it. */
export interface McpPromptArgumentView {
  name: string;
  description: string;
  required: boolean;
}

/** An approved prompt a person may insert in a session's composer. */
export interface McpPromptView {
  server: string;
  name: string;
  description: string;
  arguments: McpPromptArgumentView[];
}

/** GET /api/sessions/:id/mcp-prompts. */
export type McpPromptList = McpPromptView[];

/** POST /api/sessions/:id/mcp-prompts: the prompt's messages as text, as the model would read it. */
export interface McpPromptText {
  text: string;
}

function argumentsOf(schema: Record<string, unknown>): McpPromptArgumentView[] {
  const properties =
    schema.properties && typeof schema.properties === "object" && !Array.isArray(schema.properties)
      ? (schema.properties as Record<string, unknown>)
      : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(properties).map(([name, raw]) => {
    const about = raw && typeof raw === "object" ? (raw as { description?: unknown }).description : "";
    return {
      name,
      description: visibleText(typeof about === "string" ? about : ""),
      required: required.includes(name),
    };
  });
}

/**
 * The prompts of enabled servers that the server last presented exactly as approved, from what is
 * stored: listing them starts nothing. One that changed since (withheld, waiting for re-approval)
 * is left out; loading one checks the server's list again. Invisible characters are shown.
 */
export function approvedPrompts(rows: readonly McpServerRow[]): McpPromptList {
  return approvedPromptEntries(rows).map(({ server, entry }) => ({
    server,
    name: entry.name,
    description: visibleText(entry.description),
    arguments: argumentsOf(entry.inputSchema),
  }));
}

/** The approved, unchanged prompt entries of enabled servers, as stored (see approvedPrompts). */
export function approvedPromptEntries(
  rows: readonly McpServerRow[],
): Array<{ server: string; entry: McpTool }> {
  return rows
    .filter((row) => row.enabled && row.config && row.approvedSha256 && row.seenTools)
    .flatMap((row) =>
      offerableTools(row.seenTools ?? [], row.approvedTools)
        .filter((entry) => entry.kind === "prompt")
        .map((entry) => ({ server: row.name, entry })),
    );
}

/** GET /api/mcp-servers/:name/health (lib/mcp/health.ts). */
export interface McpToolHealth {
  /** The server's own name for the tool (`echo` for `<server>__echo`), or mcp_resources / mcp_prompt. */
  tool: string;
  calls: number;
  failures: number;
  p50Ms: number | null;
  p95Ms: number | null;
  lastUsedAt: string | null;
  lastError: { at: string; errorClass: string | null; message: string | null } | null;
}

export interface McpServerHealth {
  name: string;
  status: string;
  /** Sessions it runs for now. */
  running: number;
  /** Times a process or connection of it ended on its own since Ratchet started. */
  crashes: number;
  /** Times it was started again after a crash (once per session at most). */
  restarts: number;
  lastCrash: { at: string; reason: string } | null;
  since: string;
  tools: McpToolHealth[];
}
