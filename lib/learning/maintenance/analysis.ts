import { listUnconvertedFrictions } from "@/lib/db/queries/frictions";
import { listLearningEventsSince } from "@/lib/db/queries/learning-events";
import { lastMaintenanceRun, maintenanceRunBefore } from "@/lib/db/queries/maintenance";
import { countOpenOpportunities, listSmallOpenOpportunities } from "@/lib/db/queries/opportunities";
import { agentSessionIds } from "@/lib/db/queries/sessions";
import { skillsLoadedIn } from "@/lib/db/queries/skills";
import { runCommandsIn, toolsCalledIn } from "@/lib/db/queries/tool-calls";
import { listActiveToolNames } from "@/lib/db/queries/tool-versions";
import type { MaintenanceAnalysis } from "@/lib/db/schemas/maintenance";
import { listSkills } from "@/lib/skills/catalog";
import { normalizeCommand } from "@/lib/telemetry/normalize-command";
import { toolStats } from "@/lib/telemetry/overview";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { evaluateHypotheses } from "../hypotheses";

/** What code, not the model, finds before a battery change: computed and stored with the pass. */
export type { MaintenanceAnalysis };

const RECENT_SESSIONS = 10;
const STOP_WORDS = new Set(
  "the a an to of and or in on for with use used using not no is was be it this that user agent corrected stated preference".split(
    " ",
  ),
);

function themeOf(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9_.\- ]/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 2 && !STOP_WORDS.has(w));
  return words[0] ?? "other";
}

export async function analyzeForMaintenance(): Promise<MaintenanceAnalysis> {
  const last = await lastMaintenanceRun();
  const since = last?.startedAt ?? null;
  const before = last ? await maintenanceRunBefore(last.startedAt) : null;
  const [current, previous] = await Promise.all([
    toolStats(since ?? undefined),
    since ? toolStats(before?.startedAt ?? new Date(0)) : Promise.resolve([]),
  ]);
  const previousRate = new Map(previous.map((t) => [t.tool, t.failures / Math.max(1, t.calls)]));
  const recentIds = await agentSessionIds({ take: RECENT_SESSIONS });
  const [used, loaded, commands] = await Promise.all([
    toolsCalledIn(recentIds),
    skillsLoadedIn(recentIds),
    runCommandsIn(recentIds, 10_000),
  ]);
  const active = await listActiveToolNames();
  const patterns = new Map<string, { count: number; sessions: Set<string> }>();
  for (const c of commands) {
    const pattern = normalizeCommand(c.inputSummary);
    if (!pattern) continue;
    const entry = patterns.get(pattern) ?? { count: 0, sessions: new Set<string>() };
    entry.count++;
    entry.sessions.add(c.sessionId);
    patterns.set(pattern, entry);
  }
  const learnings = await listLearningEventsSince(since, 200);
  const clusters = new Map<string, { theme: string; type: string; count: number; examples: string[] }>();
  for (const l of learnings) {
    const theme = themeOf(
      l.description.replace(/^The user (corrected the agent|stated a preference):\s*/, ""),
    );
    const key = `${l.type}:${theme}`;
    const cluster = clusters.get(key) ?? { theme, type: l.type, count: 0, examples: [] };
    cluster.count++;
    if (cluster.examples.length < 3) cluster.examples.push(l.description.slice(0, 200));
    clusters.set(key, cluster);
  }
  const frictions = await listUnconvertedFrictions(since, 30);
  const hypotheses = await evaluateHypotheses();
  const [small, openItems] = await Promise.all([listSmallOpenOpportunities(), countOpenOpportunities()]);
  const rank = { H: 0, M: 1, L: 2 } as const;
  small.sort(
    (a, b) =>
      rank[a.impact as keyof typeof rank] - rank[b.impact as keyof typeof rank] ||
      b.passesCarried - a.passesCarried,
  );
  const top = small[0];
  return {
    window: { since: since?.toISOString() ?? null, sessions: recentIds.length },
    tools: current.map((t) => ({
      tool: t.tool,
      calls: t.calls,
      failureRate: t.failures / Math.max(1, t.calls),
      previousFailureRate: previousRate.get(t.tool) ?? null,
      p50Ms: t.p50Ms,
    })),
    unusedTools: [...BUILTIN_NAMES.filter((n) => n !== "propose_tool"), ...active].filter(
      (n) => !used.has(n),
    ),
    unusedSkills: (await listSkills()).map((s) => s.name).filter((n) => !loaded.has(n)),
    repeatedCommands: [...patterns]
      .filter(([, v]) => v.count >= 3)
      .map(([pattern, v]) => ({ pattern, count: v.count, sessions: v.sessions.size }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 15),
    learningClusters: [...clusters.values()].sort((a, b) => b.count - a.count).slice(0, 15),
    unconvertedFrictions: frictions.map((f) => ({ kind: f.kind, detail: f.detail, sessionId: f.sessionId })),
    hypotheses: hypotheses.map((h) => ({
      id: h.id,
      claim: h.claim,
      metric: h.metric,
      target: h.target,
      observed: h.observed,
      verdict: h.verdict,
    })),
    topSmallItem: top ? { id: top.id, title: top.title, impact: top.impact, status: top.status } : null,
    openItems,
  };
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

/** Why there is no top small item: an empty board is not a board of larger items. */
export function noSmallItem(openItems: number | undefined): string {
  if (openItems === undefined) return "none open";
  if (openItems === 0) return "none: the board has no open items";
  return `none: ${openItems === 1 ? "the 1 open item is not" : `none of the ${openItems} open items is`} small-effort`;
}

/** The analysis as the model reads it. */
export function analysisForPrompt(a: MaintenanceAnalysis): string {
  const lines = [
    `## Analysis (computed by code; ${a.window.since ? `since the last pass at ${a.window.since}` : "first pass"})`,
  ];
  lines.push("### Tools (failure rate now vs before)");
  for (const t of a.tools.slice(0, 20))
    lines.push(
      `- ${t.tool}: ${t.calls} calls, ${pct(t.failureRate)} failing${t.previousFailureRate === null ? "" : ` (was ${pct(t.previousFailureRate)})`}, p50 ${Math.round(t.p50Ms)} ms`,
    );
  if (a.unusedTools.length)
    lines.push(`### Unused in the last ${a.window.sessions} sessions\n- tools: ${a.unusedTools.join(", ")}`);
  if (a.unusedSkills.length) lines.push(`- skills: ${a.unusedSkills.join(", ")}`);
  if (a.repeatedCommands.length) {
    lines.push("### Repeated command patterns (tool candidates)");
    for (const r of a.repeatedCommands)
      lines.push(`- "${r.pattern}": ${r.count} runs in ${r.sessions} sessions`);
  }
  if (a.learningClusters.length) {
    lines.push("### Learning events by theme");
    for (const c of a.learningClusters)
      lines.push(`- ${c.type} / ${c.theme} ×${c.count}: ${c.examples.join(" | ")}`);
  }
  if (a.unconvertedFrictions.length) {
    lines.push("### Friction that did not lead to a tool");
    for (const f of a.unconvertedFrictions.slice(0, 15)) lines.push(`- ${f.kind}: ${f.detail}`);
  }
  if (a.hypotheses.length) {
    lines.push("### Hypotheses");
    for (const h of a.hypotheses)
      lines.push(
        `- [${h.id}] ${h.claim} — ${h.metric} target ${h.target}, observed ${h.observed ?? "n/a"}: ${h.verdict}`,
      );
  }
  lines.push(
    a.topSmallItem
      ? `### Top small-effort item (you MUST act on it this pass)\n- [${a.topSmallItem.id}] ${a.topSmallItem.title} (impact ${a.topSmallItem.impact}${a.topSmallItem.status === "in_progress" ? ", in progress: finish it or drop it" : ""})`
      : `### Top small-effort item\n- ${noSmallItem(a.openItems)}`,
  );
  return lines.join("\n");
}
