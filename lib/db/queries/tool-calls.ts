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

/** Per-tool aggregates; percentiles are computed in SQL with window functions so no rows leave the database. */
export async function toolStats(since?: Date): Promise<ToolStats[]> {
  const sinceMs = since ? since.getTime() : 0;
  const rows = await db().$queryRawUnsafe<
    {
      tool: string;
      calls: bigint | number;
      successes: bigint | number;
      p50: number | null;
      p95: number | null;
      last: number | string | null;
    }[]
  >(
    `WITH ranked AS (
       SELECT tool, ok, durationMs, createdAt,
              ROW_NUMBER() OVER (PARTITION BY tool ORDER BY durationMs) AS rn,
              COUNT(*) OVER (PARTITION BY tool) AS n
       FROM ToolCall WHERE createdAt >= ?
     )
     SELECT tool,
            COUNT(*) AS calls,
            SUM(CASE WHEN ok THEN 1 ELSE 0 END) AS successes,
            MIN(CASE WHEN rn >= 0.5 * n THEN durationMs END) AS p50,
            MIN(CASE WHEN rn >= 0.95 * n THEN durationMs END) AS p95,
            MAX(createdAt) AS last
     FROM ranked GROUP BY tool ORDER BY calls DESC`,
    sinceMs,
  );
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
      lastUsedAt:
        r.last === null ? null : new Date(typeof r.last === "string" ? r.last : Number(r.last)).toISOString(),
    };
  });
}
