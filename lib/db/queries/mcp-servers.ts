import { db, type Prisma } from "../client";
import type { McpServer as McpServerRecord } from "../generated/sqlite/client";
import {
  type HeaderSecrets,
  type HttpConfig,
  headerSecretsSchema,
  httpConfigSchema,
  type McpTool,
  mcpToolListSchema,
  type StdioConfig,
  stdioConfigSchema,
} from "../schemas/mcp";
import { columns, parseStoredJson, type Shape, selectRows, sql } from "./driver-sql";

export type McpServerConfig =
  | { transport: "stdio"; stdio: StdioConfig }
  | { transport: "http"; http: HttpConfig };

/**
 * A server with its JSON read through the schemas. A config that no longer parses reads as null
 * (the server cannot start); a tool list that does not parse reads as empty (nothing is offered).
 */
export interface McpServerRow {
  name: string;
  config: McpServerConfig | null;
  secrets: HeaderSecrets;
  enabled: boolean;
  seenTools: McpTool[] | null;
  seenSha256: string | null;
  approvedTools: McpTool[];
  approvedSha256: string | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  error: string | null;
  createdAt: Date;
}

/** A row as stored, its JSON columns parsed (or not: the schemas below decide). */
type StoredServer = Omit<McpServerRecord, "config" | "secrets" | "seenTools" | "approvedTools"> & {
  config: unknown;
  secrets: unknown;
  seenTools: unknown;
  approvedTools: unknown;
};

function readConfig(row: StoredServer): McpServerConfig | null {
  if (row.transport === "stdio") {
    const parsed = stdioConfigSchema.safeParse(row.config);
    return parsed.success ? { transport: "stdio", stdio: parsed.data } : null;
  }
  if (row.transport === "http") {
    const parsed = httpConfigSchema.safeParse(row.config);
    return parsed.success ? { transport: "http", http: parsed.data } : null;
  }
  return null;
}

function readRow(row: StoredServer): McpServerRow {
  const seen = mcpToolListSchema.safeParse(row.seenTools);
  const approved = mcpToolListSchema.safeParse(row.approvedTools);
  const secrets = headerSecretsSchema.safeParse(row.secrets ?? {});
  return {
    name: row.name,
    config: readConfig(row),
    secrets: secrets.success ? secrets.data : {},
    enabled: row.enabled,
    seenTools: row.seenSha256 === null ? null : seen.success ? seen.data : [],
    seenSha256: row.seenSha256,
    approvedTools: approved.success ? approved.data : [],
    approvedSha256: row.approvedSha256,
    approvedBy: row.approvedBy,
    approvedAt: row.approvedAt,
    error: row.error,
    createdAt: row.createdAt,
  };
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

function configJson(config: McpServerConfig): Prisma.InputJsonValue {
  return json(config.transport === "stdio" ? config.stdio : config.http);
}

const SERVER_ROW = {
  name: "string",
  transport: "string",
  config: "string",
  secrets: "string?",
  enabled: "bool",
  seenTools: "string?",
  seenSha256: "string?",
  approvedTools: "string?",
  approvedSha256: "string?",
  approvedBy: "string?",
  approvedAt: "datetime?",
  error: "string?",
  createdAt: "datetime",
  updatedAt: "datetime",
} as const satisfies Shape;

/** Every server, by name. Through the driver: every agent turn start reads them. */
export async function listMcpServers(): Promise<McpServerRow[]> {
  const rows = await selectRows(
    SERVER_ROW,
    sql`SELECT ${columns(SERVER_ROW)} FROM "McpServer" ORDER BY "name"`,
  );
  const parsed = (text: string | null) => (text === null ? null : parseStoredJson(text));
  return rows.map((row) =>
    readRow({
      ...row,
      config: parseStoredJson(row.config),
      secrets: parsed(row.secrets),
      seenTools: parsed(row.seenTools),
      approvedTools: parsed(row.approvedTools),
    }),
  );
}

export async function findMcpServer(name: string): Promise<McpServerRow | null> {
  const row = await db().mcpServer.findUnique({ where: { name } });
  return row ? readRow(row) : null;
}

/** Inserts a new server; false when the name is taken. */
export async function createMcpServer(
  name: string,
  config: McpServerConfig,
  secrets: HeaderSecrets,
): Promise<boolean> {
  try {
    await db().mcpServer.create({
      data: { name, transport: config.transport, config: configJson(config), secrets: json(secrets) },
    });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false;
    throw error;
  }
}

export interface McpServerChange {
  config?: McpServerConfig;
  secrets?: HeaderSecrets;
  enabled?: boolean;
}

/**
 * Changes a server. A changed config is another program or endpoint, so what was approved of the
 * old one is dropped with it. Null when there is no such server.
 */
export async function updateMcpServer(name: string, change: McpServerChange): Promise<McpServerRow | null> {
  const data: Prisma.McpServerUpdateManyMutationInput = {};
  if (change.config) {
    data.transport = change.config.transport;
    data.config = configJson(change.config);
    data.approvedTools = json([]);
    data.approvedSha256 = null;
    data.approvedBy = null;
    data.approvedAt = null;
    data.seenTools = json([]);
    data.seenSha256 = null;
  }
  if (change.secrets) data.secrets = json(change.secrets);
  if (change.enabled !== undefined) data.enabled = change.enabled;
  const { count } = await db().mcpServer.updateMany({ where: { name }, data });
  return count ? findMcpServer(name) : null;
}

/** What the server last presented (or why it could not be listed). */
export async function recordSeenTools(
  name: string,
  seen: { tools: McpTool[]; sha256: string } | { error: string },
): Promise<void> {
  const data: Prisma.McpServerUpdateManyMutationInput =
    "error" in seen
      ? { error: seen.error.slice(0, 2000) }
      : { seenTools: json(seen.tools), seenSha256: seen.sha256, error: null };
  await db().mcpServer.updateMany({ where: { name }, data });
}

/**
 * Approves the list last seen, only while it is still the one with `sha256`: a list that changed
 * since the person looked is not approved in its place. False when it is not.
 */
export async function approveSeenTools(name: string, sha256: string, by: string): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const row = await tx.mcpServer.findUnique({ where: { name } });
    if (!row || row.seenSha256 !== sha256) return false;
    const { count } = await tx.mcpServer.updateMany({
      where: { name, seenSha256: sha256 },
      data: {
        approvedTools: json(row.seenTools ?? []),
        approvedSha256: sha256,
        approvedBy: by,
        approvedAt: new Date(),
      },
    });
    return count === 1;
  });
}

export async function deleteMcpServer(name: string): Promise<boolean> {
  const { count } = await db().mcpServer.deleteMany({ where: { name } });
  return count === 1;
}
