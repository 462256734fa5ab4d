import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import {
  approveSeenTools,
  createMcpServer,
  deleteMcpServer,
  findMcpServer,
  listMcpServers,
  type McpServerConfig,
  type McpServerRow,
  recordSeenTools,
  updateMcpServer,
} from "@/lib/db/queries/mcp-servers";
import {
  HEADER_NAME,
  type HeaderSecrets,
  headerSecretsSchema,
  httpConfigSchema,
  mcpServerNameSchema,
  stdioConfigSchema,
} from "@/lib/db/schemas/mcp";
import { ApiError } from "@/lib/errors";
import { connect } from "./connection";
import { headerIssue } from "./header-rows";
import { runningServers } from "./sessions";
import { hashToolList } from "./tool-list";
import { type McpServerView, serverView } from "./views";

export const newServerSchema = z.discriminatedUnion("transport", [
  stdioConfigSchema.extend({ name: mcpServerNameSchema, transport: z.literal("stdio") }).strict(),
  httpConfigSchema
    .extend({
      name: mcpServerNameSchema,
      transport: z.literal("http"),
      headers: headerSecretsSchema.optional(),
    })
    .strict(),
]);
export type NewServer = z.infer<typeof newServerSchema>;

export const serverChangeSchema = z.strictObject({
  enabled: z.boolean().optional(),
  command: stdioConfigSchema.shape.command.optional(),
  // without their defaults: a change that names no args or env must not read as one that sets them
  args: stdioConfigSchema.shape.args.unwrap().optional(),
  env: stdioConfigSchema.shape.env.unwrap().optional(),
  url: httpConfigSchema.shape.url.optional(),
  /** Replaces every header (but those in keepHeaders); both omitted keep the stored ones. */
  headers: headerSecretsSchema.optional(),
  /**
   * Stored headers kept, values unchanged, when the headers are replaced: a form that never sees
   * a stored value can still change one header and leave the others as they are.
   */
  keepHeaders: z.array(z.string().regex(HEADER_NAME, "header names are HTTP tokens")).max(32).optional(),
});
export type ServerChange = z.infer<typeof serverChangeSchema>;

function configOf(input: NewServer): McpServerConfig {
  if (input.transport === "stdio")
    return { transport: "stdio", stdio: { command: input.command, args: input.args, env: input.env } };
  return { transport: "http", http: { url: input.url } };
}

/**
 * Asks a server for its tools so a person can review them. A stdio server runs in the sandbox
 * in an empty scratch folder of its own: nothing of any workspace is shown to it before approval.
 */
export async function listForReview(row: McpServerRow): Promise<void> {
  if (!row.config) return;
  const scratch = await mkdtemp(path.join(os.tmpdir(), "ratchet-mcp-review-"));
  try {
    const conn = await connect({
      name: row.name,
      config: row.config,
      secrets: row.secrets,
      workspace: scratch,
    });
    try {
      const tools = await conn.listEntries();
      await recordSeenTools(row.name, { tools, sha256: hashToolList(tools) });
    } finally {
      await conn.close();
    }
  } catch (error) {
    await recordSeenTools(row.name, { error: error instanceof Error ? error.message : String(error) });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function viewOf(name: string): Promise<McpServerView> {
  const row = await findMcpServer(name);
  if (!row) throw new ApiError("not_found", `No MCP server named ${name}.`);
  return serverView(row, runningServers().get(name) ?? 0);
}

export async function listServerViews(): Promise<McpServerView[]> {
  const running = runningServers();
  return (await listMcpServers()).map((row) => serverView(row, running.get(row.name) ?? 0));
}

export async function addServer(input: NewServer): Promise<McpServerView> {
  const created = await createMcpServer(
    input.name,
    configOf(input),
    input.transport === "http" ? (input.headers ?? {}) : {},
  );
  if (!created) throw new ApiError("conflict", `An MCP server named ${input.name} exists already.`);
  const row = await findMcpServer(input.name);
  if (row) await listForReview(row);
  return viewOf(input.name);
}

/** The headers a change leaves (undefined: unchanged); checked whole before anything is written. */
function headersAfter(
  stored: HeaderSecrets,
  change: ServerChange,
  transport: "stdio" | "http" | undefined,
): HeaderSecrets | undefined {
  if (!change.headers && !change.keepHeaders) return undefined;
  if (transport !== "http") throw new ApiError("unprocessable", "headers apply to HTTP servers only.");
  const added = change.headers ?? {};
  const next: HeaderSecrets = {};
  for (const keep of change.keepHeaders ?? []) {
    const value = Object.entries(stored).find(([k]) => k === keep)?.[1];
    if (value === undefined)
      throw new ApiError("unprocessable", `keepHeaders: ${keep} is not a stored header.`);
    if (Object.keys(added).some((k) => k.toLowerCase() === keep.toLowerCase()))
      throw new ApiError("unprocessable", `${keep} is both kept and given a new value.`);
    next[keep] = value;
  }
  const parsed = headerSecretsSchema.safeParse({ ...next, ...added });
  if (!parsed.success) throw new ApiError("unprocessable", `headers: ${headerIssue(parsed.error)}`);
  return parsed.data;
}

/** Changes a server and lists its tools again (an empty change just re-lists them). */
export async function changeServer(name: string, change: ServerChange): Promise<McpServerView> {
  const row = await findMcpServer(name);
  if (!row) throw new ApiError("not_found", `No MCP server named ${name}.`);
  let config: McpServerConfig | undefined;
  const stdioKeys = change.command !== undefined || change.args !== undefined || change.env !== undefined;
  if (row.config?.transport === "stdio" && stdioKeys) {
    const base = row.config.stdio;
    config = {
      transport: "stdio",
      stdio: {
        command: change.command ?? base.command,
        args: change.args ?? base.args,
        env: change.env ?? base.env,
      },
    };
  } else if (row.config?.transport === "http" && change.url !== undefined) {
    config = { transport: "http", http: { url: change.url } };
  } else if (stdioKeys || change.url !== undefined) {
    throw new ApiError("unprocessable", `Those fields do not apply to ${name}'s transport.`);
  }
  const secrets = headersAfter(row.secrets, change, row.config?.transport);
  const updated = await updateMcpServer(name, {
    ...(config ? { config } : {}),
    ...(secrets ? { secrets } : {}),
    ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
  });
  if (!updated) throw new ApiError("not_found", `No MCP server named ${name}.`);
  if (updated.enabled) await listForReview(updated);
  return viewOf(name);
}

/** Approves the list a person reviewed, named by its hash; a list that changed since → 409. */
export async function approveServer(name: string, toolsSha256: string, by: string): Promise<McpServerView> {
  const row = await findMcpServer(name);
  if (!row) throw new ApiError("not_found", `No MCP server named ${name}.`);
  if (!(await approveSeenTools(name, toolsSha256, by)))
    throw new ApiError(
      "conflict",
      `The tools of ${name} changed since that list was shown (its sha256 is now ${row.seenSha256 ?? "unknown"}); review them again.`,
    );
  return viewOf(name);
}

export async function removeServer(name: string): Promise<void> {
  if (!(await deleteMcpServer(name))) throw new ApiError("not_found", `No MCP server named ${name}.`);
}
