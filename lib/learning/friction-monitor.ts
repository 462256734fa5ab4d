import {
  createFriction,
  recentCommandCounts,
  sessionCallHistory,
  settleFrictions,
} from "@/lib/db/queries/frictions";
import { readSetting, type SettingsSnapshot } from "@/lib/db/queries/settings";
import { listSessionToolVersionsSince } from "@/lib/db/queries/tool-versions";
import type { SessionEventBody } from "@/lib/events/types";
import { keyedMemo, memo } from "@/lib/memo";
import { normalizeCommand } from "@/lib/telemetry/normalize-command";
import { toolStats } from "@/lib/telemetry/overview";
import { DAY_MS, startOfUtcDay } from "@/lib/telemetry/range";
import {
  type CallObservation,
  DEFAULT_FRICTION_SETTINGS,
  detectFriction,
  type FrictionKind,
  type FrictionSettings,
  frictionSettingsSchema,
  nudgeFor,
} from "./friction-detector";

export const FRICTION_SETTINGS_KEY = "learning.friction";
const P95_WINDOW_DAYS = 30;
/** Age past which the runner recomputes the p95s (and a session's cross-session counts) after a turn. */
const P95_CACHE_MS = 60_000;
/** Age past which a turn waits for new p95s rather than use the kept ones. */
const P95_MAX_STALE_MS = 10 * 60_000;

type P95 = Map<string, { p95Ms: number; calls: number }>;

async function computeP95(): Promise<P95> {
  // from a day boundary: whole days come from the rollup cache, only today is read live
  const since = new Date(startOfUtcDay(Date.now() - P95_WINDOW_DAYS * DAY_MS));
  return new Map((await toolStats(since)).map((s) => [s.tool, { p95Ms: s.p95Ms, calls: s.calls }]));
}

/** 30-day figures move slowly: a turn recomputes them only when there are none or they are old. */
const p95 = memo("learning.toolP95", { maxAgeMs: P95_MAX_STALE_MS, compute: computeP95 });
const p95ByTool = () => p95.get();

/** At boot (lib/agent/warm.ts): the p95s the first turn would otherwise compute while its person waits. */
export async function warmToolP95(): Promise<void> {
  await p95ByTool();
}

/**
 * Other sessions' run_command counts, as a session's turns see them (its own calls left out). At
 * 1M calls the statement reads up to 5,000 calls, ≈ 5.6 ms of a warm turn start's 27
 * (docs/benchmarks.md §27); what other sessions ran moves slowly next to a turn, so the counts are
 * kept like the p95s: a turn waits for new ones only when there are none or they are 10 minutes
 * old, and the end of a turn recomputes its session's once they are a minute old.
 */
const recentCommands = keyedMemo("learning.recentCommands", {
  maxAgeMs: P95_MAX_STALE_MS,
  compute: (sessionId: string) => recentCommandCounts(sessionId),
});
/** Sessions whose counts are kept; one more lets all go (each session's next turn reads its own). */
const KEPT_SESSIONS = 32;

function recentCommandsOf(sessionId: string) {
  if (!recentCommands.has(sessionId) && recentCommands.size() >= KEPT_SESSIONS) recentCommands.invalidate();
  return recentCommands.get(sessionId);
}

/** After a session's turn: recomputes the p95s and its cross-session counts older than a minute, off the next turn's path. */
export function refreshFrictionFigures(sessionId: string): Promise<void> {
  return Promise.all([p95.refresh(P95_CACHE_MS), recentCommands.refresh(sessionId, P95_CACHE_MS)])
    .then(() => undefined)
    .catch((error) => console.error("[ratchet] friction figures refresh failed", error));
}

export async function loadFrictionSettings(from?: SettingsSnapshot): Promise<FrictionSettings> {
  return (
    (await readSetting(FRICTION_SETTINGS_KEY, frictionSettingsSchema, from)) ?? DEFAULT_FRICTION_SETTINGS
  );
}

interface Raised {
  id: string;
  kind: FrictionKind;
  detail: string;
}

/**
 * One turn's friction bookkeeping: watches every tool result, records and shows each friction at
 * once, hands the nudge to the very next model step, and settles whether a tool got built.
 */
export class FrictionMonitor {
  private readonly fired = new Set<string>();
  private readonly raised: Raised[] = [];
  private pending: Array<{ kind: FrictionKind; detail: string }> = [];
  private readonly startedAt = new Date();

  private constructor(
    private readonly sessionId: string,
    private readonly turnId: string,
    private readonly history: CallObservation[],
    private readonly p95: Map<string, { p95Ms: number; calls: number }>,
    private readonly recentPatterns: Map<string, number>,
    private readonly settings: FrictionSettings,
    private readonly emit: (body: SessionEventBody) => Promise<void>,
  ) {}

  static async start(
    sessionId: string,
    turnId: string,
    emit: (body: SessionEventBody) => Promise<void>,
    settingsFrom?: SettingsSnapshot,
  ): Promise<FrictionMonitor> {
    const [rows, p95, recent, settings] = await Promise.all([
      sessionCallHistory(sessionId),
      p95ByTool(),
      recentCommandsOf(sessionId),
      loadFrictionSettings(settingsFrom),
    ]);
    const history = rows.map((r) => ({
      tool: r.tool,
      input: r.inputSummary,
      ok: r.ok,
      errorClass: r.errorClass,
      durationMs: r.durationMs,
      exitCode: r.exitCode,
    }));
    const patterns = new Map<string, number>();
    for (const { commandKey, input, calls } of recent) {
      // commandKey is normalizeCommand(inputSummary), stored when the call was recorded
      const pattern = commandKey ?? normalizeCommand(input ?? "");
      if (pattern) patterns.set(pattern, (patterns.get(pattern) ?? 0) + calls);
    }
    return new FrictionMonitor(sessionId, turnId, history, p95, patterns, settings, emit);
  }

  private async raise(kind: FrictionKind, key: string, detail: string, evidence?: Record<string, string>) {
    if (this.fired.has(key)) return;
    this.fired.add(key);
    const row = await createFriction({
      sessionId: this.sessionId,
      turnId: this.turnId,
      kind,
      detail,
      ...(evidence ? { evidence } : {}),
    });
    this.raised.push({ id: row.id, kind, detail });
    this.pending.push({ kind, detail });
    await this.emit({ type: "friction", frictionId: row.id, kind, detail });
  }

  /** Called with every finished tool call. */
  async observe(call: CallObservation): Promise<void> {
    const hits = detectFriction(call, {
      history: this.history,
      p95: this.p95,
      recentPatterns: this.recentPatterns,
      settings: this.settings,
    });
    this.history.push(call);
    for (const hit of hits)
      await this.raise(hit.kind, hit.key, hit.detail, { tool: call.tool, input: call.input });
  }

  async correction(phrase: string, message: string): Promise<void> {
    await this.raise("correction", `correction:${message}`, `the user corrected you: "${phrase}"`, {
      message,
    });
  }

  /** The nudge for the next model step, once. */
  takeNudge(): string | null {
    if (this.pending.length === 0) return null;
    const text = nudgeFor(this.pending);
    this.pending = [];
    return text;
  }

  /** Whether the agent proposed or changed a tool in this turn after its friction. */
  async settle(): Promise<void> {
    if (this.raised.length === 0) return;
    const built = await listSessionToolVersionsSince(this.sessionId, this.startedAt);
    const ids = this.raised.map((r) => r.id);
    const first = built[0];
    if (!first) await settleFrictions(ids, "none", null);
    else await settleFrictions(ids, first.version === 1 ? "tool_built" : "tool_changed", first.name);
  }
}
