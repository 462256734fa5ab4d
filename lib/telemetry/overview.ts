import "server-only";
import { listHypotheses } from "@/lib/db/queries/hypotheses";
import { listToolVersionsForTelemetry } from "@/lib/db/queries/telemetry";
import { processState } from "@/lib/process-state";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { allTimeVersions } from "./all-time";
import {
  type Aggregated,
  aggregate,
  combineAggregates,
  commandsFrom,
  compactAggregate,
  dailyFrom,
  FAILING_ABOVE,
  healthFrom,
  hypothesesFrom,
  learningFrom,
  scorecardsFrom,
  spendFrom,
  toolStatsFrom,
} from "./derive";
import { learningFigures } from "./learning-cache";
import { daysBetween, type TimeRange } from "./range";
import { rollupsFor } from "./rollup-cache";
import type { TelemetryOverview, ToolStats } from "./types";

/** A tool counts as unused when none of the last this many agent sessions called it. */
export const UNUSED_AFTER_SESSIONS = 20;

const FAR_FUTURE = Date.UTC(9999, 11, 31);

/** The contract's per-tool figures for calls in [since, until). */
export async function toolStatsBetween(since: Date, until: Date, now = new Date()): Promise<ToolStats[]> {
  return toolStatsFrom(await rollupsFor(since, until, now));
}

/**
 * Per-tool calls, successes, p50/p95 duration and last use, for calls since `since` (all time
 * without). Served from the day rollups (rollup-cache.ts): closed days are aggregated once, today is
 * read live. Percentiles come from duration histograms (exact below 256 ms, at most 2.2 % high
 * above; histogram.ts).
 */
export function toolStats(since?: Date): Promise<ToolStats[]> {
  return toolStatsBetween(since ?? new Date(0), new Date(FAR_FUTURE));
}

/**
 * Everything the Telemetry page renders first, for one time range. Tool calls come from the day
 * rollups (closed days from memory, today's settled part kept, its last minutes live); version
 * scorecards use all of each version's calls (all-time.ts: one stored row plus the days after it); the learning loop and spend are read from their tables
 * and kept for a few seconds (learning-cache.ts).
 */
export async function telemetryOverview(
  range: TimeRange,
  opts: { now?: Date; unusedAfterSessions?: number } = {},
): Promise<TelemetryOverview> {
  const now = opts.now ?? new Date();
  const unusedAfterSessions = opts.unusedAfterSessions ?? UNUSED_AFTER_SESSIONS;
  const until = new Date(Math.min(range.until.getTime(), now.getTime() + 1));
  // the all-time aggregate is one stored row plus the range's last days: a start reads only the range's days
  const allTime = rollupsFor(range.since, until, now).then(async (rollups) => ({
    rollups,
    versions: await allTimeVersions(until, now, { since: range.since, rollups }),
  }));
  const [{ rollups: inRange, versions }, catalog, learning, hypotheses] = await Promise.all([
    allTime,
    listToolVersionsForTelemetry(),
    learningFigures(range.since, until, unusedAfterSessions),
    listHypotheses(),
  ]);
  const recent = learning.recent;
  const since = range.since.getTime();
  // presets show every day of the range; "all time" starts at the first day with calls
  const days = daysBetween(since > 0 ? since : (firstDay(inRange) ?? now.getTime()), until.getTime());
  const scorecards = scorecardsFrom(versions, catalog);
  const tools = healthFrom({
    rollups: inRange,
    aggregated: aggregateKept("range", inRange),
    scorecards,
    catalog,
    builtins: BUILTIN_NAMES,
    recent,
    unusedAfterSessions,
  });
  const totals = tools.reduce(
    (acc, t) => {
      acc.calls += t.calls;
      acc.successes += t.successes;
      acc.failures += t.failures;
      acc.commandFailures += t.commandFailures;
      if (t.calls > 0) acc.tools++;
      return acc;
    },
    { calls: 0, successes: 0, failures: 0, commandFailures: 0, tools: 0 },
  );
  return {
    range: { since: range.since.toISOString(), until: until.toISOString(), preset: range.preset, days },
    generatedAt: now.toISOString(),
    totals,
    settings: { unusedAfterSessions, failingAbove: FAILING_ABOVE, recentSessions: recent.count },
    tools,
    daily: dailyFrom(inRange, days),
    commands: commandsFrom(inRange, 15, false),
    versions: scorecards,
    learning: learningFrom(learning, days),
    spend: spendFrom(
      learning,
      days,
      inRange.flatMap((r) => r.steps),
    ),
    hypotheses: hypothesesFrom(hypotheses, catalog, scorecards),
  };
}

function firstDay(rollups: readonly { day: string | null }[]): number | null {
  const day = rollups.find((r) => r.day)?.day;
  return day ? Date.parse(`${day}T00:00:00Z`) : null;
}

/**
 * aggregate(rollups), with the closed days' part kept. A closed day's rollup is the same object on
 * every render (rollup-cache.ts keeps it) and rollups never change, so a kept aggregate of a list's
 * first days holds for any later list that starts with the very same objects; only the rest (today,
 * a day closed since) is aggregated per render. At 10M calls this was 8–16 ms of a warm render.
 */
const keptAggregates = processState(
  "telemetry.aggregates",
  () => new Map<string, { parts: readonly object[]; aggregated: Aggregated }>(),
);

function aggregateKept(name: string, rollups: Awaited<ReturnType<typeof rollupsFor>>): Aggregated {
  const kept = keptAggregates().get(name);
  let same = 0;
  if (kept) while (same < kept.parts.length && kept.parts[same] === rollups[same]) same++;
  if (kept && same === kept.parts.length && rollups.length - same <= 4) {
    return combineAggregates(kept.aggregated, aggregate(rollups.slice(same)));
  }
  // the last two may be open days (today, and yesterday in its grace period): not kept
  const parts = rollups.slice(0, Math.max(0, rollups.length - 2));
  const aggregated = compactAggregate(aggregate(parts));
  keptAggregates().set(name, { parts, aggregated });
  return combineAggregates(aggregated, aggregate(rollups.slice(parts.length)));
}
