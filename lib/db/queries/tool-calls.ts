import { db } from "../client";

export interface ToolCallRecord {
  sessionId: string;
  turnId: string | null;
  callId: string;
  tool: string;
  /** "builtin", or the agent tool's version number. */
  toolVersion: string;
  inputSummary: string;
  ok: boolean;
  exitCode: number | null;
  errorClass: string | null;
  durationMs: number;
  outputBytes: number;
}

export function recordToolCall(record: ToolCallRecord) {
  return db().toolCall.create({ data: record });
}

export interface ToolStats {
  tool: string;
  calls: number;
  successes: number;
  failures: number;
  successRate: number;
  p50Ms: number;
  p95Ms: number;
  lastUsedAt: string | null;
}

interface ToolStatsRow {
  tool: string;
  calls: bigint | number;
  successes: bigint | number;
  p50: number | null;
  p95: number | null;
  last: Date | string | null;
}

/**
 * Per-tool aggregates; percentiles are computed in SQL with window functions so no rows leave the
 * database. The SQL runs on SQLite and PostgreSQL alike: quoted identifiers (PostgreSQL folds unquoted
 * ones to lower case), `CASE WHEN ok` (a boolean there, 0/1 here), and the time bound passed as a Date
 * so each adapter writes it in its column's format (ISO text in SQLite, timestamp in PostgreSQL).
 * MAX("createdAt") comes back as a Date from PostgreSQL and as ISO text from SQLite.
 */
export async function toolStats(since?: Date): Promise<ToolStats[]> {
  const rows = await db().$queryRaw<ToolStatsRow[]>`
    WITH ranked AS (
      SELECT "tool", "ok", "durationMs", "createdAt",
             ROW_NUMBER() OVER (PARTITION BY "tool" ORDER BY "durationMs") AS rn,
             COUNT(*) OVER (PARTITION BY "tool") AS n
      FROM "ToolCall" WHERE "createdAt" >= ${since ?? new Date(0)}
    )
    SELECT "tool",
           COUNT(*) AS calls,
           SUM(CASE WHEN "ok" THEN 1 ELSE 0 END) AS successes,
           MIN(CASE WHEN rn >= 0.5 * n THEN "durationMs" END) AS p50,
           MIN(CASE WHEN rn >= 0.95 * n THEN "durationMs" END) AS p95,
           MAX("createdAt") AS last
    FROM ranked GROUP BY "tool" ORDER BY calls DESC, "tool"`;
  return rows.map((r) => {
    const calls = Number(r.calls);
    const successes = Number(r.successes);
    return {
      tool: r.tool,
      calls,
      successes,
      failures: calls - successes,
      successRate: calls === 0 ? 0 : successes / calls,
      p50Ms: Number(r.p50 ?? 0),
      p95Ms: Number(r.p95 ?? 0),
      lastUsedAt: r.last === null ? null : new Date(r.last).toISOString(),
    };
  });
}
