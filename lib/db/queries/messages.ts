import { db, type Prisma } from "../client";
import type { Message, Part } from "../generated/sqlite/client";
import { parsePart, type StoredPart } from "../schemas/parts";
import { type Column, newRowId, writeRows } from "./insert-rows";

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
 * A turn's row and the user's message that opens it, written together or not at all. The ids are
 * made here, so one transaction of plain INSERTs does it (BEGIN, one per row, COMMIT) where the
 * turn's INSERT and a nested create (INSERT, INSERT, a SELECT to read it back, COMMIT) were five
 * statements on every turn start.
 */
export async function openTurnWithMessage(
  sessionId: string,
  parts: StoredPart[],
): Promise<{ turnId: string; messageId: string }> {
  const turnId = newRowId();
  const messageId = newRowId();
  const select = { id: true } as const;
  await db().$transaction([
    db().turn.create({ data: { id: turnId, sessionId }, select }),
    db().message.create({ data: { id: messageId, sessionId, turnId, role: "user" }, select }),
    ...parts.map((p, idx) =>
      db().part.create({ data: { messageId, idx, type: p.type, data: json(p) }, select }),
    ),
  ]);
  return { turnId, messageId };
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

/** The conversation: messages a person edited and resent or retried (and what followed) left out. */
export async function listMessages(sessionId: string): Promise<MessageRow[]> {
  const rows = await db().message.findMany({
    where: { sessionId, supersededAt: null },
    orderBy: { createdAt: "asc" },
    include: { parts: { orderBy: { idx: "asc" } } },
  });
  return rows.map((m) => ({ ...m, parts: readParts(m.parts) }));
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
