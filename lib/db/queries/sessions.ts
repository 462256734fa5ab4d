import { db } from "../client";
import type { SessionStatus } from "../schemas/events";
import { columns, execute, type RowOf, type Shape, selectRow, sql } from "./driver-sql";

export function createSession(data: {
  title: string;
  workspace: string;
  budgetUsd: number | null;
  model: string;
  kind?: "agent" | "maintenance" | "evaluation";
  forkedFrom?: string;
  worktreeOf?: string;
  branch?: string;
}) {
  return db().session.create({ data });
}

/** How many sessions that have not ended work in each folder (start-up checks old workspaces). */
export async function countOpenSessionsByWorkspace(): Promise<Array<{ workspace: string; count: number }>> {
  const groups = await db().session.groupBy({
    by: ["workspace"],
    where: { status: { not: "ended" } },
    _count: { _all: true },
  });
  return groups.map((g) => ({ workspace: g.workspace, count: g._count._all }));
}

export function countAgentSessions(): Promise<number> {
  return db().session.count({ where: { kind: "agent" } });
}

/**
 * Agent sessions in a window: the first `take` started at or after `after`
 * (oldest first), or the last `take` started before `before` (newest first).
 */
export async function agentSessionIds(window: {
  after?: Date;
  before?: Date;
  take: number;
}): Promise<string[]> {
  const rows = await db().session.findMany({
    where: {
      kind: "agent",
      ...(window.after ? { createdAt: { gte: window.after } } : {}),
      ...(window.before ? { createdAt: { lt: window.before } } : {}),
    },
    orderBy: { createdAt: window.after ? "asc" : "desc" },
    take: window.take,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Sessions a search looks through (the most recently active first); older ones are not searched. */
const SEARCHED = 10_000;

/**
 * The sessions list: archived or not, most recently active first; `q` matches the title or the
 * folder, ignoring case. The match is made here, not in SQL, so it is the same on SQLite and
 * PostgreSQL (whose LIKE differ on case).
 */
export async function listSessions(opts: { archived?: boolean; q?: string; limit?: number } = {}) {
  const archivedAt = opts.archived ? { not: null } : null;
  const take = opts.limit ?? 200;
  const q = opts.q?.trim().toLowerCase();
  // an evaluation's replays (lib/evaluation) are the harness's, and short-lived: never listed
  const where = { archivedAt, kind: { not: "evaluation" } };
  if (!q) return db().session.findMany({ where, orderBy: { updatedAt: "desc" }, take });
  const candidates = await db().session.findMany({
    where,
    orderBy: { updatedAt: "desc" },
    take: SEARCHED,
    select: { id: true, title: true, workspace: true },
  });
  const ids = candidates
    .filter((s) => s.title.toLowerCase().includes(q) || s.workspace.toLowerCase().includes(q))
    .slice(0, take)
    .map((s) => s.id);
  return db().session.findMany({ where: { id: { in: ids } }, orderBy: { updatedAt: "desc" } });
}

/** Folders sessions worked in, the most recently active first, each once. */
export async function listRecentWorkspaces(take: number): Promise<string[]> {
  const rows = await db().session.findMany({
    where: { kind: "agent" },
    distinct: ["workspace"],
    orderBy: { updatedAt: "desc" },
    select: { workspace: true },
    take,
  });
  return rows.map((r) => r.workspace);
}

export function setSessionArchived(id: string, archived: boolean) {
  return db().session.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
}

/**
 * Removes a session and everything it holds (turns, messages, events, telemetry rows cascade). The
 * stored telemetry days its calls and model steps were counted in are forgotten in the same transaction, so they
 * are computed again without them (lib/telemetry/rollup-cache.ts).
 */
export function deleteSessionRow(id: string) {
  return db().$transaction(async (tx) => {
    // the days its tool calls and its model steps were counted in (both are in the day rollups)
    const spans = await Promise.all([
      tx.toolCall.aggregate({
        where: { sessionId: id },
        _min: { createdAt: true },
        _max: { createdAt: true },
      }),
      tx.modelStep.aggregate({
        where: { sessionId: id },
        _min: { createdAt: true },
        _max: { createdAt: true },
      }),
    ]);
    const firsts = spans.flatMap((s) => (s._min.createdAt ? [s._min.createdAt.getTime()] : []));
    const lasts = spans.flatMap((s) => (s._max.createdAt ? [s._max.createdAt.getTime()] : []));
    const first = firsts.length ? new Date(Math.min(...firsts)) : null;
    const last = lasts.length ? new Date(Math.max(...lasts)) : null;
    if (first && last) {
      const day = (at: Date) => at.toISOString().slice(0, 10);
      await tx.telemetryRollup.deleteMany({ where: { day: { gte: day(first), lte: day(last) } } });
    }
    return tx.session.delete({ where: { id } });
  });
}

/** A dead instance's claim on a session, dropped when the session is marked interrupted. */
export function clearLease(id: string) {
  return db().session.updateMany({ where: { id }, data: { leaseOwner: null, leaseExpiresAt: null } });
}

/** Every column of a session row, as Prisma's `Session` has them (sessions.test.ts checks it). */
export const SESSION_ROW = {
  id: "string",
  kind: "string",
  title: "string",
  workspace: "string",
  status: "string",
  statusNote: "string?",
  model: "string?",
  inputTokens: "int",
  outputTokens: "int",
  costUsd: "float",
  budgetUsd: "float?",
  createdAt: "datetime",
  updatedAt: "datetime",
  endedAt: "datetime?",
  leaseOwner: "string?",
  leaseExpiresAt: "datetime?",
  archivedAt: "datetime?",
  forkedFrom: "string?",
  worktreeOf: "string?",
  branch: "string?",
  tierOverride: "string",
} as const satisfies Shape;

/** A session's row, or null. Through the driver: every message sent reads it first. */
export function findSession(id: string): Promise<RowOf<typeof SESSION_ROW> | null> {
  return selectRow(SESSION_ROW, sql`SELECT ${columns(SESSION_ROW)} FROM "Session" WHERE "id" = ${id}`);
}

export async function sessionStatus(id: string): Promise<string | null> {
  const row = await db().session.findUnique({ where: { id }, select: { status: true } });
  return row?.status ?? null;
}

export function updateSessionRow(
  id: string,
  data: {
    title?: string;
    budgetUsd?: number | null;
    status?: SessionStatus;
    statusNote?: string | null;
    tierOverride?: string;
  },
) {
  return db().session.update({ where: { id }, data });
}

/** One UPDATE through the driver (every turn sets it twice); a session that is gone is an error, as before. */
export async function setSessionStatus(
  id: string,
  status: SessionStatus,
  statusNote: string | null = null,
): Promise<void> {
  const now = new Date();
  const ended = status === "ended" ? sql`, "endedAt" = ${now}` : sql``;
  const changed = await execute(
    sql`UPDATE "Session" SET "status" = ${status}, "statusNote" = ${statusNote}, "updatedAt" = ${now}${ended}
      WHERE "id" = ${id}`,
  );
  if (changed === 0) throw new Error(`No session ${id} to set ${status}.`);
}

export function addSessionUsage(
  id: string,
  usage: { inputTokens: number; outputTokens: number; costUsd: number },
) {
  return db().session.update({
    where: { id },
    data: {
      inputTokens: { increment: usage.inputTokens },
      outputTokens: { increment: usage.outputTokens },
      costUsd: { increment: usage.costUsd },
    },
  });
}

/** Sessions a dead server left mid-turn. */
export function findRunningSessions() {
  return db().session.findMany({ where: { status: "running" }, select: { id: true } });
}

/**
 * Running sessions whose lease lapsed before `now`; with `unleased`, also those running without any
 * lease (left by a version before leases).
 */
export function findLapsedSessions(now: Date, unleased: boolean) {
  const lapsed = [{ leaseExpiresAt: { lt: now } }, ...(unleased ? [{ leaseExpiresAt: null }] : [])];
  return db().session.findMany({ where: { status: "running", OR: lapsed }, select: { id: true } });
}

export function startTurn(sessionId: string) {
  return db().turn.create({ data: { sessionId } });
}

export function finishTurn(id: string, data: { status: string; error?: string | null; steps: number }) {
  return db().turn.update({ where: { id }, data: { ...data, endedAt: new Date() } });
}

export function interruptRunningTurns(sessionId: string) {
  return db().turn.updateMany({
    where: { sessionId, status: "running" },
    data: { status: "interrupted", endedAt: new Date(), error: "The server stopped during this turn." },
  });
}
