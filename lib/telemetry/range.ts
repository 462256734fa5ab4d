/** Time ranges for the telemetry page and API: presets aligned to UTC days, or explicit bounds. */

export const DAY_MS = 86_400_000;

export const RANGE_PRESETS = ["24h", "7d", "30d", "90d", "all"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_PRESET: RangePreset = "30d";

export interface TimeRange {
  since: Date;
  /** Exclusive. */
  until: Date;
  preset: RangePreset | null;
}

export class InvalidRangeError extends Error {}

export function startOfUtcDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

export function dayKey(time: number): string {
  return new Date(startOfUtcDay(time)).toISOString().slice(0, 10);
}

export function isPreset(value: string | null | undefined): value is RangePreset {
  return RANGE_PRESETS.includes(value as RangePreset);
}

/** `7d` is today (UTC) and the six days before it; `24h` the last 24 hours; `all` everything. */
export function presetRange(preset: RangePreset, now: Date = new Date()): TimeRange {
  const until = new Date(now.getTime() + 1);
  if (preset === "all") return { since: new Date(0), until, preset };
  if (preset === "24h") return { since: new Date(now.getTime() - DAY_MS), until, preset };
  const days = Number.parseInt(preset, 10);
  return { since: new Date(startOfUtcDay(now.getTime()) - (days - 1) * DAY_MS), until, preset };
}

function parseTime(name: string, raw: string): Date {
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw new InvalidRangeError(`${name} must be an ISO-8601 date.`);
  return date;
}

/**
 * Reads `range` (a preset) or `since`/`until` (ISO-8601) from query parameters. With neither, the
 * fallback preset applies (the page uses 30d; the contract route, all time).
 */
export function parseRange(
  params: URLSearchParams,
  opts: { now?: Date; fallback?: RangePreset } = {},
): TimeRange {
  const now = opts.now ?? new Date();
  const preset = params.get("range");
  const since = params.get("since");
  const until = params.get("until");
  if (preset !== null && !isPreset(preset))
    throw new InvalidRangeError(`range must be one of ${RANGE_PRESETS.join(", ")}.`);
  if (preset && !since && !until) return presetRange(preset, now);
  if (!since && !until) return presetRange(opts.fallback ?? DEFAULT_PRESET, now);
  const range: TimeRange = {
    since: since ? parseTime("since", since) : new Date(0),
    until: until ? parseTime("until", until) : new Date(8.64e15),
    preset: null,
  };
  if (range.until.getTime() <= range.since.getTime())
    throw new InvalidRangeError("until must be after since.");
  return range;
}

/** The UTC days a range touches, oldest first, as YYYY-MM-DD (bounded by `from`/`to` when open-ended). */
export function daysBetween(since: number, until: number): string[] {
  const out: string[] = [];
  for (let t = startOfUtcDay(since); t < until; t += DAY_MS) out.push(dayKey(t));
  return out;
}
