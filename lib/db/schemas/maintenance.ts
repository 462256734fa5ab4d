import { z } from "zod";

/**
 * A battery change's stored JSON: the analysis code computes before the pass
 * (lib/learning/maintenance/analysis.ts) and the results recorded after each of its turns.
 */
const text = z.string();
const count = z.number();

export const maintenanceAnalysisSchema = z.object({
  window: z.object({ since: text.nullable(), sessions: count }),
  tools: z.array(
    z.object({
      tool: text,
      calls: count,
      failureRate: count,
      previousFailureRate: count.nullable(),
      p50Ms: count,
    }),
  ),
  unusedTools: z.array(text),
  unusedSkills: z.array(text),
  repeatedCommands: z.array(z.object({ pattern: text, count, sessions: count })),
  learningClusters: z.array(z.object({ theme: text, type: text, count, examples: z.array(text) })),
  unconvertedFrictions: z.array(z.object({ kind: text, detail: text, sessionId: text })),
  hypotheses: z.array(
    z.object({
      id: text,
      claim: text,
      metric: text,
      target: count,
      observed: count.nullable(),
      verdict: text,
    }),
  ),
  // status: where the item stood when the pass began (absent in analyses stored before it was recorded)
  topSmallItem: z.object({ id: text, title: text, impact: text, status: text.optional() }).nullable(),
  /** Open items on the board (to do and in progress), of any effort. */
  openItems: count.optional(),
});
export type MaintenanceAnalysis = z.infer<typeof maintenanceAnalysisSchema>;

/** Every field is optional: a pass that is still running has recorded only part of them. */
export const maintenanceResultsSchema = z
  .object({
    workingMemoryVersion: count.nullable(),
    opportunities: z.array(z.object({ id: text, title: text, status: text, created: z.boolean() })),
    proposals: z.array(z.object({ name: text, version: count, status: text })),
    hypotheses: z.array(z.object({ id: text, claim: text })),
    smallItemsActed: count,
    /** The harness has asked once more to act on the top small item. */
    nudged: z.boolean(),
  })
  .partial();
export type MaintenanceResults = z.infer<typeof maintenanceResultsSchema>;
