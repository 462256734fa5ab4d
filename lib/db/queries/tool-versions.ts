import { db, type Prisma } from "../client";
import type { ToolVersion as ToolVersionRecord } from "../generated/sqlite/client";
import {
  type ToolManifest,
  toolManifestSchema,
  type ValidationReport,
  validationReportSchema,
} from "../schemas/tools";
import { columns, parseStoredJson, type Shape, selectRows, sql } from "./driver-sql";

/**
 * A tool version with its JSON read. A manifest that is not in the stored shape reads as null (the
 * version cannot be called), a report that is not as null (nothing to show, nothing to reuse).
 */
export interface ToolVersion extends Omit<ToolVersionRecord, "manifest" | "validation"> {
  manifest: ToolManifest | null;
  validation: ValidationReport | null;
}

type StoredVersion = Omit<ToolVersionRecord, "manifest" | "validation"> & {
  manifest: unknown;
  validation: unknown;
};

function readVersion(row: StoredVersion): ToolVersion {
  const manifest = toolManifestSchema.safeParse(row.manifest);
  const validation = validationReportSchema.safeParse(row.validation);
  return {
    ...row,
    manifest: manifest.success ? manifest.data : null,
    validation: validation.success ? validation.data : null,
  };
}

const readMaybe = (row: ToolVersionRecord | null) => (row ? readVersion(row) : null);
const json = (value: ToolManifest | ValidationReport) => value as Prisma.InputJsonValue;

export type ToolStatus = "proposed" | "invalid" | "active" | "superseded" | "rejected" | "retired";

export interface NewToolVersion {
  name: string;
  sha256: string;
  source: string;
  origin: "agent" | "user";
  status: ToolStatus;
  description: string;
  manifest: ToolManifest | null;
  validation: ValidationReport;
  reason: string | null;
  sessionId: string | null;
  decidedBy?: string | null;
  decisionReason?: string | null;
}

/** Numbers versions per name inside the transaction, so concurrent proposals cannot collide. */
export async function createToolVersion(data: NewToolVersion): Promise<ToolVersion> {
  const row = await db().$transaction(async (tx) => {
    const latest = await tx.toolVersion.findFirst({
      where: { name: data.name },
      orderBy: { version: "desc" },
    });
    const active = await tx.toolVersion.findFirst({ where: { name: data.name, status: "active" } });
    return tx.toolVersion.create({
      data: {
        ...data,
        manifest: data.manifest ? json(data.manifest) : undefined,
        validation: json(data.validation),
        version: (latest?.version ?? 0) + 1,
        parentId: active?.id ?? latest?.id ?? null,
        decidedAt: data.decidedBy ? new Date() : null,
      },
    });
  });
  return readVersion(row);
}

export async function findToolVersion(name: string, where: { sha256?: string; version?: number }) {
  return readMaybe(
    await db().toolVersion.findFirst({ where: { name, ...where }, orderBy: { version: "desc" } }),
  );
}

export async function findToolVersionById(id: string) {
  return readMaybe(await db().toolVersion.findUnique({ where: { id } }));
}

export async function listToolVersions(name: string) {
  return (await db().toolVersion.findMany({ where: { name }, orderBy: { version: "desc" } })).map(
    readVersion,
  );
}

/** Versions a session proposed since a time, oldest first (what its frictions led to). */
export function listSessionToolVersionsSince(sessionId: string, since: Date) {
  return db().toolVersion.findMany({
    where: { sessionId, createdAt: { gte: since } },
    orderBy: { createdAt: "asc" },
    select: { name: true, version: true },
  });
}

/** Versions the agent proposed since a time (a battery change's results). */
export function listAgentToolVersionsSince(since: Date) {
  return db().toolVersion.findMany({
    where: { createdAt: { gte: since }, origin: "agent" },
    select: { name: true, version: true, status: true },
  });
}

export async function listAllToolVersions() {
  const rows = await db().toolVersion.findMany({ orderBy: [{ name: "asc" }, { version: "desc" }] });
  return rows.map(readVersion);
}

export function countToolVersions() {
  return db().toolVersion.count();
}

export async function listActiveToolVersions() {
  const rows = await db().toolVersion.findMany({ where: { status: "active" }, orderBy: { name: "asc" } });
  return rows.map(readVersion);
}

/** Names of the tools with an active version. */
export async function listActiveToolNames(): Promise<string[]> {
  const rows = await db().toolVersion.findMany({ where: { status: "active" }, select: { name: true } });
  return rows.map((r) => r.name);
}

/** Validated proposals a session may try before anyone approves them; the newest per name wins. */
export async function listTrialToolVersions(sessionId: string) {
  const rows = await db().toolVersion.findMany({
    where: { sessionId, status: "proposed" },
    orderBy: { version: "desc" },
  });
  return newestPerName(rows).map(readVersion);
}

function newestPerName<R extends { name: string }>(rows: R[]): R[] {
  const newest = new Map<string, R>();
  for (const row of rows) if (!newest.has(row.name)) newest.set(row.name, row);
  return [...newest.values()];
}

/**
 * What a turn's catalog is made of, in one statement (it was two on every turn start): the active
 * versions by name, as `listActiveToolVersions`, and the session's trials, as `listTrialToolVersions`.
 */
export async function listCatalogToolVersions(sessionId: string) {
  // through the driver: read on every turn start (lib/db/queries/driver-sql.ts)
  const stored = await selectRows(
    TOOL_VERSION_ROW,
    sql`SELECT ${columns(TOOL_VERSION_ROW)} FROM "ToolVersion"
      WHERE "status" = 'active' OR ("sessionId" = ${sessionId} AND "status" = 'proposed')
      ORDER BY "version" DESC`,
  );
  const rows = stored.map((row) => ({
    ...row,
    manifest: row.manifest === null ? null : parseStoredJson(row.manifest),
    validation: parseStoredJson(row.validation),
  }));
  const active = rows
    .filter((row) => row.status === "active")
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const trials = newestPerName(rows.filter((row) => row.status === "proposed"));
  return { active: active.map(readVersion), trials: trials.map(readVersion) };
}

/** Every column of a version, as Prisma's `ToolVersion` has them (JSON as its stored text). */
const TOOL_VERSION_ROW = {
  id: "string",
  name: "string",
  version: "int",
  sha256: "string",
  source: "string",
  origin: "string",
  status: "string",
  description: "string",
  manifest: "string?",
  validation: "string",
  reason: "string?",
  parentId: "string?",
  sessionId: "string?",
  decidedBy: "string?",
  decidedAt: "datetime?",
  decisionReason: "string?",
  createdAt: "datetime",
} as const satisfies Shape;

export interface Decision {
  by: string;
  reason?: string | null;
}

/** Makes `id` the active version of its tool; the one it replaces becomes superseded. */
export async function activateToolVersion(id: string, name: string, decision: Decision) {
  const row = await db().$transaction(async (tx) => {
    await tx.toolVersion.updateMany({
      where: { name, status: "active", NOT: { id } },
      data: { status: "superseded" },
    });
    return tx.toolVersion.update({
      where: { id },
      data: {
        status: "active",
        decidedBy: decision.by,
        decidedAt: new Date(),
        decisionReason: decision.reason ?? null,
      },
    });
  });
  return readVersion(row);
}

export async function setToolVersionStatus(id: string, status: ToolStatus, decision?: Decision) {
  const row = await db().toolVersion.update({
    where: { id },
    data: {
      status,
      ...(decision
        ? { decidedBy: decision.by, decidedAt: new Date(), decisionReason: decision.reason ?? null }
        : {}),
    },
  });
  return readVersion(row);
}

/**
 * Takes back a decision nobody made: the version waits for a person again, as a proposal that
 * says why. (Earlier Ratchets activated whatever was in the tools folder on their first start.)
 */
export async function returnToolVersionToQueue(id: string, reason: string) {
  const row = await db().toolVersion.update({
    where: { id },
    data: { status: "proposed", decidedBy: null, decidedAt: null, decisionReason: null, reason },
  });
  return readVersion(row);
}

/** Telemetry of one version's calls (its trial calls included). */
export function listCallsOfToolVersion(tool: string, version: number, limit = 50) {
  return db().toolCall.findMany({
    where: { tool, toolVersion: `v${version}` },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
}

/** How one version fared in use: its calls, how many worked, and its newest failures. */
export async function toolVersionUsage(tool: string, version: number, failures = 3) {
  const where = { tool, toolVersion: `v${version}` };
  const [groups, failed] = await Promise.all([
    db().toolCall.groupBy({ by: ["ok"], where, _count: { _all: true } }),
    db().toolCall.findMany({
      where: { ...where, ok: false },
      orderBy: { createdAt: "desc" },
      take: failures,
      select: { createdAt: true, errorClass: true, errorMessage: true, sessionId: true },
    }),
  ]);
  const count = (ok: boolean) => groups.find((g) => g.ok === ok)?._count._all ?? 0;
  return { calls: count(true) + count(false), successes: count(true), lastFailures: failed };
}
