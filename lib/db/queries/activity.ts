import "server-only";
import { z } from "zod";
import { env } from "@/lib/env";
import { db } from "../client";
import { Prisma } from "../generated/sqlite/client";
import { epochOf } from "./telemetry";

const text = z.string();
const maybe = z.string().nullable();
const num = z.number();

/**
 * Each kind's fields: the columns read into `data`, named as in its table. They are the activity
 * stream's row shapes (lib/telemetry/activity.ts). SQLite stores booleans as 0/1.
 */
const DATA = {
  tool_call: z.object({
    tool: text,
    toolVersion: text,
    ok: z.union([z.boolean(), num]).transform(Boolean),
    errorClass: maybe,
    errorMessage: maybe,
    exitCode: num.nullable(),
    durationMs: num,
    inputSummary: text,
  }),
  model_step: z.object({
    model: text,
    step: num,
    inputTokens: num,
    outputTokens: num,
    costUsd: num,
    durationMs: num.nullable(),
  }),
  /** kind: suggested (its triggers matched) | loaded (the model loaded it). */
  skill_load: z.object({ skill: text, kind: text, trigger: maybe }),
  friction: z.object({ kind: text, detail: text, outcome: text, toolName: maybe }),
  learning: z.object({ type: text, source: text, description: text, context: maybe }),
  reflection: z.object({ status: text, trigger: text, summary: maybe, error: maybe, model: maybe }),
};

export type ActivityKind = keyof typeof DATA;
export type ActivityData = { [K in ActivityKind]: z.output<(typeof DATA)[K]> };

/** One row of the stream as stored: its kind's fields, where and when. */
export type StoredActivity = {
  [K in ActivityKind]: {
    id: string;
    /** ISO-8601, millisecond precision. */
    at: string;
    kind: K;
    sessionId: string | null;
    sessionTitle: string | null;
    turnId: string | null;
    data: ActivityData[K];
  };
}[ActivityKind];

/** A row's place in the stream: newest first, ties by kind then id, both descending. */
export interface ActivityKey {
  at: Date;
  kind: ActivityKind;
  id: string;
}

export interface ActivityQuery {
  since: Date;
  /** Exclusive. */
  until: Date;
  kinds: readonly ActivityKind[];
  sessionId?: string;
  /** Keyset cursor: rows strictly after this one in the stream's order. */
  before?: ActivityKey;
  limit: number;
}

const TABLES: Record<ActivityKind, { table: string; hasTurn: boolean }> = {
  tool_call: { table: "ToolCall", hasTurn: true },
  model_step: { table: "ModelStep", hasTurn: true },
  skill_load: { table: "SkillLoad", hasTurn: true },
  friction: { table: "Friction", hasTurn: true },
  learning: { table: "LearningEvent", hasTurn: false },
  reflection: { table: "Reflection", hasTurn: false },
};

const Entry = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("tool_call"), data: DATA.tool_call }),
  z.object({ kind: z.literal("model_step"), data: DATA.model_step }),
  z.object({ kind: z.literal("skill_load"), data: DATA.skill_load }),
  z.object({ kind: z.literal("friction"), data: DATA.friction }),
  z.object({ kind: z.literal("learning"), data: DATA.learning }),
  z.object({ kind: z.literal("reflection"), data: DATA.reflection }),
]);

interface RawRow {
  kind: string;
  id: string;
  at: Date | string;
  sessionId: string | null;
  turnId: string | null;
  sessionTitle: string | null;
  data: string;
}

/** The kind's fields as a JSON object (text), built in SQL so every branch of the UNION has one shape. */
function dataJson(kind: ActivityKind): Prisma.Sql {
  const args = Object.keys(DATA[kind].shape)
    .map((f) => `'${f}', "${f}"`)
    .join(", ");
  return Prisma.raw(
    env().databaseProvider === "postgresql"
      ? `CAST(json_build_object(${args}) AS TEXT)`
      : `json_object(${args})`,
  );
}

/**
 * One table's rows in the range after the cursor, as one upper bound on createdAt so the index
 * range stops at the cursor: the cursor's own kind continues below its id at the same time; kinds
 * after it in the order (smaller) include that time, kinds before it start just below it.
 */
function whereFor(kind: ActivityKind, query: ActivityQuery): Prisma.Sql {
  const where = [Prisma.sql`"createdAt" >= ${query.since}`];
  if (query.sessionId) where.push(Prisma.sql`"sessionId" = ${query.sessionId}`);
  const before = query.before;
  if (!before || before.at.getTime() >= query.until.getTime()) {
    where.push(Prisma.sql`"createdAt" < ${query.until}`);
  } else if (kind > before.kind) {
    where.push(Prisma.sql`"createdAt" < ${before.at}`);
  } else if (kind < before.kind) {
    where.push(Prisma.sql`"createdAt" <= ${before.at}`);
  } else {
    where.push(
      Prisma.sql`"createdAt" <= ${before.at}`,
      Prisma.sql`("createdAt" < ${before.at} OR "id" < ${before.id})`,
    );
  }
  return Prisma.join(where, " AND ");
}

function branch(kind: ActivityKind, query: ActivityQuery): Prisma.Sql {
  const { table, hasTurn } = TABLES[kind];
  return Prisma.sql`SELECT * FROM (
    SELECT ${Prisma.raw(`'${kind}'`)} AS "kind", "id", "createdAt" AS "at", "sessionId",
           ${Prisma.raw(hasTurn ? `"turnId"` : "CAST(NULL AS TEXT)")} AS "turnId", ${dataJson(kind)} AS "data"
      FROM ${Prisma.raw(`"${table}"`)}
     WHERE ${whereFor(kind, query)}
     ORDER BY "createdAt" DESC, "id" DESC
     LIMIT ${query.limit + 1}) ${Prisma.raw(`"${kind}"`)}`;
}

/**
 * Tool calls, model steps, skill loads, frictions, learning events and reflections as one stream,
 * in one statement: per kind the newest `limit + 1` rows on its createdAt index (its
 * (sessionId, createdAt) index with a session), merged and cut to `limit + 1`, then their sessions'
 * titles. `more` says whether rows remain after the last one returned.
 */
export async function listActivity(query: ActivityQuery): Promise<{ rows: StoredActivity[]; more: boolean }> {
  const kinds = [...new Set(query.kinds)];
  if (kinds.length === 0) return { rows: [], more: false };
  const merged = Prisma.join(
    kinds.map((kind) => branch(kind, query)),
    " UNION ALL ",
  );
  const raw = await db().$queryRaw<RawRow[]>`
    SELECT p.*, s."title" AS "sessionTitle"
      FROM (SELECT * FROM (${merged}) a ORDER BY a."at" DESC, a."kind" DESC, a."id" DESC LIMIT ${query.limit + 1}) p
      LEFT JOIN "Session" s ON s."id" = p."sessionId"
     ORDER BY p."at" DESC, p."kind" DESC, p."id" DESC`;
  const rows = raw.slice(0, query.limit).map(
    (r): StoredActivity => ({
      ...Entry.parse({ kind: r.kind, data: JSON.parse(r.data) }),
      id: r.id,
      at: new Date(epochOf(r.at) ?? 0).toISOString(),
      sessionId: r.sessionId,
      sessionTitle: r.sessionTitle,
      turnId: r.turnId,
    }),
  );
  return { rows, more: raw.length > query.limit };
}
