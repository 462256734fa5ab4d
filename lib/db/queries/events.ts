import { db, type Prisma } from "../client";
import { parseStoredEvent, type SessionEvent } from "../schemas/events";

export async function maxEventSeq(sessionId: string): Promise<number> {
  const row = await db().event.aggregate({ where: { sessionId }, _max: { seq: true } });
  return row._max.seq ?? 0;
}

export async function insertEvents(sessionId: string, events: SessionEvent[]): Promise<void> {
  await db().event.createMany({
    data: events.map(({ seq, type, at, ...data }) => ({
      sessionId,
      seq,
      type,
      data: data as Prisma.InputJsonValue,
      createdAt: new Date(at),
    })),
  });
}

export async function listEventsAfter(
  sessionId: string,
  after: number,
  limit: number,
): Promise<SessionEvent[]> {
  const rows = await db().event.findMany({
    where: { sessionId, seq: { gt: after } },
    orderBy: { seq: "asc" },
    take: limit,
  });
  return rows.map((r) =>
    parseStoredEvent({ type: r.type, data: r.data, seq: r.seq, at: r.createdAt.toISOString() }),
  );
}

/** PostgreSQL only: a NOTIFY that is delivered to listeners once the current statement commits. */
export async function notifyChannel(channel: string, payload: string): Promise<void> {
  await db().$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
}
