import { db, type Prisma } from "../client";
import type { Message, Part } from "../generated/sqlite/client";
import { parsePart, type StoredPart } from "../schemas/parts";
import { columns, parseStoredJson, type Shape, selectRows, sql } from "./driver-sql";
import { type Column, newRowId, type RowsWrite, writeRows } from "./insert-rows";

/** A part row with its JSON read. */
export interface PartRow extends Omit<Part, "data"> {
  data: StoredPart;
}

export interface MessageRow extends Message {
  /** In order; a part whose stored JSON is not a part is left out rather than breaking the transcript. */
  parts: PartRow[];
}

/** A part is JSON by construction: a tool call's `input` is the model's parsed JSON arguments. */
const json = (part: StoredPart) => part as unknown as Prisma.InputJsonValue;

export function createMessage(data: {
  sessionId: string;
  turnId?: string;
  role: "user" | "assistant";
  parts: StoredPart[];
}) {
  // without parts, one INSERT: a nested write (even of nothing) is a transaction and a read-back
  const parts = data.parts.length > 0 && {
    parts: { create: data.parts.map((p, idx) => ({ idx, type: p.type, data: json(p) })) },
  };
  return db().message.create({
    data: { sessionId: data.sessionId, turnId: data.turnId, role: data.role, ...parts },
  });
}

/**
 * A turn's row and the user's message that opens it, written together or not at all: one
 * transaction of INSERTs through the driver (lib/db/queries/driver-sql.ts), with the ids and the
 * defaults Prisma would have filled in made here. Prisma's nested create was five statements on
 * every turn start, then its `$transaction` of creates 2–3 ms of CPU in its client.
 */
export async function openTurnWithMessage(
  sessionId: string,
  parts: StoredPart[],
): Promise<{ turnId: string; messageId: string }> {
  const turnId = newRowId();
  const messageId = newRowId();
  const now = new Date();
  await writeRows(
    { table: "Turn", columns: TURN_COLUMNS, rows: [[turnId, sessionId, "running", 0, now]] },
    { table: "Message", columns: MESSAGE_COLUMNS, rows: [[messageId, sessionId, turnId, "user", now]] },
    ...partWrites(messageId, parts, now),
  );
  return { turnId, messageId };
}

/** A turn's answer, empty until its parts are saved (lib/agent/turn/transcript.ts); returns its id. */
export async function openAssistantMessage(sessionId: string, turnId: string): Promise<string> {
  const id = newRowId();
  await writeRows({
    table: "Message",
    columns: MESSAGE_COLUMNS,
    rows: [[id, sessionId, turnId, "assistant", new Date()]],
  });
  return id;
}

const TURN_COLUMNS: readonly Column[] = [
  ["id", "string"],
  ["sessionId", "string"],
  ["status", "string"],
  ["steps", "int"],
  ["startedAt", "datetime"],
];

const MESSAGE_COLUMNS: readonly Column[] = [
  ["id", "string"],
  ["sessionId", "string"],
  ["turnId", "string"],
  ["role", "string"],
  ["createdAt", "datetime"],
];

function partWrites(messageId: string, parts: readonly StoredPart[], now: Date): RowsWrite[] {
  if (parts.length === 0) return [];
  const rows = parts.map((p, idx) => [newRowId(), messageId, idx, p.type, JSON.stringify(p), now, now]);
  return [{ table: "Part", columns: PART_COLUMNS, rows }];
}

const PART_COLUMNS: readonly Column[] = [
  ["id", "string"],
  ["messageId", "string"],
  ["idx", "int"],
  ["type", "string"],
  ["data", "string"],
  ["createdAt", "datetime"],
  ["updatedAt", "datetime"],
];

/**
 * Writes (or rewrites) one part of a message at a position. One statement through the driver: a
 * tool part carries up to 1 MiB of a command's output, which Prisma's upsert (a transaction of a
 * read and a write) would copy several times over and keep in its debug history.
 */
export async function upsertPart(messageId: string, idx: number, part: StoredPart): Promise<void> {
  const now = new Date();
  await writeRows({
    table: "Part",
    columns: PART_COLUMNS,
    rows: [[newRowId(), messageId, idx, part.type, JSON.stringify(part), now, now]],
    onConflict: { key: ["messageId", "idx"], update: ["type", "data", "updatedAt"] },
  });
}

function readParts(rows: Part[]): PartRow[] {
  return rows.flatMap((row) => {
    const data = parsePart(row.data);
    return data ? [{ ...row, data }] : [];
  });
}

const MESSAGE_ROW = {
  id: "string",
  sessionId: "string",
  turnId: "string?",
  role: "string",
  createdAt: "datetime",
  supersededAt: "datetime?",
} as const satisfies Shape;

const PART_ROW = {
  id: "string",
  messageId: "string",
  idx: "int",
  type: "string",
  data: "string",
  createdAt: "datetime",
  updatedAt: "datetime",
} as const satisfies Shape;

/**
 * The conversation: messages a person edited and resent or retried (and what followed) left out.
 * Read on every turn start, through the driver: the messages in the order Prisma's `findMany`
 * read them (by time; SQLite's index keeps equal times in the order written), then their parts.
 */
export async function listMessages(sessionId: string): Promise<MessageRow[]> {
  const live = sql`"sessionId" = ${sessionId} AND "supersededAt" IS NULL`;
  const [messages, parts] = await Promise.all([
    selectRows(
      MESSAGE_ROW,
      sql`SELECT ${columns(MESSAGE_ROW)} FROM "Message" WHERE ${live} ORDER BY "createdAt"`,
    ),
    selectRows(
      PART_ROW,
      sql`SELECT ${columns(PART_ROW)} FROM "Part"
        WHERE "messageId" IN (SELECT "id" FROM "Message" WHERE ${live}) ORDER BY "messageId", "idx"`,
    ),
  ]);
  const byMessage = new Map<string, PartRow[]>();
  for (const row of parts) {
    const data = parsePart(parseStoredJson(row.data));
    if (!data) continue;
    const list = byMessage.get(row.messageId);
    if (list) list.push({ ...row, data });
    else byMessage.set(row.messageId, [{ ...row, data }]);
  }
  return messages.map((m) => ({ ...m, parts: byMessage.get(m.id) ?? [] }));
}

/** When the session's newest message was written (null without messages). */
export async function lastMessageAt(sessionId: string): Promise<Date | null> {
  const last = await db().message.findFirst({
    where: { sessionId },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  return last?.createdAt ?? null;
}

/** The last few parts of the newest assistant message that has any, newest first. */
export async function lastAssistantParts(sessionId: string, take: number): Promise<StoredPart[]> {
  const message = await db().message.findFirst({
    where: { sessionId, role: "assistant", parts: { some: {} } },
    orderBy: { createdAt: "desc" },
    include: { parts: { orderBy: { idx: "desc" }, take } },
  });
  return readParts(message?.parts ?? []).map((p) => p.data);
}

/** Tool parts a dead server left "running" become errors, so the transcript says what happened. */
export async function failRunningToolParts(sessionId: string, reason: string): Promise<void> {
  const rows = await db().part.findMany({ where: { type: "tool", message: { sessionId } } });
  for (const row of rows) {
    const part = parsePart(row.data);
    if (part?.type === "tool" && part.state === "running") {
      await upsertPart(row.messageId, row.idx, { ...part, state: "error", output: reason });
    }
  }
}

/**
 * Leaves `messageId` and every later message of its session out of the conversation (kept, marked
 * superseded): a person edits and resends, or retries, that message. Returns how many were marked.
 */
export async function supersedeFrom(sessionId: string, messageId: string): Promise<number> {
  const from = await db().message.findFirst({
    where: { id: messageId, sessionId, supersededAt: null },
    select: { createdAt: true },
  });
  if (!from) return 0;
  const result = await db().message.updateMany({
    where: { sessionId, supersededAt: null, createdAt: { gte: from.createdAt } },
    data: { supersededAt: new Date() },
  });
  return result.count;
}

/** The newest message of the conversation a person wrote, or null. */
export function lastUserMessage(sessionId: string) {
  return db().message.findFirst({
    where: { sessionId, role: "user", supersededAt: null },
    orderBy: { createdAt: "desc" },
    include: { parts: { orderBy: { idx: "asc" } } },
  });
}

/**
 * Copies the conversation of `fromSession` up to and including `upToMessageId` into `toSession`,
 * in one transaction (a fork). Returns how many messages were copied; 0 when the message is not
 * in the conversation.
 */
export async function copyMessagesUpTo(
  fromSession: string,
  toSession: string,
  upToMessageId: string,
): Promise<number> {
  const last = await db().message.findFirst({
    where: { id: upToMessageId, sessionId: fromSession, supersededAt: null },
    select: { createdAt: true },
  });
  if (!last) return 0;
  const rows = await db().message.findMany({
    where: { sessionId: fromSession, supersededAt: null, createdAt: { lte: last.createdAt } },
    orderBy: { createdAt: "asc" },
    include: { parts: { orderBy: { idx: "asc" } } },
  });
  await db().$transaction(
    rows.map((m) =>
      db().message.create({
        data: {
          sessionId: toSession,
          role: m.role,
          createdAt: m.createdAt,
          parts: {
            create: m.parts.map((p) => ({ idx: p.idx, type: p.type, data: p.data as Prisma.InputJsonValue })),
          },
        },
      }),
    ),
  );
  return rows.length;
}

/** The text the user wrote in the session's last `take` messages, newest first. */
export async function recentUserTexts(sessionId: string, take: number): Promise<string[]> {
  const rows = await db().message.findMany({
    where: { sessionId, role: "user", supersededAt: null },
    orderBy: { createdAt: "desc" },
    take,
    include: { parts: { where: { type: "text" }, orderBy: { idx: "asc" } } },
  });
  return rows.map((m) =>
    readParts(m.parts)
      .map((p) => (p.data.type === "text" ? p.data.text : ""))
      .join("\n"),
  );
}
