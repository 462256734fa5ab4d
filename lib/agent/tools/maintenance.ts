import { z } from "zod";
import { findRunBySession } from "@/lib/db/queries/maintenance";
import { createOpportunity, findOpportunity, updateOpportunity } from "@/lib/db/queries/opportunities";
import { saveWorkingMemory } from "@/lib/db/queries/working-memory";
import { createHypothesis, hypothesisInputSchema } from "@/lib/learning/hypotheses";
import {
  WORKING_MEMORY_MAX_LINES,
  WORKING_MEMORY_SECTIONS,
  workingMemoryProblem,
} from "@/lib/learning/working-memory";
import { type BuiltinTool, defineTool } from "@/lib/tools/types";

// The battery change's own tools, beside the other built-ins; what they check and store is the
// learning loop's (working-memory rules, hypotheses, the opportunities board).

const writeWorkingMemory = defineTool({
  name: "write_working_memory",
  description:
    `Replace the working memory injected into every session's prompt. Markdown with exactly these sections as "## " headings: ${WORKING_MEMORY_SECTIONS.join(", ")}. ` +
    `At most ${WORKING_MEMORY_MAX_LINES} lines. Keep what still holds, add what this pass learned, drop what is stale.`,
  inputSchema: z.object({ content: z.string().min(1).max(30_000) }),
  summarize: (input) => `${input.content.split("\n").length} lines`,
  async execute(input, ctx) {
    const problem = workingMemoryProblem(input.content);
    if (problem)
      return {
        state: "error",
        output: `Not saved: ${problem}.`,
        summary: "refused",
        errorClass: "tool_error",
      };
    const run = await findRunBySession(ctx.sessionId);
    const saved = await saveWorkingMemory(input.content.trim(), "maintenance", run?.id ?? null);
    return {
      state: "completed",
      output: `Working memory v${saved.version} saved.`,
      summary: `v${saved.version}`,
    };
  },
});

const level = z.enum(["H", "M", "L"]);
const size = z.enum(["S", "M", "L"]);

const addOpportunity = defineTool({
  name: "add_opportunity",
  description:
    "Add a card to the OPPORTUNITIES board: something worth improving, with evidence. Impact H/M/L, effort S/M/L.",
  inputSchema: z.object({
    title: z.string().min(3).max(200),
    what: z.string().max(4000),
    why: z.string().max(4000),
    success_criteria: z.string().max(4000),
    impact: level,
    effort: size,
    evidence: z
      .array(z.string().max(300))
      .max(20)
      .optional()
      .describe("Session ids, tool names, commands, learning ids."),
  }),
  summarize: (input) => `${input.title} (${input.impact}/${input.effort})`,
  async execute(input, ctx) {
    const run = await findRunBySession(ctx.sessionId);
    const card = await createOpportunity({
      title: input.title,
      what: input.what,
      why: input.why,
      successCriteria: input.success_criteria,
      impact: input.impact,
      effort: input.effort,
      runId: run?.id ?? null,
      ...(input.evidence ? { evidence: { refs: input.evidence } } : {}),
    });
    return { state: "completed", output: `Added opportunity ${card.id}.`, summary: card.id };
  },
});

const updateOpportunityTool = defineTool({
  name: "update_opportunity",
  description:
    "Move or edit an opportunity: status todo | in_progress | done | dropped (dropping needs drop_reason). Use it to act on the top small-effort item.",
  inputSchema: z.object({
    id: z.string().min(1),
    status: z.enum(["todo", "in_progress", "done", "dropped"]).optional(),
    drop_reason: z.string().max(2000).optional(),
    title: z.string().min(3).max(200).optional(),
    what: z.string().max(4000).optional(),
    why: z.string().max(4000).optional(),
    success_criteria: z.string().max(4000).optional(),
    impact: level.optional(),
    effort: size.optional(),
  }),
  summarize: (input) => `${input.id}${input.status ? ` → ${input.status}` : ""}`,
  async execute(input, _ctx) {
    const card = await findOpportunity(input.id);
    if (!card)
      return {
        state: "error",
        output: `No opportunity ${input.id}.`,
        summary: "not found",
        errorClass: "tool_error",
      };
    if (input.status === "dropped" && !input.drop_reason?.trim())
      return {
        state: "error",
        output: "Dropping needs drop_reason.",
        summary: "refused",
        errorClass: "tool_error",
      };
    const updated = await updateOpportunity(input.id, {
      ...(input.status ? { status: input.status } : {}),
      ...(input.drop_reason ? { dropReason: input.drop_reason } : {}),
      ...(input.title ? { title: input.title } : {}),
      ...(input.what !== undefined ? { what: input.what } : {}),
      ...(input.why !== undefined ? { why: input.why } : {}),
      ...(input.success_criteria !== undefined ? { successCriteria: input.success_criteria } : {}),
      ...(input.impact ? { impact: input.impact } : {}),
      ...(input.effort ? { effort: input.effort } : {}),
    });
    return {
      state: "completed",
      output: `Opportunity ${updated.id} is ${updated.status}.`,
      summary: updated.status,
    };
  },
});

const recordHypothesis = defineTool({
  name: "record_hypothesis",
  description:
    "Attach a testable hypothesis to an improvement (a tool version, a skill edit, a working-memory change): a telemetry metric, a target, and after how many sessions to judge it. " +
    "Metrics: tool_success_rate:<tool>, tool_p50_ms:<tool>, frictions_per_session, corrections_per_session, tools_built_per_session.",
  inputSchema: z.object({
    claim: z.string().min(5).max(500),
    subject_type: z.enum(["tool_version", "skill", "working_memory"]),
    subject_ref: z.string().min(1).max(200),
    metric: z.string(),
    comparator: z.enum(["gte", "lte"]),
    target: z.number(),
    evaluate_after: z.number().int().min(1).max(100).optional(),
  }),
  summarize: (input) => `${input.metric} ${input.comparator === "gte" ? "≥" : "≤"} ${input.target}`,
  async execute(input) {
    const parsed = hypothesisInputSchema.safeParse({
      claim: input.claim,
      subjectType: input.subject_type,
      subjectRef: input.subject_ref,
      metric: input.metric,
      comparator: input.comparator,
      target: input.target,
      ...(input.evaluate_after ? { evaluateAfter: input.evaluate_after } : {}),
    });
    if (!parsed.success)
      return {
        state: "error",
        output: z.prettifyError(parsed.error),
        summary: "refused",
        errorClass: "tool_error",
      };
    const h = await createHypothesis(parsed.data);
    return {
      state: "completed",
      output: `Hypothesis ${h.id} recorded; baseline ${h.baseline ?? "n/a"}, judged after ${h.evaluateAfter} sessions.`,
      summary: h.id,
    };
  },
});

/** Extra tools a maintenance session gets; their writes are the pass's results, kept if it stops early. */
export const MAINTENANCE_TOOLS: readonly BuiltinTool[] = [
  writeWorkingMemory,
  addOpportunity,
  updateOpportunityTool,
  recordHypothesis,
];
