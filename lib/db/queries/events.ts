import { db } from "../client";
import { parseStoredEvent, type SessionEvent } from "../schemas/events";
import { type Column, isUniqueViolation, newRowId, writeRows } from "./insert-rows";

export async function maxEventSeq(sessionId: string): Promise<number> {
  const row = await db().event.aggregate({ where: { sessionId }, _max: { seq: true } });
  return row._max.seq ?? 0;
}

const EVENT_COLUMNS: readonly Column[] = [
  ["id", "string"],
  ["sessionId", "string"],
  ["seq", "int"],
  ["type", "string"],
  ["data", "string"],
  ["createdAt", "datetime"],
];

/** An event's `data` column: the JSON of its fields but seq, type and time (they have columns). */
export function eventData({ seq: _seq, type: _type, at: _at, ...data }: SessionEvent): string {
  return JSON.stringify(data);
}

/**
 * Rows per INSERT statement: 6 parameters each stays far below SQLite's 32,766 and PostgreSQL's
 * 65,535 parameters a statement. A batch of the event log (lib/events/log.ts) is at most 1 MiB of
 * text, so a flood's batch of 64 KiB output events is one statement; only many tiny events need more.
 */
export const EVENT_ROWS_PER_STATEMENT = 1000;

/**
 * Writes a batch of events, all or none. One multi-row INSERT instead of `createMany`: no
 * transaction around a single statement (one round trip fewer per append, the hot path of every
 * turn), and written by the driver itself (writeRows): no Prisma row objects per event and no
 * copies of a flood's output in Prisma's arguments.
 * `data` is each event's `eventData`, when the caller made it already.
 * Throws `SeqTakenError` when another writer has taken one of the seqs.
 */
export async function insertEvents(
  sessionId: string,
  events: readonly SessionEvent[],
  data: readonly string[] = events.map(eventData),
): Promise<void> {
  const rows = events.map((event, i) => [
    newRowId(),
    sessionId,
    event.seq,
    event.type,
    data[i] ?? eventData(event),
    new Date(event.at),
  ]);
  try {
    await writeRows({
      table: "Event",
      columns: EVENT_COLUMNS,
      rows,
      rowsPerStatement: EVENT_ROWS_PER_STATEMENT,
    });
  } catch (error) {
    throw isUniqueViolation(error) ? new SeqTakenError(sessionId, error) : error;
  }
}

/** Another writer (an app instance whose cached seq was ahead) has a row with one of the batch's seqs. */
export class SeqTakenError extends Error {
  constructor(sessionId: string, cause: unknown) {
    super(`An event seq of session ${sessionId} is taken.`, { cause });
    this.name = "SeqTakenError";
  }
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
