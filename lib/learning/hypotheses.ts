import { z } from "zod";
import {
  callOutcomes,
  countAgentToolVersionsIn,
  countDetectedCorrectionsIn,
  countFrictionsIn,
  createHypothesis as insertHypothesis,
  listHypotheses,
  updateHypothesis,
} from "@/lib/db/queries/hypotheses";
import { createOpportunity } from "@/lib/db/queries/opportunities";
import { agentSessionIds } from "@/lib/db/queries/sessions";

/**
 * Metrics a hypothesis can name, all computed from telemetry over a set of agent sessions:
 *   tool_success_rate:<tool>   share of that tool's calls that worked
 *   tool_p50_ms:<tool>         median duration of that tool's calls
 *   frictions_per_session      frictions the harness raised per session
 *   corrections_per_session    corrections the detector found per session
 *   tools_built_per_session    tool versions the agent proposed per session
 */
export const METRIC =
  /^(tool_success_rate|tool_p50_ms):[a-z][a-z0-9_]{1,63}$|^(frictions|corrections|tools_built)_per_session$/;

export const hypothesisInputSchema = z.object({
  claim: z.string().trim().min(5).max(500),
  subjectType: z.enum(["tool_version", "skill", "working_memory"]),
  subjectRef: z.string().trim().min(1).max(200),
  metric: z.string().regex(METRIC, "metric must be one of the documented telemetry metrics"),
  comparator: z.enum(["gte", "lte"]).default("gte"),
  target: z.number(),
  evaluateAfter: z.number().int().min(1).max(100).default(5),
});
export type HypothesisInput = z.infer<typeof hypothesisInputSchema>;

/** The metric over the given sessions, or null when there is nothing to measure. */
export async function measure(metric: string, sessions: string[]): Promise<number | null> {
  if (sessions.length === 0) return null;
  const [kind, tool] = metric.split(":");
  if (kind === "tool_success_rate" || kind === "tool_p50_ms") {
    const calls = await callOutcomes(sessions, tool ?? "");
    if (calls.length === 0) return null;
    if (kind === "tool_success_rate") return calls.filter((c) => c.ok).length / calls.length;
    const sorted = calls.map((c) => c.durationMs).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
  }
  const per = async (count: Promise<number>) => (await count) / sessions.length;
  if (metric === "frictions_per_session") return per(countFrictionsIn(sessions));
  if (metric === "corrections_per_session") return per(countDetectedCorrectionsIn(sessions));
  if (metric === "tools_built_per_session") return per(countAgentToolVersionsIn(sessions));
  return null;
}

/** Stores a hypothesis with its baseline: the metric over the sessions just before it. */
export async function createHypothesis(input: HypothesisInput) {
  const now = new Date();
  const baseline = await measure(
    input.metric,
    await agentSessionIds({ before: now, take: input.evaluateAfter }),
  );
  return insertHypothesis({ ...input, baseline, startedAt: now });
}

/**
 * Evaluates every pending hypothesis whose K sessions have happened: validated or invalidated.
 * An invalidated one raises an opportunity (e.g. roll the change back).
 */
export async function evaluateHypotheses() {
  const all = await listHypotheses();
  for (const h of all) {
    if (h.verdict !== "pending") continue;
    const after = await agentSessionIds({ after: h.startedAt, take: h.evaluateAfter });
    const observed = await measure(h.metric, after);
    if (after.length < h.evaluateAfter || observed === null) {
      if (observed !== null) await updateHypothesis(h.id, { observed });
      continue;
    }
    const met = h.comparator === "gte" ? observed >= h.target : observed <= h.target;
    const verdict = met ? "validated" : "invalidated";
    let opportunityId: string | null = null;
    if (!met) {
      const card = await createOpportunity({
        title: `Hypothesis failed: ${h.claim}`.slice(0, 200),
        what: `Revisit ${h.subjectType} ${h.subjectRef}: roll it back or fix it.`,
        why: `${h.metric} was ${observed.toFixed(3)} after ${h.evaluateAfter} sessions; target ${h.comparator === "gte" ? "≥" : "≤"} ${h.target} (baseline ${h.baseline ?? "n/a"}).`,
        successCriteria: `${h.metric} ${h.comparator === "gte" ? "≥" : "≤"} ${h.target}`,
        impact: "M",
        effort: "S",
        evidence: { hypothesisId: h.id },
      });
      opportunityId = card.id;
    }
    await updateHypothesis(h.id, { observed, verdict, evaluatedAt: new Date(), opportunityId });
  }
  return listHypotheses();
}
