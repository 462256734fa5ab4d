import { db } from "../client";
import { parseStoredEvent, type SessionEvent } from "../schemas/events";
import { selectRows, sql } from "./driver-sql";
import { type Column, isUniqueViolation, newRowId, writeRows } from "./insert-rows";

export async function maxEventSeq(sessionId: string): Promise<number> {
  const row = await db().event.aggregate({ where: { sessionId }, _max: { seq: true } });
  return row._max.seq ?? 0;
}

/** The Event table's columns as the event log writes them. */
export const EVENT_COLUMNS: readonly Column[] = [
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

/** An event read back for the event stream. */
export interface StreamedEvent {
  event: SessionEvent;
  /**
   * The row's `data` text when it holds exactly the event's fields but seq, type and at, as JSON
   * on one line: a frame can be made of it as it is (lib/events/frames.ts). Else null.
   */
  data: string | null;
}

/**
 * listEventsAfter for the event stream's replay, read through the driver. Prisma's client parsed
 * each row's JSON in its result pipeline, a copy of a flood's output per page that outlived
 * scavenges there, and the stream then serialized the event again and flattened that to encode it
 * (docs/benchmarks.md §24). Here each row is checked as listEventsAfter checks it, and its text is
 * handed on only when it says nothing the checked event does not: a field the event's type does
 * not have, a key twice over, a line break (which would end the frame early) all mean null.
 */
export async function listStreamedEventsAfter(
  sessionId: string,
  after: number,
  limit: number,
): Promise<StreamedEvent[]> {
  const rows = await selectRows(
    { seq: "int", type: "string", data: "string", createdAt: "datetime" },
    sql`SELECT "seq", "type", "data", "createdAt" FROM "Event"
      WHERE "sessionId" = ${sessionId} AND "seq" > ${after} ORDER BY "seq" ASC LIMIT ${limit}`,
  );
  return rows.map(({ seq, type, data: text, createdAt }) => {
    const fields = parseJson(text);
    const event = parseStoredEvent({ type, data: fields, seq, at: createdAt.toISOString() });
    const usable = !/[\r\n]/.test(text) && sameFields(fields, event);
    return { event, data: usable ? text : null };
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // read as an event that could not be read
  }
}

const COLUMNS = new Set(["seq", "type", "at"]);

/** The stored fields are the event's own, all of them and no other (the columns' keys not among them). */
function sameFields(stored: unknown, event: SessionEvent): boolean {
  if (!isPlainObject(stored)) return false;
  const keys = Object.keys(stored);
  if (keys.length !== Object.keys(event).length - COLUMNS.size) return false;
  const fields = event as Record<string, unknown>;
  return keys.every(
    (key) => !COLUMNS.has(key) && Object.hasOwn(event, key) && sameJson(stored[key], fields[key]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b) || Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]))
  );
}

/** PostgreSQL only: a NOTIFY that is delivered to listeners once the current statement commits. */
export async function notifyChannel(channel: string, payload: string): Promise<void> {
  await db().$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
}
