import { Accumulator, emptyHistogram, type Histogram } from "./histogram";
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

/**
 * Two rollups of adjacent segments as one, with the figures a single segment over both would have
 * (sums, the later last use, merged histograms): how today's kept part grows (rollup-cache.ts).
 * Model steps are ordered as modelStepSegment orders them.
 */
export function mergeRollups(day: string | null, a: Rollup, b: Rollup): Rollup {
  const groups = new Map<string, RollupGroup>();
  for (const g of [...a.groups, ...b.groups]) {
    const key = `${g.tool}\u0000${g.version}\u0000${g.errorClass ?? "\u0001"}`;
    const entry = groups.get(key);
    if (!entry) groups.set(key, { ...g });
    else {
      entry.calls += g.calls;
      entry.successes += g.successes;
      entry.lastAt = Math.max(entry.lastAt, g.lastAt);
    }
  }
  const histograms = new Map<string, { tool: string; version: string; acc: Accumulator }>();
  for (const h of [...a.histograms, ...b.histograms]) {
    const key = `${h.tool}\u0000${h.version}`;
    let entry = histograms.get(key);
    if (!entry) {
      entry = { tool: h.tool, version: h.version, acc: new Accumulator() };
      histograms.set(key, entry);
    }
    entry.acc.add(h.histogram);
  }
  const commands = new Map<string, RollupCommand>();
  for (const c of [...a.commands, ...b.commands]) {
    const entry = commands.get(c.command);
    if (!entry) commands.set(c.command, { ...c });
    else {
      entry.calls += c.calls;
      entry.failures += c.failures;
    }
  }
  const steps = new Map<string, RollupStep>();
  for (const s of [...a.steps, ...b.steps]) {
    const key = `${s.tier ?? ""}\u0000${s.model}`;
    const entry = steps.get(key);
    if (!entry) steps.set(key, { ...s });
    else {
      entry.steps += s.steps;
      entry.inputTokens += s.inputTokens;
      entry.outputTokens += s.outputTokens;
      entry.costUsd += s.costUsd;
    }
  }
  return {
    day,
    groups: [...groups.values()],
    histograms: [...histograms.values()].map((h) => ({
      tool: h.tool,
      version: h.version,
      histogram: h.acc.toHistogram(),
    })),
    commands: [...commands.values()],
    steps: [...steps.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, s]) => s),
  };
}
