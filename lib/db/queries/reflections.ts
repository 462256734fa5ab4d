import { db } from "../client";

export type ReflectionTrigger = "end" | "idle" | "shutdown" | "interrupted" | "manual";
export type ReflectionStatus = "pending" | "success" | "empty" | "error" | "skipped";

export function findReflection(sessionId: string) {
  return db().reflection.findUnique({ where: { sessionId } });
}

export function startReflection(sessionId: string, trigger: ReflectionTrigger) {
  return db().reflection.upsert({
    where: { sessionId },
    create: { sessionId, trigger, status: "pending" },
    update: { trigger, status: "pending", error: null },
  });
}

export function saveReflection(
  sessionId: string,
  data: {
    status: Exclude<ReflectionStatus, "pending">;
    summary?: string;
    wentWell?: string;
    slow?: string;
    nextTime?: string;
    error?: string;
    model?: string;
  },
) {
  return db().reflection.update({ where: { sessionId }, data: { error: null, ...data } });
}

export function listPendingReflections() {
  return db().reflection.findMany({
    where: { status: "pending" },
    select: { sessionId: true, trigger: true },
  });
}

export function listReflections(opts: { status?: string; q?: string; limit?: number } = {}) {
  const q = opts.q?.trim();
  return db().reflection.findMany({
    where: {
      ...(opts.status ? { status: opts.status } : {}),
      ...(q
        ? {
            OR: [
              { summary: { contains: q } },
              { wentWell: { contains: q } },
              { slow: { contains: q } },
              { nextTime: { contains: q } },
              { session: { title: { contains: q } } },
            ],
          }
        : {}),
    },
    include: { session: { select: { id: true, title: true, status: true, createdAt: true } } },
    orderBy: { updatedAt: "desc" },
    take: opts.limit ?? 200,
  });
}

/** Sessions idle longer than the timeout that still owe a reflection. */
export async function sessionsIdleWithoutReflection(idleSince: Date) {
  return db().session.findMany({
    where: {
      kind: "agent",
      status: "idle",
      updatedAt: { lt: idleSince },
      reflection: null,
      messages: { some: { role: "assistant", parts: { some: {} } } },
    },
    select: { id: true },
    take: 20,
  });
}

/** Reflected / eligible: every session with an exchange that ended, was interrupted or went idle past the timeout. */
export async function reflectionCoverage() {
  const eligibleWhere = {
    kind: "agent",
    messages: { some: { role: "assistant", parts: { some: {} } } },
    OR: [{ status: { in: ["ended", "interrupted"] } }, { reflection: { isNot: null } }],
  };
  const [eligible, reflected] = await Promise.all([
    db().session.count({ where: eligibleWhere }),
    db().session.count({ where: { ...eligibleWhere, reflection: { status: { in: ["success", "empty"] } } } }),
  ]);
  return { eligible, reflected, rate: eligible === 0 ? null : reflected / eligible };
}

/** Successful reflections updated since a time, newest first (what a battery change reads). */
export function listSuccessfulReflectionsSince(since: Date, take: number) {
  return db().reflection.findMany({
    where: { status: "success", updatedAt: { gte: since } },
    orderBy: { updatedAt: "desc" },
    take,
  });
}
