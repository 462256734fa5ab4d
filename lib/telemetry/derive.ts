/**
 * Pure derivations from rollups and the small tables: the figures the Telemetry page shows and the
 * API returns. No database access here, so every rule (flags, regressions, rates) is unit-tested.
 */
import { Accumulator, type Histogram } from "./histogram";
import type { Rollup, RollupStep } from "./rollup";
import type {
  CommandStat,
  DailyPoint,
  HypothesisCard,
  LearningHealth,
  SpendHealth,
  TierSpend,
  ToolFlags,
  ToolHealth,
  ToolOrigin,
  ToolStats,
  VersionScorecard,
  VersionStats,
} from "./types";

export const FAILING_ABOVE = 0.3;
export const FAILING_MIN_CALLS = 5;
export const REGRESSION_MIN_CALLS = 20;
export const REGRESSION_RATE_DROP = 0.05;
export const REGRESSION_SLOWER = 1.5;

/** Error classes that mean the command failed or was refused while the tool itself worked. */
const COMMAND_CLASSES = new Set(["command_failed", "sandbox_denial", "permission_denied"]);

interface Agg {
  calls: number;
  successes: number;
  commandFailures: number;
  errored: number;
  classes: Map<string, number>;
  lastAt: number;
  histograms: Histogram[];
  firstDay: string | null;
}

function newAgg(): Agg {
  return {
    calls: 0,
    successes: 0,
    commandFailures: 0,
    errored: 0,
    classes: new Map(),
    lastAt: 0,
    histograms: [],
    firstDay: null,
  };
}

function addGroup(
  agg: Agg,
  g: { calls: number; successes: number; errorClass: string | null; lastAt: number },
  day: string | null,
) {
  agg.calls += g.calls;
  agg.successes += g.successes;
  if (g.errorClass) {
    agg.errored += g.calls;
    agg.classes.set(g.errorClass, (agg.classes.get(g.errorClass) ?? 0) + g.calls);
    if (COMMAND_CLASSES.has(g.errorClass)) agg.commandFailures += g.successes;
  }
  if (g.lastAt > agg.lastAt) agg.lastAt = g.lastAt;
  if (day && (agg.firstDay === null || day < agg.firstDay)) agg.firstDay = day;
}

/** Per tool and per tool version: what every figure of a tool or a version is read from. */
export interface Aggregated {
  tools: Map<string, Agg>;
  versions: Map<string, Map<string, Agg>>;
}

/** Per tool, and per tool version, over the given rollups. */
export function aggregate(rollups: readonly Rollup[]): Aggregated {
  const tools = new Map<string, Agg>();
  const versions = new Map<string, Map<string, Agg>>();
  const versionAgg = (tool: string, version: string) => {
    let byVersion = versions.get(tool);
    if (!byVersion) {
      byVersion = new Map();
      versions.set(tool, byVersion);
    }
    let agg = byVersion.get(version);
    if (!agg) {
      agg = newAgg();
      byVersion.set(version, agg);
    }
    return agg;
  };
  const toolAgg = (tool: string) => {
    let agg = tools.get(tool);
    if (!agg) {
      agg = newAgg();
      tools.set(tool, agg);
    }
    return agg;
  };
  for (const rollup of rollups) {
    for (const g of rollup.groups) {
      addGroup(toolAgg(g.tool), g, rollup.day);
      addGroup(versionAgg(g.tool, g.version), g, rollup.day);
    }
    for (const h of rollup.histograms) {
      toolAgg(h.tool).histograms.push(h.histogram);
      versionAgg(h.tool, h.version).histograms.push(h.histogram);
    }
  }
  return { tools, versions };
}

/**
 * The same figures with each tool's and version's histograms merged into one: what a kept
 * aggregate of many days holds, so a render does not merge ninety histograms per version again.
 */
export function compactAggregate(x: Aggregated): Aggregated {
  const compact = (agg: Agg): Agg => {
    const acc = new Accumulator();
    for (const h of agg.histograms) acc.add(h);
    return { ...agg, classes: new Map(agg.classes), histograms: acc.total ? [acc.toHistogram()] : [] };
  };
  return {
    tools: new Map([...x.tools].map(([k, agg]) => [k, compact(agg)])),
    versions: new Map(
      [...x.versions].map(([tool, byVersion]) => [
        tool,
        new Map([...byVersion].map(([v, agg]) => [v, compact(agg)])),
      ]),
    ),
  };
}

/** An aggregate as plain values for JSON (its maps as entry lists): how the all-time one is stored (all-time.ts). */
export function aggregatedToJson(x: Aggregated): object {
  const agg = (a: Agg) => ({ ...a, classes: [...a.classes] });
  return {
    tools: [...x.tools].map(([k, a]) => [k, agg(a)]),
    versions: [...x.versions].map(([tool, byVersion]) => [tool, [...byVersion].map(([v, a]) => [v, agg(a)])]),
  };
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);

function aggFromJson(v: unknown): Agg | null {
  if (typeof v !== "object" || v === null) return null;
  const a = v as Record<string, unknown>;
  const counts = [a.calls, a.successes, a.commandFailures, a.errored, a.lastAt];
  if (!counts.every(isNumber) || !(a.firstDay === null || typeof a.firstDay === "string")) return null;
  const classes = a.classes;
  if (
    !Array.isArray(classes) ||
    !classes.every((c) => Array.isArray(c) && typeof c[0] === "string" && isNumber(c[1]))
  )
    return null;
  const histograms = a.histograms;
  const histogramOk = (h: unknown) =>
    typeof h === "object" &&
    h !== null &&
    isNumbers((h as Histogram).buckets) &&
    isNumbers((h as Histogram).counts) &&
    isNumbers((h as Histogram).maxes);
  if (!Array.isArray(histograms) || !histograms.every(histogramOk)) return null;
  return {
    calls: a.calls as number,
    successes: a.successes as number,
    commandFailures: a.commandFailures as number,
    errored: a.errored as number,
    classes: new Map(classes as [string, number][]),
    lastAt: a.lastAt as number,
    histograms: histograms as Histogram[],
    firstDay: a.firstDay as string | null,
  };
}

function aggMapFromJson(v: unknown): Map<string, Agg> | null {
  if (!Array.isArray(v)) return null;
  const out = new Map<string, Agg>();
  for (const entry of v) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return null;
    const agg = aggFromJson(entry[1]);
    if (!agg) return null;
    out.set(entry[0], agg);
  }
  return out;
}

/** aggregatedToJson's value read back, or null for anything it did not write. */
export function aggregatedFromJson(value: unknown): Aggregated | null {
  if (typeof value !== "object" || value === null) return null;
  const { tools, versions } = value as { tools?: unknown; versions?: unknown };
  const toolMap = aggMapFromJson(tools);
  if (!toolMap || !Array.isArray(versions)) return null;
  const versionMap = new Map<string, Map<string, Agg>>();
  for (const entry of versions) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return null;
    const byVersion = aggMapFromJson(entry[1]);
    if (!byVersion) return null;
    versionMap.set(entry[0], byVersion);
  }
  return { tools: toolMap, versions: versionMap };
}

/** Two aggregates of disjoint rollups as one (neither is changed): as aggregate() of both lists. */
export function combineAggregates(a: Aggregated, b: Aggregated): Aggregated {
  const both = (x: Agg | undefined, y: Agg | undefined): Agg => {
    if (!x || !y) return (x ?? y) as Agg;
    const classes = new Map(x.classes);
    for (const [k, n] of y.classes) classes.set(k, (classes.get(k) ?? 0) + n);
    const firstDay =
      x.firstDay === null
        ? y.firstDay
        : y.firstDay === null || x.firstDay <= y.firstDay
          ? x.firstDay
          : y.firstDay;
    return {
      calls: x.calls + y.calls,
      successes: x.successes + y.successes,
      commandFailures: x.commandFailures + y.commandFailures,
      errored: x.errored + y.errored,
      classes,
      lastAt: Math.max(x.lastAt, y.lastAt),
      histograms: [...x.histograms, ...y.histograms],
      firstDay,
    };
  };
  const mergeMaps = <T>(x: Map<string, T>, y: Map<string, T>, f: (p?: T, q?: T) => T) => {
    const out = new Map(x);
    for (const [k, v] of y) out.set(k, f(x.get(k), v));
    return out;
  };
  return {
    tools: mergeMaps(a.tools, b.tools, both),
    versions: mergeMaps(a.versions, b.versions, (x, y) => mergeMaps(x ?? new Map(), y ?? new Map(), both)),
  };
}

function percentilesOf(histograms: readonly Histogram[]): { p50: number | null; p95: number | null } {
  const acc = new Accumulator();
  for (const h of histograms) acc.add(h);
  return { p50: acc.percentile(0.5), p95: acc.percentile(0.95) };
}

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);

/** The contract's rows (GET /api/telemetry/tools), most-called first. */
export function toolStatsFrom(rollups: readonly Rollup[]): ToolStats[] {
  const { tools } = aggregate(rollups);
  return [...tools.entries()]
    .map(([tool, agg]) => statsOf(tool, agg))
    .sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
}

function statsOf(tool: string, agg: Agg): ToolStats {
  const { p50, p95 } = percentilesOf(agg.histograms);
  return {
    tool,
    calls: agg.calls,
    successes: agg.successes,
    failures: agg.calls - agg.successes,
    successRate: agg.calls === 0 ? 0 : agg.successes / agg.calls,
    p50Ms: p50 ?? 0,
    p95Ms: p95 ?? 0,
    lastUsedAt: iso(agg.lastAt),
  };
}

function versionStats(version: string, agg: Agg): VersionStats {
  const { p50, p95 } = percentilesOf(agg.histograms);
  return {
    version,
    calls: agg.calls,
    successes: agg.successes,
    successRate: agg.calls === 0 ? null : agg.successes / agg.calls,
    errorRate: agg.calls === 0 ? null : agg.errored / agg.calls,
    p50Ms: p50,
    p95Ms: p95,
    firstAt: agg.firstDay ? `${agg.firstDay}T00:00:00.000Z` : null,
    lastAt: iso(agg.lastAt),
  };
}

/** Calls, successes, failures, percentiles and the error-class mix per day, and per tool per day. */
export function dailyFrom(rollups: readonly Rollup[], days: readonly string[]): DailyPoint[] {
  const byDay = new Map<string, Rollup[]>();
  for (const r of rollups) if (r.day) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  return days.map((day) => {
    const point: DailyPoint = {
      day,
      calls: 0,
      successes: 0,
      failed: 0,
      p50Ms: null,
      p95Ms: null,
      byClass: {},
      byTool: {},
    };
    const acc = new Accumulator();
    for (const r of byDay.get(day) ?? []) {
      for (const g of r.groups) {
        point.calls += g.calls;
        point.successes += g.successes;
        if (g.errorClass) {
          point.failed += g.calls;
          point.byClass[g.errorClass] = (point.byClass[g.errorClass] ?? 0) + g.calls;
        }
        const t = point.byTool[g.tool] ?? [0, 0];
        t[0] += g.calls;
        t[1] += g.successes;
        point.byTool[g.tool] = t;
      }
      for (const h of r.histograms) acc.add(h.histogram);
    }
    point.p50Ms = acc.percentile(0.5);
    point.p95Ms = acc.percentile(0.95);
    return point;
  });
}

/** run_command grouped by normalized command, the most failures first (then the most used). */
export function commandsFrom(rollups: readonly Rollup[], limit = 10, failingOnly = true): CommandStat[] {
  const merged = new Map<string, { calls: number; failures: number }>();
  for (const r of rollups) {
    for (const c of r.commands) {
      const entry = merged.get(c.command) ?? { calls: 0, failures: 0 };
      entry.calls += c.calls;
      entry.failures += c.failures;
      merged.set(c.command, entry);
    }
  }
  return [...merged.entries()]
    .filter(([, v]) => !failingOnly || v.failures > 0)
    .map(([command, v]) => ({ command, ...v, failureRate: v.failures / v.calls }))
    .sort(
      (a, b) =>
        b.failures - a.failures ||
        b.failureRate - a.failureRate ||
        b.calls - a.calls ||
        a.command.localeCompare(b.command),
    )
    .slice(0, limit);
}

// ------------------------------------------------------------------------------------------------
// Versions

export interface CatalogVersion {
  id: string;
  name: string;
  version: number;
  status: string;
  origin: string;
  parentId: string | null;
  createdAt: Date;
}

/** Two-proportion z statistic for a drop from rate a (n = na) to rate b (n = nb). */
function zDrop(sa: number, na: number, sb: number, nb: number): number {
  const pooled = (sa + sb) / (na + nb);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  if (se === 0) return 0;
  return (sa / na - sb / nb) / se;
}

export function compareVersions(
  current: VersionStats,
  parent: VersionStats | null,
): Pick<VersionScorecard, "regressed" | "improved" | "verdict"> {
  if (!parent) return { regressed: false, improved: false, verdict: "first version" };
  if (current.calls < REGRESSION_MIN_CALLS || parent.calls < REGRESSION_MIN_CALLS) {
    return {
      regressed: false,
      improved: false,
      verdict: `too few calls to compare (${current.calls} vs ${parent.calls}; need ${REGRESSION_MIN_CALLS} each)`,
    };
  }
  const drop = (parent.successRate ?? 0) - (current.successRate ?? 0);
  const z = zDrop(parent.successes, parent.calls, current.successes, current.calls);
  const slower =
    current.p50Ms !== null && parent.p50Ms !== null && parent.p50Ms > 0 ? current.p50Ms / parent.p50Ms : 1;
  const reasons: string[] = [];
  const gains: string[] = [];
  const points = (d: number) => `${Math.abs(d * 100).toFixed(1)} points`;
  if (drop >= REGRESSION_RATE_DROP && z >= 1.96) reasons.push(`success ${points(drop)} lower`);
  if (-drop >= REGRESSION_RATE_DROP && z <= -1.96) gains.push(`success ${points(drop)} higher`);
  if (slower >= REGRESSION_SLOWER) reasons.push(`median ${slower.toFixed(1)}× slower`);
  if (slower <= 1 / REGRESSION_SLOWER) gains.push(`median ${(1 / slower).toFixed(1)}× faster`);
  if (reasons.length)
    return { regressed: true, improved: false, verdict: `regressed: ${reasons.join(", ")}` };
  if (gains.length) return { regressed: false, improved: true, verdict: `improved: ${gains.join(", ")}` };
  return { regressed: false, improved: false, verdict: "no significant change" };
}

const versionNumber = (label: string) => (/^v(\d+)$/.exec(label) ? Number(label.slice(1)) : null);

/**
 * Before/after per tool version: each agent or user tool version with calls, against its parent
 * (the version it replaced; the previous number when the catalog does not say).
 */
export function scorecardsFrom(
  versions: Map<string, Map<string, Agg>>,
  catalog: readonly CatalogVersion[],
): VersionScorecard[] {
  const byId = new Map(catalog.map((v) => [v.id, v]));
  const byName = new Map<string, CatalogVersion[]>();
  for (const v of catalog) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  const cards: VersionScorecard[] = [];
  for (const [tool, byVersion] of versions) {
    for (const [label, agg] of byVersion) {
      const number = versionNumber(label);
      if (number === null) continue; // builtin
      const entry = byName.get(tool)?.find((v) => v.version === number);
      const parentEntry = entry?.parentId ? byId.get(entry.parentId) : undefined;
      const parentLabel = parentEntry ? `v${parentEntry.version}` : number > 1 ? `v${number - 1}` : null;
      const parentAgg = parentLabel ? byVersion.get(parentLabel) : undefined;
      const current = versionStats(label, agg);
      const parent = parentAgg && parentLabel ? versionStats(parentLabel, parentAgg) : null;
      cards.push({
        tool,
        origin: originOf(byName.get(tool)),
        current,
        parent,
        status: entry?.status ?? null,
        ...compareVersions(current, parent),
      });
    }
  }
  return cards.sort((a, b) =>
    a.tool === b.tool
      ? (versionNumber(b.current.version) ?? 0) - (versionNumber(a.current.version) ?? 0)
      : a.tool.localeCompare(b.tool),
  );
}

// ------------------------------------------------------------------------------------------------
// Health table

function originOf(versions: readonly CatalogVersion[] | undefined, builtin = false): ToolOrigin | null {
  if (builtin) return "builtin";
  const origin = versions?.at(-1)?.origin;
  return origin === "agent" || origin === "user" ? origin : null;
}

/** The version the agent is offered now: the active one, else the newest that is not refused. */
function currentOf(versions: readonly CatalogVersion[] | undefined): CatalogVersion | undefined {
  if (!versions?.length) return undefined;
  return (
    versions.find((v) => v.status === "active") ??
    [...versions].reverse().find((v) => !["invalid", "rejected", "proposed"].includes(v.status)) ??
    versions.at(-1)
  );
}

export interface HealthInput {
  rollups: readonly Rollup[];
  /** aggregate(rollups), when the caller has it already. */
  aggregated?: Aggregated;
  /** All-time per-version aggregates (for the regression flag). */
  scorecards: readonly VersionScorecard[];
  catalog: readonly CatalogVersion[];
  builtins: readonly string[];
  recent: { count: number; oldest: number | null; tools: Set<string> };
  unusedAfterSessions: number;
}

export function healthFrom(input: HealthInput): ToolHealth[] {
  const { tools, versions: called } = input.aggregated ?? aggregate(input.rollups);
  const byName = new Map<string, CatalogVersion[]>();
  for (const v of input.catalog) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  const names = new Set<string>([...tools.keys(), ...input.builtins]);
  for (const [name, versions] of byName) if (currentOf(versions)?.status === "active") names.add(name);
  const builtins = new Set(input.builtins);
  const rows: ToolHealth[] = [];
  for (const tool of names) {
    const agg = tools.get(tool) ?? newAgg();
    const versions = byName.get(tool);
    const builtin = builtins.has(tool);
    const written = !builtin && originOf(versions) !== null;
    const current = builtin ? undefined : currentOf(versions);
    const offered = builtin || current?.status === "active";
    const existedBefore =
      builtin ||
      (current !== undefined &&
        input.recent.oldest !== null &&
        current.createdAt.getTime() <= input.recent.oldest);
    const card = current
      ? input.scorecards.find((c) => c.tool === tool && c.current.version === `v${current.version}`)
      : undefined;
    const stats = statsOf(tool, agg);
    // an MCP server's tool: no catalog entry, its calls name the server (`mcp:<server>`)
    const servers =
      builtin || versions ? [] : [...(called.get(tool)?.keys() ?? [])].filter((v) => v.startsWith("mcp:"));
    const flags: ToolFlags = {
      // an agent- or user-written tool is unproven code: one failed call of one is already a signal
      failing: agg.calls >= (written ? 1 : FAILING_MIN_CALLS) && stats.failures / agg.calls > FAILING_ABOVE,
      unused:
        offered &&
        existedBefore &&
        input.recent.count >= input.unusedAfterSessions &&
        !input.recent.tools.has(tool),
      regressed: card?.regressed ?? false,
    };
    rows.push({
      ...stats,
      origin: servers.length ? "mcp" : originOf(versions, builtin),
      version: builtin
        ? "builtin"
        : current
          ? `v${current.version}`
          : servers.length === 1
            ? (servers[0] ?? null)
            : servers.length
              ? "mcp"
              : null,
      status: builtin ? "active" : (current?.status ?? null),
      commandFailures: agg.commandFailures,
      errorClasses: [...agg.classes.entries()]
        .map(([errorClass, calls]) => ({ errorClass, calls }))
        .sort((a, b) => b.calls - a.calls),
      flags,
    });
  }
  return rows.sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
}

// ------------------------------------------------------------------------------------------------
// Learning loop and spend

export interface LearningInput {
  learningByDay: { day: string; source: string; n: number }[];
  learningUse: { total: number; used: number; uses: number };
  sessions: { day: string; sessions: number; inputTokens: number; outputTokens: number; costUsd: number }[];
  completedTurns: { day: string; n: number }[];
  reflections: { eligible: number; reflected: number; failed: number };
  frictions: { outcome: string; kind: string; n: number }[];
  skills: { skill: string; kind: string; n: number }[];
  workingMemory: { version: number; createdAt: Date; content: string } | null;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function learningFrom(input: LearningInput, days: readonly string[]): LearningHealth {
  const sessions = input.sessions.reduce((sum, s) => sum + s.sessions, 0);
  const bySource: Record<string, number> = {};
  const perDay = new Map<string, Record<string, number>>();
  for (const row of input.learningByDay) {
    bySource[row.source] = (bySource[row.source] ?? 0) + row.n;
    const day = perDay.get(row.day) ?? {};
    day[row.source] = (day[row.source] ?? 0) + row.n;
    perDay.set(row.day, day);
  }
  const perSessionBySource: Record<string, number> = {};
  for (const [source, n] of Object.entries(bySource))
    perSessionBySource[source] = sessions ? n / sessions : 0;
  let total = 0;
  let converted = 0;
  let pending = 0;
  const byKind: Record<string, number> = {};
  for (const f of input.frictions) {
    byKind[f.kind] = (byKind[f.kind] ?? 0) + f.n;
    if (f.outcome === "pending") pending += f.n;
    else total += f.n;
    if (f.outcome === "tool_built" || f.outcome === "tool_changed") converted += f.n;
  }
  const skills = new Map<string, { skill: string; suggested: number; loaded: number }>();
  for (const s of input.skills) {
    const entry = skills.get(s.skill) ?? { skill: s.skill, suggested: 0, loaded: 0 };
    if (s.kind === "loaded") entry.loaded += s.n;
    else entry.suggested += s.n;
    skills.set(s.skill, entry);
  }
  const memory = input.workingMemory;
  return {
    sessions,
    perSessionBySource,
    learningByDay: days.map((day) => ({ day, bySource: perDay.get(day) ?? {} })),
    reflection: {
      ...input.reflections,
      coverage: ratio(input.reflections.reflected, input.reflections.eligible),
    },
    friction: { total, converted, pending, rate: ratio(converted, total), byKind },
    skills: [...skills.values()].sort((a, b) => b.loaded - a.loaded || b.suggested - a.suggested),
    workingMemory: {
      learningEvents: input.learningUse.total,
      used: input.learningUse.used,
      uses: input.learningUse.uses,
      version: memory?.version ?? null,
      items: memory
        ? memory.content.split("\n").filter((line) => /^\s*([-*]|\d+\.)\s+\S/.test(line)).length
        : 0,
      updatedAt: memory ? memory.createdAt.toISOString() : null,
    },
  };
}

const TIER_ORDER: Record<TierSpend["tier"], number> = { fast: 0, strong: 1, untiered: 2 };

/**
 * Cost, tokens and steps per model tier, with the models that answered on each. Steps recorded
 * without tiers (no strong model set) are their own row, `untiered`; a tier value nobody writes is
 * counted there too rather than shown as a tier.
 */
export function tierSpendFrom(rows: readonly RollupStep[]): TierSpend[] {
  const tiers = new Map<TierSpend["tier"], TierSpend>();
  for (const row of rows) {
    const tier = row.tier === "fast" || row.tier === "strong" ? row.tier : "untiered";
    const entry = tiers.get(tier) ?? {
      tier,
      models: [],
      steps: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      costPerStep: null,
    };
    if (row.model && !entry.models.includes(row.model)) entry.models.push(row.model);
    entry.steps += row.steps;
    entry.inputTokens += row.inputTokens;
    entry.outputTokens += row.outputTokens;
    entry.costUsd += row.costUsd;
    entry.costPerStep = ratio(entry.costUsd, entry.steps);
    tiers.set(tier, entry);
  }
  return [...tiers.values()]
    .map((t) => ({ ...t, models: [...t.models].sort() }))
    .sort((a, b) => TIER_ORDER[a.tier] - TIER_ORDER[b.tier]);
}

/** Spend per session, per completed task and (from the range's day rollups' model steps) per tier. */
export function spendFrom(
  input: LearningInput,
  days: readonly string[],
  steps: readonly RollupStep[] = [],
): SpendHealth {
  const sessions = new Map(input.sessions.map((s) => [s.day, s]));
  const turns = new Map(input.completedTurns.map((t) => [t.day, t.n]));
  const daily = days.map((day) => {
    const s = sessions.get(day);
    const completedTasks = turns.get(day) ?? 0;
    const costUsd = s?.costUsd ?? 0;
    return {
      day,
      sessions: s?.sessions ?? 0,
      completedTasks,
      tokens: (s?.inputTokens ?? 0) + (s?.outputTokens ?? 0),
      costUsd,
      costPerSession: ratio(costUsd, s?.sessions ?? 0),
      costPerTask: ratio(costUsd, completedTasks),
    };
  });
  const sum = (f: (s: (typeof input.sessions)[number]) => number) =>
    input.sessions.reduce((acc, s) => acc + f(s), 0);
  const count = sum((s) => s.sessions);
  const inputTokens = sum((s) => s.inputTokens);
  const outputTokens = sum((s) => s.outputTokens);
  const costUsd = sum((s) => s.costUsd);
  const completedTasks = input.completedTurns.reduce((acc, t) => acc + t.n, 0);
  return {
    sessions: count,
    completedTasks,
    inputTokens,
    outputTokens,
    costUsd,
    tokensPerSession: ratio(inputTokens + outputTokens, count),
    costPerSession: ratio(costUsd, count),
    // spend of every session (failed attempts included) per task that completed
    tokensPerTask: ratio(inputTokens + outputTokens, completedTasks),
    costPerTask: ratio(costUsd, completedTasks),
    daily,
    byTier: tierSpendFrom(steps),
  };
}

// ------------------------------------------------------------------------------------------------
// Hypotheses

export interface HypothesisRow {
  id: string;
  claim: string;
  subjectType: string;
  subjectRef: string;
  metric: string;
  comparator: string;
  baseline: number | null;
  target: number;
  observed: number | null;
  verdict: string;
  startedAt: Date;
  evaluatedAt: Date | null;
}

/** Resolves a tool-version subject given as a ToolVersion id, "name@v3", "name v3" or "name@3". */
function subjectVersion(
  ref: string,
  catalog: readonly CatalogVersion[],
): { tool: string; version: number } | null {
  const byId = catalog.find((v) => v.id === ref);
  if (byId) return { tool: byId.name, version: byId.version };
  const match = /^(.+?)[@\s]v?(\d+)$/.exec(ref.trim());
  return match ? { tool: match[1] ?? "", version: Number(match[2]) } : null;
}

export function hypothesesFrom(
  rows: readonly HypothesisRow[],
  catalog: readonly CatalogVersion[],
  scorecards: readonly VersionScorecard[],
): HypothesisCard[] {
  return rows.map((h) => {
    const subject = h.subjectType === "tool_version" ? subjectVersion(h.subjectRef, catalog) : null;
    return {
      id: h.id,
      claim: h.claim,
      subjectType: h.subjectType,
      subjectRef: h.subjectRef,
      subject: subject ? `${subject.tool} v${subject.version}` : h.subjectRef,
      metric: h.metric,
      comparator: h.comparator,
      baseline: h.baseline,
      target: h.target,
      observed: h.observed,
      verdict: h.verdict,
      startedAt: h.startedAt.toISOString(),
      evaluatedAt: h.evaluatedAt?.toISOString() ?? null,
      scorecard: subject
        ? (scorecards.find((c) => c.tool === subject.tool && c.current.version === `v${subject.version}`) ??
          null)
        : null,
    };
  });
}

/** One tool's day-by-day figures (the drill-down's chart). */
export function toolDailyFrom(
  rollups: readonly Rollup[],
  tool: string,
  days: readonly string[],
): DailyPoint[] {
  const only = rollups.map((r) => ({
    ...r,
    groups: r.groups.filter((g) => g.tool === tool),
    histograms: r.histograms.filter((h) => h.tool === tool),
  }));
  return dailyFrom(only, days).map((point) => ({ ...point, byTool: {} }));
}
