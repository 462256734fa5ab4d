import "server-only";
import { nextActivityAt } from "@/lib/db/queries/telemetry";
import { storedDaysStamp, storedRollup, storeRollup } from "@/lib/db/queries/telemetry-rollups";
import { processState } from "@/lib/process-state";
import {
  type Aggregated,
  aggregate,
  aggregatedFromJson,
  aggregatedToJson,
  combineAggregates,
  compactAggregate,
} from "./derive";
import { DAY_MS, dayKey, startOfUtcDay } from "./range";
import type { Rollup } from "./rollup";
import {
  firstOpenDay,
  ROLLUP_FORMAT,
  resetTelemetryCache,
  rollupGeneration,
  rollupsFor,
  rollupWrites,
  storedStamp,
  storeInBackground,
} from "./rollup-cache";

/**
 * The all-time aggregate per tool version (the version scorecards count every call a version
 * ever had), with its closed days' part kept in memory and stored as one row. Without it a start
 * read and parsed every stored day (≈ 9 MB of JSON at 10M calls, 73–121 ms) to merge them again;
 * now it reads one row of a few kilobytes plus the days after it (docs/benchmarks.md §20).
 *
 * The row holds the compacted aggregate of the closed days before `through`, and a stamp of the
 * stored days it was made from: how many there were and when the latest was stored. Every way a
 * stored day changes (a session deleted takes its days with it, a repair deletes them all, a day
 * stored again gets a new stored time) changes that stamp, so after a start the row is used only
 * while the database's stamp for the same days is the same; otherwise the days are read and the row
 * made again. Only a day deleted and stored again by an instance whose clock is behind the latest
 * stored time, with the count unchanged, would pass unseen (`npm run telemetry:rebuild` fixes that).
 */

export const ALL_TIME_FORMAT = 2000 + ROLLUP_FORMAT;
/** The stored row's key (the table is keyed by day; no day sorts or reads like this). */
export const ALL_TIME_KEY = "all-time";

interface Stamp {
  days: number;
  last: number;
}

interface Kept {
  /** The start of the first day not in `aggregated` (epoch ms). */
  through: number;
  /** The stored days `aggregated` was made from; null when unknown (then it is not stored). */
  stamp: Stamp | null;
  aggregated: Aggregated;
  generation: number;
}

const state = processState("telemetry.allTime", () => ({ kept: null as Kept | null }));

/**
 * aggregate(rollupsFor(0, until, now)).versions (per tool, per version: what the scorecards read):
 * the closed days' part kept (or read from its stored row after a start), the days after it
 * aggregated per call. Per tool it is not kept: the page's health table reads its range's. `known` is rollupsFor(since, until, now)
 * when the caller has it (the page's range): the days after the kept part are taken from it
 * instead of being read again (today's last minutes are a live read).
 */
export async function allTimeVersions(
  until: Date,
  now: Date,
  known?: { since: Date; rollups: readonly Rollup[] },
): Promise<Aggregated["versions"]> {
  const generation = rollupGeneration();
  let kept = state().kept;
  if (!kept || kept.generation !== generation) {
    kept = await storedAllTime(generation);
    if (kept && generation === rollupGeneration()) state().kept = kept;
  }
  const closedEnd = Math.min(firstOpenDay(now), startOfUtcDay(until.getTime()));
  // kept beyond the days closed for this caller (a `now` or `until` in the past, another instance's
  // clock ahead): the kept part would hide the days in between, so everything is aggregated as asked
  if (kept && kept.through > closedEnd) return aggregate(await rollupsFor(new Date(0), until, now)).versions;
  const from = kept?.through ?? 0;
  const rollups =
    known && known.since.getTime() <= from
      ? known.rollups.filter((r) => r.day === null || Date.parse(`${r.day}T00:00:00Z`) >= from)
      : await rollupsFor(new Date(from), until, now);
  let closed = 0;
  while (closed < rollups.length && isBefore(rollups[closed]?.day ?? null, closedEnd)) closed++;
  if (closedEnd > from && generation === rollupGeneration()) {
    const stampOfNew = storedStamp(from, closedEnd);
    const base = kept?.stamp ?? (kept ? null : { days: 0, last: 0 });
    const grown: Kept = {
      through: closedEnd,
      stamp: base && {
        days: base.days + stampOfNew.days,
        last: Math.max(base.last, stampOfNew.last),
      },
      aggregated: versionsOnly(
        compactAggregate(
          kept
            ? combineAggregates(kept.aggregated, aggregate(rollups.slice(0, closed)))
            : aggregate(rollups.slice(0, closed)),
        ),
      ),
      generation,
    };
    state().kept = grown;
    kept = grown;
    store(grown);
  }
  const rest = aggregate(rollups.slice(closed));
  return (kept ? combineAggregates(kept.aggregated, rest) : rest).versions;
}

/** Without the per-tool part: half of the stored row (387 KB at 10M calls with it), and nobody reads it. */
function versionsOnly(x: Aggregated): Aggregated {
  return { tools: new Map(), versions: x.versions };
}

function isBefore(day: string | null, end: number): boolean {
  return day !== null && Date.parse(`${day}T00:00:00Z`) + DAY_MS <= end;
}

function store(kept: Kept): void {
  if (!kept.stamp) return;
  const data = JSON.stringify({
    through: dayKey(kept.through),
    stamp: kept.stamp,
    aggregated: aggregatedToJson(kept.aggregated),
  });
  storeInBackground(
    (async () => {
      // not stored if a reset came meanwhile: the row would count what the reset forgot
      if (kept.generation !== rollupGeneration()) return;
      await storeRollup(ALL_TIME_KEY, ALL_TIME_FORMAT, data);
    })().catch((error) => console.error("[ratchet] telemetry: the all-time aggregate was not stored", error)),
  );
}

/** The stored row, if it parses and the stored days it was made from are still the same. */
async function storedAllTime(generation: number): Promise<Kept | null> {
  // unreadable: made again from the days
  const row = await storedRollup(ALL_TIME_KEY, ALL_TIME_FORMAT).catch(() => null);
  if (!row) return null;
  const parsed = parseAllTime(row.data);
  if (!parsed) return null;
  const stamp = await storedDaysStamp(ROLLUP_FORMAT, dayKey(parsed.through)).catch(() => null);
  if (!stamp || stamp.days !== parsed.stamp.days || stamp.last !== parsed.stamp.last) return null;
  return { ...parsed, generation };
}

function parseAllTime(data: string): (Omit<Kept, "generation"> & { stamp: Stamp }) | null {
  let value: { through?: unknown; stamp?: { days?: unknown; last?: unknown }; aggregated?: unknown };
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const through = typeof value.through === "string" ? Date.parse(`${value.through}T00:00:00Z`) : Number.NaN;
  const { days, last } = value.stamp ?? {};
  const aggregated = aggregatedFromJson(value.aggregated);
  if (Number.isNaN(through) || typeof days !== "number" || typeof last !== "number" || !aggregated) {
    return null;
  }
  return { through, stamp: { days, last }, aggregated };
}

/**
 * The repair: every stored day computed again from the calls (after rows were written with past
 * timestamps, or to check the stored figures), and the all-time aggregate made again from them.
 * Returns how many days hold calls.
 */
export async function rebuildTelemetryRollups(now: Date = new Date()): Promise<number> {
  await resetTelemetryCache();
  const first = await nextActivityAt(new Date(0));
  if (first === null) return 0;
  const closedBefore = firstOpenDay(now);
  const days = await rollupsFor(new Date(startOfUtcDay(first)), new Date(closedBefore), now);
  await allTimeVersions(new Date(closedBefore), now);
  await rollupWrites();
  return days.length;
}
