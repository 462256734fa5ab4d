import "server-only";
import { nextCallAt, segmentRows } from "@/lib/db/queries/telemetry";
import { keyedMemo } from "@/lib/memo";
import { DAY_MS, dayKey, startOfUtcDay } from "./range";
import { type Rollup, rollupFromRows } from "./rollup";

/**
 * Rollups per UTC day. Tool calls are written once, stamped with the time they finished, so a day
 * that ended (plus a grace period for writes still in a batch) never changes: its rollup is computed
 * once per process and kept. Today, and any partial day at the edges of a range, are read live: for a
 * 90-day range that is one small index range scan instead of a million rows.
 *
 * Rows written with past timestamps by something else (a seeding script into a running server's
 * database) are only seen after resetTelemetryCache() or a restart.
 */
const GRACE_MS = 5 * 60_000;
/** Empty days are remembered as empty only inside a gap this short (not the decades before the first call). */
const MAX_EMPTY_RUN = 400;
/** Upper clamp: ISO-8601 text past year 9999 no longer sorts as text (SQLite compares times as text). */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Closed days by their start (ms): kept until resetTelemetryCache(), a failed read is not kept. */
const closedDays = keyedMemo<number, Rollup>("telemetry.rollups", {
  maxAgeMs: Number.POSITIVE_INFINITY,
  compute: (dayStart) => live(dayKey(dayStart), dayStart, dayStart + DAY_MS),
});

export function resetTelemetryCache(): void {
  closedDays.invalidate();
}

export function cachedDays(): number {
  return closedDays.size();
}

async function live(day: string | null, since: number, until: number): Promise<Rollup> {
  return rollupFromRows(day, await segmentRows(new Date(since), new Date(until)));
}

function empty(day: string): Rollup {
  return { day, groups: [], histograms: [], commands: [] };
}

/**
 * The rollups covering [since, until): one per UTC day touched (cached when the whole day is in range
 * and closed), plus one undated tail for calls stamped after today. Days without calls are left out.
 */
export async function rollupsFor(since: Date, until: Date, now: Date = new Date()): Promise<Rollup[]> {
  const end = Math.min(until.getTime(), MAX_TIME);
  const closedBefore = startOfUtcDay(now.getTime() - GRACE_MS);
  const tomorrow = startOfUtcDay(now.getTime()) + DAY_MS;
  const out: Rollup[] = [];
  let cursor = Math.max(since.getTime(), 0);
  while (cursor < end) {
    const dayStart = startOfUtcDay(cursor);
    const dayEnd = dayStart + DAY_MS;
    if (dayStart >= tomorrow) {
      // calls stamped in the future (clock changes, imported data): one live segment
      out.push(await live(null, cursor, end));
      break;
    }
    const whole = cursor === dayStart && dayEnd <= end;
    if (dayEnd > closedBefore || !whole) {
      out.push(await live(dayKey(dayStart), cursor, Math.min(dayEnd, end)));
      cursor = dayEnd;
      continue;
    }
    if (!closedDays.has(dayStart)) {
      // not computed yet: jump over days without calls with one index seek
      const next = await nextCallAt(new Date(dayStart));
      if (next === null) {
        // nothing from here on; open days may still receive calls, so only closed ones are remembered
        rememberEmpty(dayStart, Math.min(closedBefore, end));
        break;
      }
      const nextDay = startOfUtcDay(next);
      if (nextDay > dayStart) {
        rememberEmpty(dayStart, Math.min(nextDay, closedBefore, end));
        cursor = Math.min(nextDay, end);
        continue;
      }
    }
    const rollup = await closedDays.get(dayStart);
    if (rollup.groups.length > 0) out.push(rollup);
    cursor = dayEnd;
  }
  return out;
}

function rememberEmpty(from: number, to: number): void {
  if ((to - from) / DAY_MS > MAX_EMPTY_RUN) return;
  for (let day = from; day + DAY_MS <= to; day += DAY_MS) {
    if (!closedDays.has(day)) closedDays.remember(day, empty(dayKey(day)));
  }
}

/**
 * Computes and keeps the rollups of the last `days` days, one day at a time with a pause between
 * them, so a server that just started answers the telemetry page from memory. Off the hot path:
 * call it without awaiting after boot.
 */
export async function warmTelemetry(days = 90, pauseMs = 10): Promise<void> {
  const now = new Date();
  const closedBefore = startOfUtcDay(now.getTime() - GRACE_MS);
  for (let day = closedBefore - days * DAY_MS; day < closedBefore; day += DAY_MS) {
    await rollupsFor(new Date(day), new Date(day + DAY_MS), now);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
  }
}
