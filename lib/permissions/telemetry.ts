import { type AskRow, listAsksSince } from "@/lib/db/queries/permission-asks";

/**
 * Asks counted per rule for the Telemetry page: how often each rule asked, how people answered, how
 * many timed out, and how long an answer took (the median over the asks a person answered). Pure
 * over the rows, so the counting is unit-tested; an ask left pending past its expiry (its instance
 * died while waiting) counts as timed out, as it would have ended.
 */
export interface AskStat {
  rule: string;
  tool: string;
  asked: number;
  allowed: number;
  /** Of `allowed`: answered "allow for this session". */
  allowedForSession: number;
  denied: number;
  timedOut: number;
  cancelled: number;
  pending: number;
  /** Median time from the ask to a person's answer; null when nobody answered one. */
  medianAnswerMs: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarizeAsks(rows: AskRow[], now: Date): AskStat[] {
  const groups = new Map<string, { stat: AskStat; waits: number[] }>();
  for (const row of rows) {
    let group = groups.get(row.rule);
    if (!group) {
      group = {
        stat: {
          rule: row.rule,
          tool: row.tool,
          asked: 0,
          allowed: 0,
          allowedForSession: 0,
          denied: 0,
          timedOut: 0,
          cancelled: 0,
          pending: 0,
          medianAnswerMs: null,
        },
        waits: [],
      };
      groups.set(row.rule, group);
    }
    const { stat, waits } = group;
    stat.asked++;
    const status = row.status === "pending" && row.expiresAt <= now ? "timed_out" : row.status;
    if (status === "allowed" || status === "allowed_session") stat.allowed++;
    if (status === "allowed_session") stat.allowedForSession++;
    if (status === "denied") stat.denied++;
    if (status === "timed_out") stat.timedOut++;
    if (status === "cancelled") stat.cancelled++;
    if (status === "pending") stat.pending++;
    if ((status === "allowed" || status === "allowed_session" || status === "denied") && row.answeredAt)
      waits.push(row.answeredAt.getTime() - row.createdAt.getTime());
  }
  return [...groups.values()]
    .map(({ stat, waits }) => ({ ...stat, medianAnswerMs: median(waits) }))
    .sort((a, b) => b.asked - a.asked || a.rule.localeCompare(b.rule));
}

export async function askStats(range: { since: Date; until: Date }, now = new Date()): Promise<AskStat[]> {
  const rows = await listAsksSince(range.since);
  return summarizeAsks(
    rows.filter((r) => r.createdAt <= range.until),
    now,
  );
}
