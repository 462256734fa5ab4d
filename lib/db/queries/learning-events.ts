import { db } from "../client";
import { execute, list, selectRows, sql } from "./driver-sql";

export function createLearningEvent(data: {
  sessionId: string | null;
  type: "correction" | "preference" | "pattern";
  description: string;
  context: string | null;
  source: "agent" | "detector" | "user";
}) {
  return db().learningEvent.create({ data });
}

export function listLearningEvents(limit = 500) {
  return db().learningEvent.findMany({ orderBy: { createdAt: "desc" }, take: limit });
}

export function findLearningEvent(id: string) {
  return db().learningEvent.findUnique({ where: { id } });
}

export function updateLearningEvent(
  id: string,
  data: { type?: "correction" | "preference" | "pattern"; description?: string; context?: string | null },
) {
  return db().learningEvent.update({ where: { id }, data });
}

export function deleteLearningEvent(id: string) {
  return db().learningEvent.delete({ where: { id } });
}

/** Learning events per source (agent, detector, user). */
export async function countLearningEventsBySource(): Promise<Record<string, number>> {
  const rows = await db().learningEvent.groupBy({ by: ["source"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.source, r._count._all]));
}

/** A session's learning events, oldest first. */
export function listSessionLearningEvents(sessionId: string, take: number) {
  return db().learningEvent.findMany({ where: { sessionId }, orderBy: { createdAt: "asc" }, take });
}

/** Learning events since a time (all without), newest first. */
export function listLearningEventsSince(since: Date | null, take: number) {
  return db().learningEvent.findMany({
    where: since ? { createdAt: { gte: since } } : {},
    orderBy: { createdAt: "desc" },
    take,
  });
}

/** The newest learning events written at or before `now`, for the prompt's telemetry summary. */
export function listLatestLearnings(now: Date, take: number) {
  return db().learningEvent.findMany({
    where: { createdAt: { lte: now } },
    orderBy: { createdAt: "desc" },
    take,
    select: { type: true, description: true, source: true },
  });
}

/**
 * Not written in this session. SQL's `NOT (sessionId = ?)` is unknown where sessionId is NULL, so
 * a learning a person wrote outside any session, or one whose session was deleted (SetNull), would
 * be dropped without the explicit null branch.
 */
function outside(sessionId: string) {
  return { OR: [{ sessionId: null }, { NOT: { sessionId } }] };
}

/** Corrections recorded outside a session (the candidates a new correction may repeat), newest first. */
export function listCorrectionsOutside(sessionId: string, take: number) {
  return db().learningEvent.findMany({
    where: { type: "correction", ...outside(sessionId) },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, description: true, context: true },
  });
}

/** A correction came up again: the learning did not stick. */
export async function markLearningsRecurred(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db().learningEvent.updateMany({ where: { id: { in: ids } }, data: { recurred: { increment: 1 } } });
}

/**
 * The newest corrections and preferences from other sessions (written after `after`, when given)
 * that a prompt includes; each is counted as used.
 */
export async function takeLearningsForPrompt(
  sessionId: string,
  after: Date | null,
  take: number,
  opts: { countUse?: boolean } = {},
) {
  // through the driver, the read and the count of use: both are on every turn start's path
  const since = after ? sql` AND "createdAt" > ${after}` : sql``;
  const learnings = await selectRows(
    { id: "string", type: "string", description: "string" },
    sql`SELECT "id", "type", "description" FROM "LearningEvent"
      WHERE "type" IN ('correction', 'preference') AND ("sessionId" IS NULL OR "sessionId" <> ${sessionId})${since}
      ORDER BY "createdAt" DESC LIMIT ${take}`,
  );
  if (learnings.length && opts.countUse !== false) {
    await execute(
      sql`UPDATE "LearningEvent" SET "usedCount" = "usedCount" + 1, "lastUsedAt" = ${new Date()}
        WHERE "id" IN ${list(learnings.map((l) => l.id))}`,
    );
  }
  return learnings;
}
