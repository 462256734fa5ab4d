import { db } from "../client";
import type { SkillLoad, SkillVersion } from "../generated/sqlite/client";
import { type Column, newRowId, writeRows } from "./insert-rows";

export type { SkillLoad, SkillVersion };

export type SkillOrigin = "user" | "agent" | "import" | "disk";
export type SkillLoadKind = "suggested" | "loaded";

/** Versions without their content, newest first. */
const SUMMARY = {
  id: true,
  name: true,
  version: true,
  sha256: true,
  origin: true,
  message: true,
  createdAt: true,
} as const;

export function listSkillVersions(name: string) {
  return db().skillVersion.findMany({ where: { name }, orderBy: { version: "desc" }, select: SUMMARY });
}

export function findSkillVersion(name: string, version: number) {
  return db().skillVersion.findUnique({ where: { name_version: { name, version } } });
}

export function findLatestSkillVersion(name: string) {
  return db().skillVersion.findFirst({ where: { name }, orderBy: { version: "desc" } });
}

/** Names that have at least one stored version, including skills deleted from disk since. */
export async function listVersionedSkillNames(): Promise<string[]> {
  const rows = await db().skillVersion.findMany({ distinct: ["name"], select: { name: true } });
  return rows.map((r) => r.name);
}

/** When each name's history starts. */
export async function firstSkillVersionTimes(): Promise<Map<string, Date>> {
  const rows = await db().skillVersion.groupBy({ by: ["name"], _min: { createdAt: true } });
  return new Map(rows.flatMap((r) => (r._min.createdAt ? [[r.name, r._min.createdAt] as const] : [])));
}

/**
 * Adds a version unless the newest one already has this content. Numbers are assigned inside the
 * transaction, so concurrent saves cannot collide.
 */
export function createSkillVersion(data: {
  name: string;
  content: string;
  sha256: string;
  origin: SkillOrigin;
  message?: string | null;
}): Promise<{ version: SkillVersion; created: boolean }> {
  return db().$transaction(async (tx) => {
    const latest = await tx.skillVersion.findFirst({
      where: { name: data.name },
      orderBy: { version: "desc" },
    });
    if (latest?.sha256 === data.sha256) return { version: latest, created: false };
    const version = await tx.skillVersion.create({
      data: { ...data, message: data.message ?? null, version: (latest?.version ?? 0) + 1 },
    });
    return { version, created: true };
  });
}

/**
 * Moves a skill's history and usage to its new name. If the new name already has history (a skill
 * deleted earlier), the moved versions are numbered after it.
 */
export function renameSkillRecords(from: string, to: string) {
  return db().$transaction(async (tx) => {
    const latest = await tx.skillVersion.findFirst({ where: { name: to }, orderBy: { version: "desc" } });
    const moving = await tx.skillVersion.findMany({ where: { name: from }, orderBy: { version: "asc" } });
    let next = latest?.version ?? 0;
    for (const row of moving) {
      next += 1;
      await tx.skillVersion.update({ where: { id: row.id }, data: { name: to, version: next } });
    }
    await tx.skillLoad.updateMany({ where: { skill: from }, data: { skill: to } });
  });
}

export async function recordSkillLoads(
  rows: {
    skill: string;
    sessionId: string | null;
    turnId: string | null;
    kind: SkillLoadKind;
    trigger?: string | null;
  }[],
) {
  if (rows.length === 0) return { count: 0 };
  // one multi-row INSERT through the driver, however many: a turn start records its suggestion
  const now = new Date();
  await writeRows({
    table: "SkillLoad",
    columns: SKILL_LOAD_COLUMNS,
    rows: rows.map((r) => [newRowId(), r.skill, r.sessionId, r.turnId, r.kind, r.trigger ?? null, now]),
  });
  return { count: rows.length };
}

const SKILL_LOAD_COLUMNS: readonly Column[] = [
  ["id", "string"],
  ["skill", "string"],
  ["sessionId", "string"],
  ["turnId", "string"],
  ["kind", "string"],
  ["trigger", "string"],
  ["createdAt", "datetime"],
];

export function listSkillLoadsSince(since: Date) {
  return db().skillLoad.findMany({
    where: { createdAt: { gte: since } },
    select: { skill: true, kind: true, turnId: true, sessionId: true, createdAt: true },
  });
}

/** The most recent load of each skill, however long ago. */
export async function lastSkillLoads(): Promise<Map<string, Date>> {
  const rows = await db().skillLoad.groupBy({
    by: ["skill"],
    where: { kind: "loaded" },
    _max: { createdAt: true },
  });
  return new Map(rows.flatMap((r) => (r._max.createdAt ? [[r.skill, r._max.createdAt] as const] : [])));
}

export function listRecentAgentSessions(limit: number) {
  return db().session.findMany({
    where: { kind: "agent" },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, createdAt: true },
  });
}

/** Skills loaded in any of these sessions. */
export async function skillsLoadedIn(sessionIds: string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db().skillLoad.findMany({
    where: { kind: "loaded", sessionId: { in: sessionIds } },
    distinct: ["skill"],
    select: { skill: true },
  });
  return new Set(rows.map((r) => r.skill));
}

export function countSkillLoads(skill: string, kind: SkillLoadKind, since: Date) {
  return db().skillLoad.count({ where: { skill, kind, createdAt: { gte: since } } });
}
