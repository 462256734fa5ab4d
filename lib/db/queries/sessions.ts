import { db } from "../client";
import type { SessionStatus } from "../schemas/events";

export function createSession(data: {
  title: string;
  workspace: string;
  budgetUsd: number | null;
  model: string;
  kind?: "agent" | "maintenance" | "evaluation";
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

/** Sessions people see: an evaluation's replays (lib/evaluation) are the harness's, and short-lived. */
export function listSessions(limit = 200) {
  return db().session.findMany({
    where: { kind: { not: "evaluation" } },
    orderBy: { updatedAt: "desc" },
    take: limit,
  });
}

/** A dead instance's claim on a session, dropped when the session is marked interrupted. */
export function clearLease(id: string) {
  return db().session.updateMany({ where: { id }, data: { leaseOwner: null, leaseExpiresAt: null } });
}

export function findSession(id: string) {
  return db().session.findUnique({ where: { id } });
}

export async function sessionStatus(id: string): Promise<string | null> {
  const row = await db().session.findUnique({ where: { id }, select: { status: true } });
  return row?.status ?? null;
}

export function updateSessionRow(id: string, data: { title?: string; budgetUsd?: number | null }) {
  return db().session.update({ where: { id }, data });
}

export function setSessionStatus(id: string, status: SessionStatus, statusNote: string | null = null) {
  return db().session.update({
    where: { id },
    data: { status, statusNote, ...(status === "ended" ? { endedAt: new Date() } : {}) },
  });
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
