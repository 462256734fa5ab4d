import { emptyHistogram, type Histogram } from "./histogram";
import { normalizeCommand } from "./normalize-command";

/**
 * The aggregates of the tool calls (and model steps) in one segment of time (a UTC day, or part of one): everything
 * the telemetry page and API derive their figures from. Rollups of closed days never change, so
 * they are cached (rollup-cache.ts); merging rollups is cheap.
 */
export interface Rollup {
  /** YYYY-MM-DD (UTC) when the segment lies within one day; null for an open-ended tail. */
  day: string | null;
  groups: RollupGroup[];
  histograms: RollupHistogram[];
  commands: RollupCommand[];
  /** Model steps by tier and model: spend per tier (lib/agent/tiers.ts); the tier is null without tiers. */
  steps: RollupStep[];
}

export interface RollupStep {
  tier: string | null;
  model: string;
  steps: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface RollupGroup {
  tool: string;
  version: string;
  errorClass: string | null;
  calls: number;
  successes: number;
  lastAt: number;
}

export interface RollupHistogram {
  tool: string;
  version: string;
  histogram: Histogram;
}

export interface RollupCommand {
  command: string;
  calls: number;
  failures: number;
}

/** Row shape of lib/db/queries/telemetry.ts segmentRows (kept structural to stay free of server imports). */
export interface SegmentRowLike {
  k: string;
  a: string | null;
  b: string | null;
  c: string | null;
  x: number | bigint | null;
  n: number | bigint | null;
  m: number | bigint | null;
  t: Date | string | null;
}

const n = (v: number | bigint | null | undefined) => (v === null || v === undefined ? 0 : Number(v));

export function rollupFromRows(
  day: string | null,
  rows: readonly SegmentRowLike[],
  steps: readonly RollupStep[] = [],
): Rollup {
  const groups: RollupGroup[] = [];
  const histograms = new Map<string, RollupHistogram>();
  const commands = new Map<string, RollupCommand>();
  for (const row of rows) {
    if (row.k === "g") {
      const t = row.t instanceof Date ? row.t.getTime() : Date.parse(row.t ?? "");
      groups.push({
        tool: row.a ?? "",
        version: row.b ?? "builtin",
        errorClass: row.c,
        calls: n(row.n),
        successes: n(row.x),
        lastAt: Number.isNaN(t) ? 0 : t,
      });
    } else if (row.k === "h") {
      const key = `${row.a}\u0000${row.b}`;
      let entry = histograms.get(key);
      if (!entry) {
        entry = { tool: row.a ?? "", version: row.b ?? "builtin", histogram: emptyHistogram() };
        histograms.set(key, entry);
      }
      entry.histogram.buckets.push(Math.round(n(row.x)));
      entry.histogram.counts.push(n(row.n));
      entry.histogram.maxes.push(n(row.m));
    } else if (row.k === "c" || row.k === "r") {
      // "r": rows from before commands were normalized at write time; normalize them here
      const command = row.k === "c" ? (row.a ?? "") : normalizeCommand(row.a ?? "");
      const entry = commands.get(command) ?? { command, calls: 0, failures: 0 };
      entry.calls += n(row.n);
      entry.failures += n(row.x);
      commands.set(command, entry);
    }
  }
  for (const entry of histograms.values()) sortHistogram(entry.histogram);
  return {
    day,
    groups,
    histograms: [...histograms.values()],
    commands: [...commands.values()],
    steps: [...steps],
  };
}

function sortHistogram(h: Histogram): void {
  const order = h.buckets.map((_, i) => i).sort((a, b) => (h.buckets[a] ?? 0) - (h.buckets[b] ?? 0));
  const merged: Histogram = emptyHistogram();
  for (const i of order) {
    const bucket = h.buckets[i] ?? 0;
    const last = merged.buckets.length - 1;
    // two SQL buckets can round to the same integer bucket; fold them
    if (last >= 0 && merged.buckets[last] === bucket) {
      merged.counts[last] = (merged.counts[last] ?? 0) + (h.counts[i] ?? 0);
      merged.maxes[last] = Math.max(merged.maxes[last] ?? 0, h.maxes[i] ?? 0);
    } else {
      merged.buckets.push(bucket);
      merged.counts.push(h.counts[i] ?? 0);
      merged.maxes.push(h.maxes[i] ?? 0);
    }
  }
  h.buckets = merged.buckets;
  h.counts = merged.counts;
  h.maxes = merged.maxes;
}
