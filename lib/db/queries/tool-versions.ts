import { db } from "../client";
import type { Prisma, ToolVersion } from "../generated/sqlite/client";

export type { ToolVersion };

export type ToolStatus = "proposed" | "invalid" | "active" | "superseded" | "rejected" | "retired";

export interface NewToolVersion {
  name: string;
  sha256: string;
  source: string;
  origin: "agent" | "user";
  status: ToolStatus;
  description: string;
  manifest: Prisma.InputJsonValue | null;
  validation: Prisma.InputJsonValue;
  reason: string | null;
  sessionId: string | null;
  decidedBy?: string | null;
  decisionReason?: string | null;
}

/** Numbers versions per name inside the transaction, so concurrent proposals cannot collide. */
export async function createToolVersion(data: NewToolVersion): Promise<ToolVersion> {
  return db().$transaction(async (tx) => {
    const latest = await tx.toolVersion.findFirst({
      where: { name: data.name },
      orderBy: { version: "desc" },
    });
    const active = await tx.toolVersion.findFirst({ where: { name: data.name, status: "active" } });
    return tx.toolVersion.create({
      data: {
        ...data,
        manifest: data.manifest ?? undefined,
        version: (latest?.version ?? 0) + 1,
        parentId: active?.id ?? latest?.id ?? null,
        decidedAt: data.decidedBy ? new Date() : null,
      },
    });
  });
}

export function findToolVersion(name: string, where: { sha256?: string; version?: number }) {
  return db().toolVersion.findFirst({ where: { name, ...where }, orderBy: { version: "desc" } });
}

export function findToolVersionById(id: string) {
  return db().toolVersion.findUnique({ where: { id } });
}

export function listToolVersions(name: string) {
  return db().toolVersion.findMany({ where: { name }, orderBy: { version: "desc" } });
}

export function listAllToolVersions() {
  return db().toolVersion.findMany({ orderBy: [{ name: "asc" }, { version: "desc" }] });
}

export function countToolVersions() {
  return db().toolVersion.count();
}

export function listActiveToolVersions() {
  return db().toolVersion.findMany({ where: { status: "active" }, orderBy: { name: "asc" } });
}

/** Validated proposals a session may try before anyone approves them; the newest per name wins. */
export async function listTrialToolVersions(sessionId: string) {
  const rows = await db().toolVersion.findMany({
    where: { sessionId, status: "proposed" },
    orderBy: { version: "desc" },
  });
  const newest = new Map<string, ToolVersion>();
  for (const row of rows) if (!newest.has(row.name)) newest.set(row.name, row);
  return [...newest.values()];
}

export interface Decision {
  by: string;
  reason?: string | null;
}

/** Makes `id` the active version of its tool; the one it replaces becomes superseded. */
export function activateToolVersion(id: string, name: string, decision: Decision) {
  return db().$transaction(async (tx) => {
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
}

export function setToolVersionStatus(id: string, status: ToolStatus, decision?: Decision) {
  return db().toolVersion.update({
    where: { id },
    data: {
      status,
      ...(decision
        ? { decidedBy: decision.by, decidedAt: new Date(), decisionReason: decision.reason ?? null }
        : {}),
    },
  });
}

/**
 * Takes back a decision nobody made: the version waits for a person again, as a proposal that
 * says why. (Earlier Ratchets activated whatever was in the tools folder on their first start.)
 */
export function returnToolVersionToQueue(id: string, reason: string) {
  return db().toolVersion.update({
    where: { id },
    data: { status: "proposed", decidedBy: null, decidedAt: null, decisionReason: null, reason },
  });
}

/** Telemetry of one version's calls (its trial calls included). */
export function listCallsOfToolVersion(tool: string, version: number, limit = 50) {
  return db().toolCall.findMany({
    where: { tool, toolVersion: `v${version}` },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
}
