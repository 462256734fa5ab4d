import "server-only";
import { env } from "@/lib/env";
import { db } from "../client";
import { Prisma } from "../generated/sqlite/client";
import { columns, fromPrisma, type Shape, selectRows, sql } from "./driver-sql";
import type { ToolCallRecord } from "./tool-calls";

/**
 * Telemetry aggregates in raw SQL that runs on SQLite and PostgreSQL alike: quoted identifiers,
 * `CASE WHEN "ok"` (boolean there, 0/1 here), times passed as Date parameters, typed NULLs in UNIONs
 * (PostgreSQL needs every branch's column types to agree), counts read back as bigint or number.
 */

type Num = number | bigint | null;
const num = (v: Num | string | undefined): number => (v === null || v === undefined ? 0 : Number(v));

/** A time column as epoch ms: PostgreSQL returns Date, SQLite ISO text. */
export function epochOf(value: Date | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** lib/telemetry/histogram.ts's bucketOf, in SQL: exact below 256 ms, then 32 buckets per doubling. */
const BUCKET_SQL = Prisma.raw(
  `CASE WHEN "durationMs" < 256 THEN "durationMs" ELSE FLOOR(LN(CAST("durationMs" AS DOUBLE PRECISION)) * 46.16624130844683) END`,
);

function dayOf(column: string): Prisma.Sql {
  return env().databaseProvider === "postgresql"
    ? Prisma.raw(`to_char(${column}, 'YYYY-MM-DD')`)
    : Prisma.raw(`substr(${column}, 1, 10)`);
}

export interface SegmentRow {
  k: "g" | "h" | "c" | "r";
  a: string | null;
  b: string | null;
  c: string | null;
  x: Num;
  n: Num;
  m: Num;
  t: Date | string | null;
}

/**
 * Everything the telemetry rollups need from the calls in [since, until), in one statement whose four
 * branches are each an index-only range scan of ToolCall(createdAt, tool, toolVersion, ok, errorClass,
 * durationMs, commandKey):
 *   g: calls, successes and last use per tool, version and error class
 *   h: the duration histogram per tool and version (bucket, count, largest duration)
 *   c: run_command calls and failures per normalized command
 *   r: the same for rows recorded before commands were normalized (grouped by raw input)
 */
/**
 * A table pinned to one of its indexes on SQLite. With ANALYZE statistics its planner prefers a
 * skip-scan of an index led by a column with few values (ToolCall's tool, SkillLoad's skill) and
 * then reads every row; the covering index led by the time is far cheaper. PostgreSQL picks it itself.
 */
function pinned(table: string, index: string): Prisma.Sql {
  return Prisma.raw(env().databaseProvider === "sqlite" ? `"${table}" INDEXED BY "${index}"` : `"${table}"`);
}

const SEGMENT_ROW = {
  k: "string",
  a: "string?",
  b: "string?",
  c: "string?",
  x: "float?",
  n: "float?",
  m: "float?",
  t: "string?",
} as const satisfies Shape;

/** Through the driver, as the telemetry page's other reads (docs/benchmarks.md §23). */
export async function segmentRows(since: Date, until: Date): Promise<SegmentRow[]> {
  const ToolCall = pinned("ToolCall", "ToolCall_rollup_idx");
  const rows = await selectRows(
    SEGMENT_ROW,
    fromPrisma(Prisma.sql`
    SELECT 'g' AS k, "tool" AS a, "toolVersion" AS b, "errorClass" AS c,
           SUM(CASE WHEN "ok" THEN 1 ELSE 0 END) AS x, COUNT(*) AS n, CAST(NULL AS INTEGER) AS m,
           MAX("createdAt") AS t
      FROM ${ToolCall} WHERE "createdAt" >= ${since} AND "createdAt" < ${until}
      GROUP BY "tool", "toolVersion", "errorClass"
    UNION ALL
    SELECT 'h', "tool", "toolVersion", CAST(NULL AS TEXT), ${BUCKET_SQL}, COUNT(*), MAX("durationMs"),
           CAST(NULL AS TIMESTAMP)
      FROM ${ToolCall} WHERE "createdAt" >= ${since} AND "createdAt" < ${until}
      GROUP BY "tool", "toolVersion", ${BUCKET_SQL}
    UNION ALL
    SELECT 'c', "commandKey", CAST(NULL AS TEXT), CAST(NULL AS TEXT),
           SUM(CASE WHEN "errorClass" IS NULL THEN 0 ELSE 1 END), COUNT(*), CAST(NULL AS INTEGER),
           CAST(NULL AS TIMESTAMP)
      FROM ${ToolCall} WHERE "createdAt" >= ${since} AND "createdAt" < ${until}
        AND "tool" = 'run_command' AND "commandKey" IS NOT NULL
      GROUP BY "commandKey"
    UNION ALL
    SELECT 'r', "inputSummary", CAST(NULL AS TEXT), CAST(NULL AS TEXT),
           SUM(CASE WHEN "errorClass" IS NULL THEN 0 ELSE 1 END), COUNT(*), CAST(NULL AS INTEGER),
           CAST(NULL AS TIMESTAMP)
      FROM ${ToolCall} WHERE "createdAt" >= ${since} AND "createdAt" < ${until}
        AND "tool" = 'run_command' AND "commandKey" IS NULL
      GROUP BY "inputSummary"`),
  );
  return rows.map((row) => ({ ...row, k: row.k as SegmentRow["k"] }));
}

/** The first call at or after `from` (an index seek), to skip days without calls. */
export async function nextCallAt(from: Date): Promise<number | null> {
  const rows = await selectRows(
    { t: "string?" },
    sql`SELECT MIN("createdAt") AS t FROM "ToolCall" WHERE "createdAt" >= ${from}`,
  );
  return epochOf(rows[0]?.t);
}

/** The first tool call or model step at or after `from` (epoch ms): the next day a rollup holds anything. */
export async function nextActivityAt(from: Date): Promise<number | null> {
  const rows = await selectRows(
    { t: "string?" },
    sql`SELECT MIN("createdAt") AS t FROM "ToolCall" WHERE "createdAt" >= ${from}
    UNION ALL
    SELECT MIN("createdAt") FROM "ModelStep" WHERE "createdAt" >= ${from}`,
  );
  const times = rows.map((r) => epochOf(r.t)).filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

/** Model steps of a segment by tier and model (the tier is null for steps taken without tiers). */
export interface ModelStepGroup {
  tier: string | null;
  model: string;
  steps: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export async function modelStepSegment(since: Date, until: Date): Promise<ModelStepGroup[]> {
  const rows = await selectRows(
    { tier: "string?", model: "string", n: "float", i: "float?", o: "float?", c: "float?" },
    sql`SELECT "tier", "model", COUNT(*) AS n, SUM("inputTokens") AS i, SUM("outputTokens") AS o, SUM("costUsd") AS c
      FROM "ModelStep" WHERE "createdAt" >= ${since} AND "createdAt" < ${until}
     GROUP BY "tier", "model"`,
  );
  // ordered here: the providers sort NULL differently, and a stored day must equal a live one
  const key = (r: { tier: string | null; model: string }) => `${r.tier ?? ""}\u0000${r.model}`;
  return rows
    .map((r) => ({
      tier: r.tier,
      model: r.model,
      steps: num(r.n),
      inputTokens: num(r.i),
      outputTokens: num(r.o),
      costUsd: num(r.c),
    }))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export interface RecentSessions {
  count: number;
  /** When the oldest of them started (epoch ms). */
  oldest: number | null;
  tools: Set<string>;
}

/** Epoch milliseconds of a time expression, in SQL, as a double on both providers. */
function epochMs(expression: string): Prisma.Sql {
  return env().databaseProvider === "postgresql"
    ? Prisma.raw(`(EXTRACT(EPOCH FROM ${expression}) * 1000)`)
    : Prisma.raw(`((julianday(${expression}) - 2440587.5) * 86400000.0)`);
}

function recentSessionsSql(sessions: number, before: Date): Prisma.Sql {
  return Prisma.sql`SELECT "id", "createdAt" FROM "Session" WHERE "kind" = 'agent' AND "createdAt" < ${before}
                     ORDER BY "createdAt" DESC LIMIT ${sessions}`;
}

/** Tools called in the most recent `sessions` agent sessions started before `before`, and when the oldest of those began. */
export async function toolsOfRecentSessions(
  sessions: number,
  before: Date = new Date(),
): Promise<RecentSessions> {
  const rows = await db().$queryRaw<{ k: string; a: string | null; n: Num; y: Num }[]>`
    SELECT 'ru' AS k, tc."tool" AS a, CAST(NULL AS BIGINT) AS n, CAST(NULL AS DOUBLE PRECISION) AS y
      FROM "ToolCall" tc WHERE tc."sessionId" IN (SELECT rs."id" FROM (${recentSessionsSql(sessions, before)}) rs)
     GROUP BY tc."tool"
    UNION ALL
    SELECT 'rs', CAST(NULL AS TEXT), COUNT(*), MIN(${epochMs(`rs."createdAt"`)})
      FROM (${recentSessionsSql(sessions, before)}) rs`;
  return recentFrom(rows);
}

function recentFrom(rows: readonly { k: string; a: string | null; n: Num; y: Num }[]): RecentSessions {
  const summary = rows.find((r) => r.k === "rs");
  const count = num(summary?.n);
  return {
    count,
    oldest: count && summary?.y !== null && summary?.y !== undefined ? Math.round(Number(summary.y)) : null,
    tools: new Set(rows.flatMap((r) => (r.k === "ru" && r.a ? [r.a] : []))),
  };
}

const VERSION_ROW = {
  id: "string",
  name: "string",
  version: "int",
  status: "string",
  origin: "string",
  parentId: "string?",
  createdAt: "datetime",
} as const satisfies Shape;

export function listToolVersionsForTelemetry() {
  return selectRows(
    VERSION_ROW,
    sql`SELECT ${columns(VERSION_ROW)} FROM "ToolVersion" ORDER BY "name", "version"`,
  );
}

// ------------------------------------------------------------------------------------------------
// The learning loop and spend: small tables, aggregated per request.

export interface LearningRows {
  learningByDay: { day: string; source: string; n: number }[];
  learningUse: { total: number; used: number; uses: number };
  sessions: { day: string; sessions: number; inputTokens: number; outputTokens: number; costUsd: number }[];
  completedTurns: { day: string; n: number }[];
  reflections: { eligible: number; reflected: number; failed: number };
  frictions: { outcome: string; kind: string; n: number }[];
  skills: { skill: string; kind: string; n: number }[];
  workingMemory: { version: number; createdAt: Date; content: string } | null;
  recent: RecentSessions;
}

/** The learning statement's columns: every branch fills the ones it needs, NULL the rest. */
const SMALL_ROW = {
  k: "string",
  d: "string?",
  a: "string?",
  b: "string?",
  n: "float?",
  x: "float?",
  z: "float?",
  y: "float?",
} as const satisfies Shape;

interface SmallRow {
  k: string;
  d: string | null;
  a: string | null;
  b: string | null;
  n: Num;
  x: Num;
  z: Num;
  y: Num;
}

/** A time parameter where nothing else types it (a VALUES list): PostgreSQL would read it as text. */
function time(at: Date): Prisma.Sql {
  return env().databaseProvider === "postgresql"
    ? Prisma.sql`CAST(${at} AS TIMESTAMP(3))`
    : Prisma.sql`${at}`;
}

/** Above this many days in a range, completed turns and learning events are grouped by day instead of counted per day. */
const MAX_COUNTED_DAYS = 400;

/**
 * Each UTC day of [since, until) (the first and last ones partial) as a VALUES row (day, from, to),
 * or null for a range of more days than MAX_COUNTED_DAYS (all time).
 */
function daysSql(since: Date, until: Date): Prisma.Sql | null {
  const rows: Prisma.Sql[] = [];
  let from = Math.max(0, since.getTime());
  while (from < until.getTime()) {
    if (rows.length >= MAX_COUNTED_DAYS) return null;
    const to = Math.min(until.getTime(), Math.floor(from / 86_400_000) * 86_400_000 + 86_400_000);
    rows.push(
      Prisma.sql`(${new Date(from).toISOString().slice(0, 10)}, ${time(new Date(from))}, ${time(new Date(to))})`,
    );
    from = to;
  }
  return rows.length ? Prisma.join(rows) : null;
}

/**
 * A CTE `${name}a(a)`: the distinct values of column a, walked through an index led by it, one
 * MIN() seek per value (a loose index scan: it costs the number of values, not of rows; the last
 * row is NULL). Counting a range per value from the same index then replaces a GROUP BY, which
 * sorted every row of the range first (skill loads at 10M calls: 27–53 ms of CPU for 69,000 rows,
 * ≈ 5 ms this way; docs/benchmarks.md §20).
 */
function valuesSql(name: string, table: Prisma.Sql, a: string): Prisma.Sql {
  const ca = Prisma.raw(`${name}a`);
  const qa = Prisma.raw(`"${a}"`);
  return Prisma.sql`${ca}(a) AS (
      SELECT MIN(${qa}) FROM ${table}
      UNION ALL
      SELECT (SELECT MIN(${qa}) FROM ${table} WHERE ${qa} > ${ca}.a) FROM ${ca} WHERE ${ca}.a IS NOT NULL)`;
}

/** valuesSql, and a CTE `${name}p(a, b)`: each a's distinct values of b, through an index led by (a, b). */
function pairsSql(name: string, table: Prisma.Sql, a: string, b: string): Prisma.Sql {
  const [ca, cp] = [Prisma.raw(`${name}a`), Prisma.raw(`${name}p`)];
  const [qa, qb] = [Prisma.raw(`"${a}"`), Prisma.raw(`"${b}"`)];
  return Prisma.sql`${valuesSql(name, table, a)},
    ${cp}(a, b) AS (
      SELECT ${ca}.a, (SELECT MIN(${qb}) FROM ${table} WHERE ${qa} = ${ca}.a) FROM ${ca} WHERE ${ca}.a IS NOT NULL
      UNION ALL
      SELECT ${cp}.a, (SELECT MIN(${qb}) FROM ${table} WHERE ${qa} = ${cp}.a AND ${qb} > ${cp}.b)
        FROM ${cp} WHERE ${cp}.b IS NOT NULL)`;
}

/**
 * The learning loop, spend and the last sessions' tools, in one statement (one round trip): these
 * tables are small, so they are aggregated per request. Each branch reads an index range of the
 * time range's rows (at 10M calls the statement cost ≈ 100 ms of CPU when the day, skill and friction
 * groups were sorted; completed turns and learning events are now counted per day, skill loads and
 * frictions per pair, with index seeks; reflection coverage finds a session's assistant message in
 * Message(sessionId, role, id) alone). Branches:
 *   le learning events per day and source · lu learning events used in prompts (all time)
 *   se sessions, tokens and cost per day · tu completed turns per day · re reflection coverage
 *   fr frictions by outcome and kind · sk skill loads by skill and kind · wm the newest working memory
 *   ru/rs the tools of the last `recentSessions` sessions, how many there are and when the oldest began
 */
export async function learningRows(
  since: Date,
  until: Date,
  recentSessions: number,
  recentBefore: Date = until,
): Promise<LearningRows> {
  const text = Prisma.raw("CAST(NULL AS TEXT)");
  const big = Prisma.raw("CAST(NULL AS BIGINT)");
  const dbl = Prisma.raw("CAST(NULL AS DOUBLE PRECISION)");
  const skills = pinned("SkillLoad", "SkillLoad_skill_kind_createdAt_idx");
  const frictions = pinned("Friction", "Friction_outcome_kind_createdAt_idx");
  const events = pinned("LearningEvent", "LearningEvent_source_createdAt_idx");
  const days = daysSql(since, until);
  const learned = days
    ? Prisma.sql`SELECT 'le' AS k, tud.d AS d, lea.a AS a, ${text} AS b,
           (SELECT COUNT(*) FROM ${events} WHERE "source" = lea.a AND "createdAt" >= tud.f AND "createdAt" < tud.t) AS n,
           ${big} AS x, ${big} AS z, ${dbl} AS y
      FROM tud, lea WHERE lea.a IS NOT NULL`
    : Prisma.sql`SELECT 'le' AS k, ${dayOf(`"createdAt"`)} AS d, "source" AS a, ${text} AS b, COUNT(*) AS n,
           ${big} AS x, ${big} AS z, ${dbl} AS y
      FROM "LearningEvent" WHERE "createdAt" >= ${since} AND "createdAt" < ${until}
     GROUP BY ${dayOf(`"createdAt"`)}, "source"`;
  const turns = days
    ? Prisma.sql`SELECT 'tu', tud.d, ${text}, ${text},
           (SELECT COUNT(*) FROM "Turn" WHERE "status" = 'completed' AND "startedAt" >= tud.f AND "startedAt" < tud.t),
           ${big}, ${big}, ${dbl}
      FROM tud`
    : Prisma.sql`SELECT 'tu', ${dayOf(`"startedAt"`)}, ${text}, ${text}, COUNT(*), ${big}, ${big}, ${dbl}
      FROM "Turn" WHERE "status" = 'completed' AND "startedAt" >= ${since} AND "startedAt" < ${until}
     GROUP BY ${dayOf(`"startedAt"`)}`;
  // through the driver (docs/benchmarks.md §23): a start's first render waits for it
  const rows: SmallRow[] = await selectRows(
    SMALL_ROW,
    fromPrisma(Prisma.sql`
    WITH RECURSIVE ${pairsSql("sk", skills, "skill", "kind")}, ${pairsSql("fr", frictions, "outcome", "kind")}
    ${days ? Prisma.sql`, tud(d, f, t) AS (VALUES ${days}), ${valuesSql("le", events, "source")}` : Prisma.empty}
    ${learned}
    UNION ALL
    SELECT 'lu', ${text}, ${text}, ${text}, COUNT(*), SUM(CASE WHEN "usedCount" > 0 THEN 1 ELSE 0 END),
           SUM("usedCount"), ${dbl}
      FROM ${pinned("LearningEvent", "LearningEvent_usedCount_idx")}
    UNION ALL
    SELECT 'se', ${dayOf(`"createdAt"`)}, ${text}, ${text}, COUNT(*), SUM("inputTokens"), SUM("outputTokens"),
           SUM("costUsd")
      FROM "Session" WHERE "kind" = 'agent' AND "createdAt" >= ${since} AND "createdAt" < ${until}
     GROUP BY ${dayOf(`"createdAt"`)}
    UNION ALL
    ${turns}
    UNION ALL
    SELECT 're', ${text}, ${text}, ${text}, COUNT(*),
           SUM(CASE WHEN r."status" IN ('success', 'empty') THEN 1 ELSE 0 END),
           SUM(CASE WHEN r."status" = 'error' THEN 1 ELSE 0 END), ${dbl}
      FROM "Session" s LEFT JOIN "Reflection" r ON r."sessionId" = s."id"
     WHERE s."kind" = 'agent' AND s."createdAt" >= ${since} AND s."createdAt" < ${until}
       AND (s."status" IN ('ended', 'interrupted') OR r."id" IS NOT NULL)
       AND EXISTS (SELECT 1 FROM "Message" m WHERE m."sessionId" = s."id" AND m."role" = 'assistant'
                     AND EXISTS (SELECT 1 FROM "Part" p WHERE p."messageId" = m."id"))
    UNION ALL
    SELECT 'fr', ${text}, p.a, p.b,
           (SELECT COUNT(*) FROM ${frictions} WHERE "outcome" = p.a AND "kind" = p.b
               AND "createdAt" >= ${since} AND "createdAt" < ${until}), ${big}, ${big}, ${dbl}
      FROM frp p WHERE p.b IS NOT NULL
    UNION ALL
    SELECT 'sk', ${text}, p.a, p.b,
           (SELECT COUNT(*) FROM ${skills} WHERE "skill" = p.a AND "kind" = p.b
               AND "createdAt" >= ${since} AND "createdAt" < ${until}), ${big}, ${big}, ${dbl}
      FROM skp p WHERE p.b IS NOT NULL
    UNION ALL
    SELECT * FROM (
      SELECT 'wm', ${text}, "content", ${text}, CAST("version" AS BIGINT), ${big}, ${big}, ${epochMs(`"createdAt"`)}
        FROM "WorkingMemory" ORDER BY "version" DESC LIMIT 1) wm
    UNION ALL
    SELECT 'ru', ${text}, tc."tool", ${text}, ${big}, ${big}, ${big}, ${dbl}
      FROM "ToolCall" tc WHERE tc."sessionId" IN (SELECT rs."id" FROM (${recentSessionsSql(recentSessions, recentBefore)}) rs)
     GROUP BY tc."tool"
    UNION ALL
    SELECT 'rs', ${text}, ${text}, ${text}, COUNT(*), ${big}, ${big}, MIN(${epochMs(`rs."createdAt"`)})
      FROM (${recentSessionsSql(recentSessions, recentBefore)}) rs`),
  );
  // a day, pair or group without rows in the range is counted as 0 now: left out, as GROUP BY did
  const counted = new Set(["le", "tu", "fr", "sk"]);
  const of = (k: string) => rows.filter((r) => r.k === k && (!counted.has(k) || num(r.n) > 0));
  const use = of("lu")[0];
  const reflections = of("re")[0];
  const memory = of("wm")[0];
  return {
    learningByDay: of("le").map((r) => ({ day: r.d ?? "", source: r.a ?? "", n: num(r.n) })),
    learningUse: { total: num(use?.n), used: num(use?.x), uses: num(use?.z) },
    sessions: of("se").map((r) => ({
      day: r.d ?? "",
      sessions: num(r.n),
      inputTokens: num(r.x),
      outputTokens: num(r.z),
      costUsd: num(r.y),
    })),
    completedTurns: of("tu").map((r) => ({ day: r.d ?? "", n: num(r.n) })),
    reflections: {
      eligible: num(reflections?.n),
      reflected: num(reflections?.x),
      failed: num(reflections?.z),
    },
    frictions: of("fr").map((r) => ({ outcome: r.a ?? "", kind: r.b ?? "", n: num(r.n) })),
    skills: of("sk").map((r) => ({ skill: r.a ?? "", kind: r.b ?? "", n: num(r.n) })),
    workingMemory: memory
      ? { version: num(memory.n), createdAt: new Date(Math.round(num(memory.y))), content: memory.a ?? "" }
      : null,
    recent: recentFrom(rows),
  };
}

// ------------------------------------------------------------------------------------------------
// Drill-down and export: individual calls.

/** A recorded call as it is read back: the drill-down, the export, a tool version's detail. */
export interface CallRow extends ToolCallRecord {
  id: string;
  errorMessage: string | null;
  commandKey: string | null;
  createdAt: string;
  /** Tokens (in + out) of the model step the call belonged to, when recorded. */
  stepTokens: number | null;
}

export interface CallQuery {
  since: Date;
  until: Date;
  tool?: string;
  failedOnly?: boolean;
  command?: string;
  /** Keyset cursor: calls strictly older than this (createdAt, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

interface RawCallRow
  extends Omit<CallRow, "ok" | "createdAt" | "stepTokens" | "exitCode" | "durationMs" | "outputBytes"> {
  ok: boolean | number;
  exitCode: Num;
  durationMs: Num;
  outputBytes: Num;
  createdAt: Date | string;
  stepTokens: Num;
}

/**
 * Calls newest first. Uses ToolCall(tool, createdAt, errorClass) for one tool (failures are
 * filtered in the index) and the createdAt-led index otherwise. The step's tokens come from the
 * first ModelStep of the turn recorded at or after the call (finish-step follows the tool results).
 */
export async function listCalls(query: CallQuery): Promise<CallRow[]> {
  const where: Prisma.Sql[] = [
    Prisma.sql`tc."createdAt" >= ${query.since}`,
    Prisma.sql`tc."createdAt" < ${query.until}`,
  ];
  if (query.tool) where.push(Prisma.sql`tc."tool" = ${query.tool}`);
  if (query.failedOnly) where.push(Prisma.sql`tc."errorClass" IS NOT NULL`);
  if (query.command) where.push(Prisma.sql`tc."commandKey" = ${query.command}`);
  if (query.before) {
    where.push(
      Prisma.sql`(tc."createdAt" < ${query.before.createdAt} OR (tc."createdAt" = ${query.before.createdAt} AND tc."id" < ${query.before.id}))`,
    );
  }
  const rows = await db().$queryRaw<RawCallRow[]>`
    SELECT tc."id", tc."sessionId", tc."turnId", tc."callId", tc."tool", tc."toolVersion", tc."inputSummary",
           tc."ok", tc."exitCode", tc."errorClass", tc."errorMessage", tc."durationMs", tc."outputBytes", tc."commandKey",
           tc."createdAt",
           (SELECT ms."inputTokens" + ms."outputTokens" FROM "ModelStep" ms
             WHERE ms."turnId" = tc."turnId" AND ms."createdAt" >= tc."createdAt"
             ORDER BY ms."createdAt" LIMIT 1) AS "stepTokens"
      FROM "ToolCall" tc
     WHERE ${Prisma.join(where, " AND ")}
     ORDER BY tc."createdAt" DESC, tc."id" DESC
     LIMIT ${query.limit}`;
  return rows.map((r) => ({
    ...r,
    ok: Boolean(r.ok),
    exitCode: r.exitCode === null ? null : Number(r.exitCode),
    durationMs: num(r.durationMs),
    outputBytes: r.outputBytes === null ? null : Number(r.outputBytes),
    createdAt: new Date(epochOf(r.createdAt) ?? 0).toISOString(),
    stepTokens: r.stepTokens === null ? null : Number(r.stepTokens),
  }));
}
