import { db } from "../client";
import type { Prisma } from "../generated/sqlite/client";

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

/** Friction → tool built in the same turn: the headline figure of the build-it-now loop. */
export async function frictionConversion(since?: Date) {
  const where = { outcome: { not: "pending" }, ...(since ? { createdAt: { gte: since } } : {}) };
  const [total, converted] = await Promise.all([
    db().friction.count({ where }),
    db().friction.count({ where: { ...where, outcome: { in: ["tool_built", "tool_changed"] } } }),
  ]);
  return { total, converted, rate: total === 0 ? null : converted / total };
}

/** Calls of a session as the friction detector sees them, oldest first. */
export function sessionCallHistory(sessionId: string) {
  return db().toolCall.findMany({
    where: { sessionId },
    orderBy: { createdAt: "asc" },
    select: { tool: true, inputSummary: true, ok: true, errorClass: true, durationMs: true, exitCode: true },
  });
}

/** run_command inputs of the most recent other sessions, for cross-session patterns. */
export async function recentCommandInputs(sessionId: string, sessions = 10) {
  const recent = await db().session.findMany({
    where: { id: { not: sessionId }, kind: "agent" },
    orderBy: { updatedAt: "desc" },
    take: sessions,
    select: { id: true },
  });
  if (recent.length === 0) return [];
  const rows = await db().toolCall.findMany({
    where: { sessionId: { in: recent.map((r) => r.id) }, tool: "run_command" },
    select: { inputSummary: true },
    take: 5000,
  });
  return rows.map((r) => r.inputSummary);
}
