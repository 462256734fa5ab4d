import "server-only";
import { listLatestLearnings } from "@/lib/db/queries/learning-events";
import { listToolVersionsForTelemetry, toolsOfRecentSessions } from "@/lib/db/queries/telemetry";
import { memo } from "@/lib/memo";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { aggregate, commandsFrom, healthFrom, scorecardsFrom } from "./derive";
import { UNUSED_AFTER_SESSIONS } from "./overview";
import { DAY_MS, startOfUtcDay } from "./range";
import { rollupsFor } from "./rollup-cache";
import type { CommandStat, ToolHealth } from "./types";

/** ≈ 600 tokens at about 4 characters a token. */
export const SUMMARY_MAX_CHARS = 2400;
/** Age past which the runner rebuilds the summary after a turn. */
const CACHE_MS = 60_000;
/** Age past which a turn waits for a new summary rather than use the kept one. */
const MAX_STALE_MS = 10 * 60_000;
const TOP_TOOLS = 8;

export interface SummaryInput {
  days: number;
  tools: readonly ToolHealth[];
  commands: readonly CommandStat[];
  learnings: readonly { type: string; description: string; source: string }[];
  unusedAfterSessions: number;
}

const pct = (r: number) => `${Math.round(r * 100)}%`;
const duration = (ms: number) =>
  ms < 1000
    ? `${Math.round(ms)}ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`
      : `${(ms / 60_000).toFixed(1)}min`;
const clip = (text: string, max: number) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
};

/** The summary text from its figures (pure, so its size and content are tested without a database). */
export function formatTelemetrySummary(input: SummaryInput): string {
  const used = input.tools.filter((t) => t.calls > 0);
  if (used.length === 0 && input.learnings.length === 0) return "";
  const lines = [`## Telemetry (your last ${input.days} days)`];
  if (used.length) {
    lines.push(
      `Tools by use (calls, ok %, median): ${used
        .slice(0, TOP_TOOLS)
        .map((t) => `${t.tool} ${t.calls}, ${pct(t.successRate)}, ${duration(t.p50Ms)}`)
        .join("; ")}.`,
    );
  }
  const failing = input.commands.filter((c) => c.calls >= 5).slice(0, 3);
  if (failing.length) {
    lines.push(
      `Commands that fail most: ${failing.map((c) => `\`${clip(c.command, 40)}\` ${pct(c.failureRate)} of ${c.calls}`).join("; ")}.`,
    );
  }
  const flagged = input.tools.flatMap((t) => {
    const why = [
      t.flags.failing
        ? `failing (${pct(t.failures / Math.max(1, t.calls))} of ${t.calls} calls failed)`
        : null,
      t.flags.regressed ? `regressed since ${t.version ?? "its last version"}` : null,
      t.flags.unused ? `unused in the last ${input.unusedAfterSessions} sessions` : null,
    ].filter(Boolean);
    return why.length ? [`${t.tool}: ${why.join(", ")}`] : [];
  });
  if (flagged.length)
    lines.push(`Flagged: ${flagged.slice(0, 6).join("; ")}. Consider fixing or replacing these.`);
  if (input.learnings.length) {
    lines.push("Recent learnings:");
    for (const l of input.learnings.slice(0, 5)) lines.push(`- [${l.type}] ${clip(l.description, 160)}`);
  }
  let text = lines.join("\n");
  while (text.length > SUMMARY_MAX_CHARS && lines.length > 2) {
    lines.pop();
    text = lines.join("\n");
  }
  return text.slice(0, SUMMARY_MAX_CHARS);
}

/**
 * A rebuild reads today's calls live and aggregates every day (tens of ms of CPU at a million
 * calls), so the summary is kept: a turn waits for one only when there is none or it is older than
 * MAX_STALE_MS, and after each turn the runner rebuilds one older than CACHE_MS in the background
 * (refreshTelemetrySummary), so a turn's summary is at most a minute older than the end of the
 * previous turn on this server. A failed build is not kept: that turn's prompt goes without, the
 * next turn tries again.
 */
const summary = memo("telemetry.promptSummary", {
  maxAgeMs: MAX_STALE_MS,
  compute: () => buildSummary(new Date(), 30),
});

/**
 * A compact telemetry section for the system prompt (≤ ~600 tokens): the most used tools with calls,
 * ok % and median duration; the commands that fail most; flagged tools; recent learnings. Empty when
 * nothing was recorded yet. Kept as above; a summary at another time or over other days is built
 * fresh.
 */
export function telemetrySummaryForPrompt(opts: { now?: Date; days?: number } = {}): Promise<string> {
  const built = opts.now || opts.days ? buildSummary(opts.now ?? new Date(), opts.days ?? 30) : summary.get();
  return built.catch((error) => {
    console.error("[ratchet] telemetry summary failed", error);
    return "";
  });
}

/** Rebuilds a summary older than a minute, keeping the old one until the new one is ready (or on failure). */
export function refreshTelemetrySummary(): Promise<void> {
  return summary
    .refresh(CACHE_MS)
    .catch((error) => console.error("[ratchet] telemetry summary failed", error));
}

async function buildSummary(now: Date, days: number): Promise<string> {
  const since = startOfUtcDay(now.getTime()) - (days - 1) * DAY_MS;
  const [all, catalog, recent, learnings] = await Promise.all([
    rollupsFor(new Date(0), new Date(now.getTime() + 1), now),
    listToolVersionsForTelemetry(),
    toolsOfRecentSessions(UNUSED_AFTER_SESSIONS, now),
    listLatestLearnings(now, 5),
  ]);
  const startDay = new Date(since).toISOString().slice(0, 10);
  const inRange = all.filter((r) => r.day !== null && r.day >= startDay);
  const tools = healthFrom({
    rollups: inRange,
    scorecards: scorecardsFrom(aggregate(all).versions, catalog),
    catalog,
    builtins: BUILTIN_NAMES,
    recent,
    unusedAfterSessions: UNUSED_AFTER_SESSIONS,
  });
  return formatTelemetrySummary({
    days,
    tools,
    commands: commandsFrom(inRange, 5),
    learnings,
    unusedAfterSessions: UNUSED_AFTER_SESSIONS,
  });
}
