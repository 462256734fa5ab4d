import { db } from "../client";
import type { Prisma } from "../generated/sqlite/client";
import { columns, type Shape, selectRows, sql } from "./driver-sql";

export function createFriction(data: {
  sessionId: string;
  turnId: string | null;
  kind: string;
  detail: string;
  evidence?: Prisma.InputJsonValue;
}) {
  return db().friction.create({ data });
}

export function listFrictions(opts: { sessionId?: string; limit?: number } = {}) {
  return db().friction.findMany({
    where: opts.sessionId ? { sessionId: opts.sessionId } : {},
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 200,
  });
}

export function settleFrictions(
  ids: string[],
  outcome: "tool_built" | "tool_changed" | "none",
  toolName: string | null,
) {
  if (ids.length === 0) return Promise.resolve({ count: 0 });
  return db().friction.updateMany({
    where: { id: { in: ids }, outcome: "pending" },
    data: { outcome, toolName },
  });
}

/** Frictions a turn left undecided (a crash): nothing was built for them. */
export function settleAbandonedFrictions(before: Date) {
  return db().friction.updateMany({
    where: { outcome: "pending", createdAt: { lt: before } },
    data: { outcome: "none" },
  });
}

/** Frictions since a time (all without) that led to no tool, newest first. */
export function listUnconvertedFrictions(since: Date | null, take: number) {
  return db().friction.findMany({
    where: { outcome: "none", ...(since ? { createdAt: { gte: since } } : {}) },
    orderBy: { createdAt: "desc" },
    take,
  });
}

/** Friction → tool built in the same turn: the headline figure of the build-it-now loop. */
export async function frictionConversion(since?: Date) {
  const where = { outcome: { not: "pending" }, ...(since ? { createdAt: { gte: since } } : {}) };
  const [total, converted] = await Promise.all([
    db().friction.count({ where }),
    db().friction.count({ where: { ...where, outcome: { in: ["tool_built", "tool_changed"] } } }),
  ]);
  return { total, converted, rate: total === 0 ? null : converted / total };
}

const CALL_HISTORY_ROW = {
  tool: "string",
  inputSummary: "string",
  ok: "bool",
  errorClass: "string?",
  durationMs: "int",
  exitCode: "int?",
} as const satisfies Shape;

/** Calls of a session as the friction detector sees them, oldest first (every turn start; the driver). */
export function sessionCallHistory(sessionId: string) {
  return selectRows(
    CALL_HISTORY_ROW,
    sql`SELECT ${columns(CALL_HISTORY_ROW)} FROM "ToolCall" WHERE "sessionId" = ${sessionId} ORDER BY "createdAt"`,
  );
}

/**
 * run_command calls of the most recent other agent sessions (up to 5000 calls), for cross-session
 * patterns, counted per stored commandKey in one statement: a handful of rows instead of thousands.
 * Calls recorded before commandKey existed come back by input, with `commandKey` null, for the
 * caller to normalize. Written as a join from the sessions: with `tool = …` beside an `IN (…)`,
 * SQLite chose the tool index and read every run_command call ever made (0.55-0.8 s per turn start
 * at 1M calls); the CROSS JOIN fixes SQLite's order (sessions first, then each one's calls by the
 * sessionId index), 14 ms, and means a plain join to PostgreSQL.
 */
export async function recentCommandCounts(
  sessionId: string,
  sessions = 10,
): Promise<{ commandKey: string | null; input: string | null; calls: number }[]> {
  const rows = await selectRows(
    { k: "string?", i: "string?", n: "int" },
    sql`
    SELECT r."commandKey" AS k, CASE WHEN r."commandKey" IS NULL THEN r."inputSummary" END AS i, COUNT(*) AS n
      FROM (SELECT tc."commandKey", tc."inputSummary"
              FROM (SELECT "id" FROM "Session" WHERE "id" <> ${sessionId} AND "kind" = 'agent'
                     ORDER BY "updatedAt" DESC LIMIT ${sessions}) s
             CROSS JOIN "ToolCall" tc
             WHERE tc."sessionId" = s."id" AND tc."tool" = 'run_command'
             LIMIT 5000) r
     GROUP BY r."commandKey", CASE WHEN r."commandKey" IS NULL THEN r."inputSummary" END`,
  );
  return rows.map((r) => ({ commandKey: r.k, input: r.i, calls: r.n }));
}
