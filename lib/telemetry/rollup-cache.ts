import "server-only";
import { modelStepSegment, nextActivityAt, segmentRows } from "@/lib/db/queries/telemetry";
import {
  deleteStoredRollups,
  storedRollup,
  storedRollups,
  storeOpenRollup,
  storeRollup,
} from "@/lib/db/queries/telemetry-rollups";
import { keyedMemo } from "@/lib/memo";
import { processState } from "@/lib/process-state";
import { forgetLearningFigures } from "./learning-cache";
import { DAY_MS, dayKey, startOfUtcDay } from "./range";
import { mergeRollups, type Rollup, rollupFromRows } from "./rollup";

/**
 * Rollups per UTC day. Tool calls are written once, stamped with the time they finished, so a day
 * that ended (plus a grace period for writes still in a batch) never changes: its rollup is computed
 * once, stored in the database (TelemetryRollup) and kept in memory. A process reads the stored
 * days from the first one a range asks for, in one query, so a start does not re-read a million
 * calls (the all-time scorecards need no days of their own: all-time.ts). A partial day at the
 * start of a range (24h) is read live: one small index range scan.
 *
 * Storing a day when it is first read after closing, rather than adding each batch of calls to a
 * stored row as it is written, keeps the recorder's write path as it was (one INSERT per batch) and
 * gives the same figures: a closed day's calls are all there when it is computed.
 *
 * Today is kept too, up to the grace period: the calls older than that are settled (every writer,
 * this instance or another on the same database, stamps a call when it finishes and writes it
 * within milliseconds), so their rollup is computed once and extended by the calls that settled
 * since; only the last few minutes are read live on each render. At 10M calls a day holds ≈ 110,000
 * of them, and re-aggregating those on every render cost more than the rest of the page. The kept
 * part is stored too (OPEN_DAY_FORMAT), so a start reads it instead of the day's calls. When the
 * day closes it is computed once more from its calls and stored, as any closed day.
 *
 * Rows written with past timestamps by something else (a seeding script, an import) are only seen
 * after `npm run telemetry:rebuild` (rebuildTelemetryRollups, all-time.ts) or resetTelemetryCache(); in today,
 * a row stamped further back than the grace period is seen when the day closes.
 */

/** The shape of a stored rollup (`Rollup`, and what segmentRows groups by): change it when either changes. */
export const ROLLUP_FORMAT = 2; // 2: model steps by tier and model (`steps`)
/** An open day's kept part, stored under the day with this format until the day closes and is stored whole. */
export const OPEN_DAY_FORMAT = 1000 + ROLLUP_FORMAT;
const GRACE_MS = 5 * 60_000;
/** Today's kept part is extended once this much more of it has settled (so a render reads one live segment, not two). */
const EXTEND_MS = 60_000;
/** Empty days are remembered as empty only inside a gap this short (not the decades before the first call). */
const MAX_EMPTY_RUN = 400;
/** Upper clamp: ISO-8601 text past year 9999 no longer sorts as text (SQLite compares times as text). */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Closed days by their start (ms): kept until resetTelemetryCache(), a failed read is not kept. */
const closedDays = keyedMemo<number, Rollup>("telemetry.rollups", {
  maxAgeMs: Number.POSITIVE_INFINITY,
  compute: (dayStart) => closedDay(dayStart),
});

/**
 * Which stored days this process has read (those from `from` on, once `loaded` settles); a reset's
 * generation, so a day computed before it is not stored after it.
 */
const stored = processState("telemetry.stored", () => ({
  loaded: null as Promise<void> | null,
  from: Number.POSITIVE_INFINITY,
  generation: 0,
}));

/** When each stored day this process read or wrote was stored (the row's createdAt), by day start. */
const storedAt = processState("telemetry.storedAt", () => new Map<number, number>());

async function closedDay(dayStart: number): Promise<Rollup> {
  const state = stored();
  const generation = state.generation;
  const rollup = await live(dayKey(dayStart), dayStart, dayStart + DAY_MS);
  // closed by the real clock too (a caller's `now` may be anything), and not reset meanwhile
  const closed = dayStart + DAY_MS <= startOfUtcDay(Date.now() - GRACE_MS);
  if (closed && generation === state.generation && rollup.day) {
    const day = rollup.day;
    await storeRollup(day, ROLLUP_FORMAT, JSON.stringify(rollup)).then(
      (at) => {
        if (generation === state.generation) storedAt().set(dayStart, at);
      },
      (error) => console.error(`[ratchet] telemetry: the rollup of ${day} was not stored`, error),
    );
  }
  return rollup;
}

/** A stored rollup as written by closedDay, or null for anything else (then the day is computed again). */
function parseStored(day: string, data: string): Rollup | null {
  try {
    const value = JSON.parse(data) as Partial<Rollup>;
    const lists = [value.groups, value.histograms, value.commands, value.steps];
    return value.day === day && lists.every(Array.isArray) ? (value as Rollup) : null;
  } catch {
    return null;
  }
}

/**
 * Stored days read but not parsed yet, by their start. Parsing them all at once took ≈ 110 ms of the
 * first turn after a start at 1M calls (3.4 MB of JSON for 90 days) when that turn's summary and
 * p95s ask for 30: a day is parsed when a range first asks for it.
 */
const unparsed = processState("telemetry.unparsed", () => new Map<number, { day: string; data: string }>());

/**
 * Reads the stored days from `from` on into memory, once per process (and again after a reset):
 * a start reads the days its first range asks for (30 for the page's default range; the all-time
 * scorecards come from one stored row, all-time.ts), and an earlier range reads the days before
 * those later. At 10M calls the ninety days were ≈ 9 MB of JSON.
 */
function loadStored(from: number): Promise<void> {
  const state = stored();
  const fromDay = startOfUtcDay(Math.max(0, from));
  if (state.loaded && fromDay >= state.from) return state.loaded;
  const generation = state.generation;
  const before = state.from;
  const earlier = state.loaded ?? Promise.resolve();
  state.from = fromDay;
  const read = storedRollups(
    ROLLUP_FORMAT,
    dayKey(fromDay),
    Number.isFinite(before) ? dayKey(before) : undefined,
  ).then(
    (rows) => {
      if (generation !== state.generation) return;
      for (const row of rows) {
        const dayStart = Date.parse(`${row.day}T00:00:00Z`);
        if (Number.isNaN(dayStart)) continue;
        if (!storedAt().has(dayStart)) storedAt().set(dayStart, row.storedAt);
        if (!closedDays.has(dayStart)) unparsed().set(dayStart, row);
      }
    },
    (error) => {
      // the days are computed from the calls instead; the next caller tries the read again
      if (generation === state.generation) {
        state.loaded = null;
        state.from = Number.POSITIVE_INFINITY;
      }
      console.error("[ratchet] telemetry: stored rollups could not be read", error);
    },
  );
  state.loaded = Promise.all([earlier, read]).then(() => undefined);
  return state.loaded;
}

/**
 * The stored closed days in [from, before) as this process knows them (read at its start or
 * stored by it): how many, and when the latest was stored. The stored all-time aggregate keeps
 * this and is used after a start only if the database still says the same (all-time.ts).
 */
export function storedStamp(from: number, before: number): { days: number; last: number } {
  let days = 0;
  let last = 0;
  for (const [dayStart, at] of storedAt()) {
    if (dayStart < from || dayStart >= before) continue;
    days++;
    if (at > last) last = at;
  }
  return { days, last };
}

/** The start of the first day that is not closed yet, by the caller's clock and the real one. */
export function firstOpenDay(now: Date): number {
  return startOfUtcDay(Math.min(now.getTime(), Date.now()) - GRACE_MS);
}

/** Changes with every forget or reset: something kept under an older generation is not used or stored. */
export function rollupGeneration(): number {
  return stored().generation;
}

/** Stores something without making a render wait; a reset waits for it (rollupWrites), so none lands after it. */
export function storeInBackground(write: Promise<void>): void {
  writes().add(write);
  void write.finally(() => writes().delete(write));
}

/** A stored day, parsed and kept when a range first asks for it; a row that does not parse is computed again. */
function parseWhenAsked(dayStart: number): void {
  const row = unparsed().get(dayStart);
  if (!row) return;
  unparsed().delete(dayStart);
  const rollup = parseStored(row.day, row.data);
  if (rollup && !closedDays.has(dayStart)) closedDays.remember(dayStart, rollup);
}

/** Today's settled calls: the rollup of [dayStart, until), kept while the day is open. */
interface KeptToday {
  dayStart: number;
  until: number;
  generation: number;
  rollup: Rollup;
}
/** By day start: an open day's kept part (two are open in the grace period after midnight). */
const openDays = processState("telemetry.openDays", () => new Map<number, KeptToday>());

/** What a restart does to the rollups: this process forgets them, the stored days stay. */
export function forgetRollupsInMemory(): void {
  const state = stored();
  state.generation++;
  state.loaded = null;
  state.from = Number.POSITIVE_INFINITY;
  unparsed().clear();
  storedAt().clear();
  closedDays.invalidate();
  openDays().clear();
  forgetLearningFigures();
}

/** Forgets every rollup, in memory and stored: the next read computes each day from its calls. */
export async function resetTelemetryCache(): Promise<void> {
  forgetRollupsInMemory();
  await rollupWrites();
  await deleteStoredRollups();
}

/** Days this process holds, parsed or not. */
export function cachedDays(): number {
  return closedDays.size() + unparsed().size;
}

async function live(day: string | null, since: number, until: number): Promise<Rollup> {
  const [rows, steps] = await Promise.all([
    segmentRows(new Date(since), new Date(until)),
    modelStepSegment(new Date(since), new Date(until)),
  ]);
  return rollupFromRows(day, rows, steps);
}

function empty(day: string): Rollup {
  return { day, groups: [], histograms: [], commands: [], steps: [] };
}

/**
 * The rollups covering [since, until): one per UTC day touched (cached when the whole day is in range
 * and closed), plus one undated tail for calls stamped after today. Days without calls are left out.
 */
export async function rollupsFor(since: Date, until: Date, now: Date = new Date()): Promise<Rollup[]> {
  await loadStored(since.getTime());
  const end = Math.min(until.getTime(), MAX_TIME);
  const closedBefore = startOfUtcDay(now.getTime() - GRACE_MS);
  const tomorrow = startOfUtcDay(now.getTime()) + DAY_MS;
  const out: Rollup[] = [];
  let cursor = Math.max(since.getTime(), 0);
  let quiet = false;
  while (cursor < end) {
    const dayStart = startOfUtcDay(cursor);
    const dayEnd = dayStart + DAY_MS;
    if (dayStart >= tomorrow) {
      // calls stamped in the future (clock changes, imported data): one live segment
      out.push(await live(null, cursor, end));
      break;
    }
    const whole = cursor === dayStart && dayEnd <= end;
    if (cursor === dayStart && dayEnd > closedBefore) {
      const rollup = await openDay(dayStart, Math.min(dayEnd, end), now);
      // after a quiet stretch only a day with calls is listed (its kept part may outlive its rows)
      if (!quiet || rollup.groups.length > 0 || rollup.steps.length > 0) out.push(rollup);
      cursor = dayEnd;
      continue;
    }
    if (!whole) {
      out.push(await live(dayKey(dayStart), cursor, Math.min(dayEnd, end)));
      cursor = dayEnd;
      continue;
    }
    parseWhenAsked(dayStart);
    if (!closedDays.has(dayStart)) {
      // not computed yet: jump over days without calls or model steps with two index seeks
      const next = await nextActivityAt(new Date(dayStart));
      if (next === null) {
        // no calls from here on; open days may still receive calls, so only closed ones are remembered
        rememberEmpty(dayStart, Math.min(closedBefore, end));
        if (closedBefore >= end) break;
        cursor = closedBefore;
        quiet = true;
        continue;
      }
      const nextDay = startOfUtcDay(next);
      if (nextDay > dayStart) {
        rememberEmpty(dayStart, Math.min(nextDay, closedBefore, end));
        cursor = Math.min(nextDay, end);
        continue;
      }
    }
    const rollup = await closedDays.get(dayStart);
    if (rollup.groups.length > 0 || rollup.steps.length > 0) out.push(rollup);
    cursor = dayEnd;
  }
  return out;
}

/**
 * An open day from its start to `segmentEnd`: the kept rollup of its settled calls (computed once,
 * extended as more settle) merged with the calls after it, read live. Settled means older than the
 * grace period by the caller's clock and the real one (a caller's `now` may be anything).
 */
async function openDay(dayStart: number, segmentEnd: number, now: Date): Promise<Rollup> {
  const day = dayKey(dayStart);
  const settled = Math.min(segmentEnd, now.getTime() - GRACE_MS, Date.now() - GRACE_MS);
  const generation = stored().generation;
  const kept0 = openDays().get(dayStart);
  let kept = kept0 && kept0.generation === generation ? kept0 : null;
  // a range ending before what is kept (an earlier `until`) is read live, and the kept part left as it is
  if (kept && kept.until > segmentEnd) return live(day, dayStart, segmentEnd);
  // after a start: the part this or another instance kept, so today is not read whole again
  if (!kept && settled > dayStart) kept = await storedOpenDay(dayStart, segmentEnd, generation);
  const storedUntil = kept?.until ?? null;
  if (!kept && settled > dayStart) {
    kept = { dayStart, until: settled, generation, rollup: await live(day, dayStart, settled) };
  } else if (kept && settled - kept.until >= EXTEND_MS) {
    const more = await live(day, kept.until, settled);
    kept = { dayStart, until: settled, generation, rollup: mergeRollups(day, kept.rollup, more) };
  }
  if (!kept) return live(day, dayStart, segmentEnd);
  // not kept if the cache was reset meanwhile: it may hold calls of a deleted session
  if (generation === stored().generation && kept !== kept0) keep(kept, now, storedUntil);
  if (kept.until >= segmentEnd) return kept.rollup;
  const tail = await live(day, kept.until, segmentEnd);
  return tail.groups.length === 0 && tail.steps.length === 0
    ? kept.rollup
    : mergeRollups(day, kept.rollup, tail);
}

/**
 * Keeps an open day's part in memory, and in the database when it grew (not awaited: a render does
 * not wait for it, and a part that is not stored is computed again after a start). Drops the parts
 * of days closed since: they are computed whole, as any closed day.
 */
function keep(kept: KeptToday, now: Date, storedUntil: number | null): void {
  const closedBefore = startOfUtcDay(Math.min(now.getTime(), Date.now()) - GRACE_MS);
  const days = openDays();
  for (const dayStart of days.keys()) if (dayStart + DAY_MS <= closedBefore) days.delete(dayStart);
  days.set(kept.dayStart, kept);
  if (storedUntil === kept.until) return;
  const data = JSON.stringify({ ...kept.rollup, until: kept.until });
  storeInBackground(
    storeOpenRollup(kept.rollup.day ?? dayKey(kept.dayStart), OPEN_DAY_FORMAT, data).catch((error) =>
      console.error(`[ratchet] telemetry: today's rollup was not stored`, error),
    ),
  );
}

/** Open days' parts being stored: a reset waits for them, so none lands after it. */
const writes = processState("telemetry.openDayWrites", () => new Set<Promise<void>>());

/** Resolves when the open days' parts this process is storing are written (or reported lost). */
export async function rollupWrites(): Promise<void> {
  await Promise.all([...writes()]);
}

/** The stored part of an open day, if it parses and ends inside [dayStart, segmentEnd]. */
async function storedOpenDay(
  dayStart: number,
  segmentEnd: number,
  generation: number,
): Promise<KeptToday | null> {
  // unreadable: computed from the calls instead
  const row = await storedRollup(dayKey(dayStart), OPEN_DAY_FORMAT).catch(() => null);
  if (!row) return null;
  const rollup = parseStored(row.day, row.data) as (Rollup & { until?: unknown }) | null;
  const until = rollup?.until;
  if (!rollup || typeof until !== "number" || until <= dayStart || until > segmentEnd) return null;
  const { until: _, ...clean } = rollup;
  return { dayStart, until, generation, rollup: clean };
}

function rememberEmpty(from: number, to: number): void {
  if ((to - from) / DAY_MS > MAX_EMPTY_RUN) return;
  for (let day = from; day + DAY_MS <= to; day += DAY_MS) {
    if (!closedDays.has(day) && !unparsed().has(day)) closedDays.remember(day, empty(dayKey(day)));
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
