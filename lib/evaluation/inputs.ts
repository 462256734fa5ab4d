import { z } from "zod";
import { previousWorkingMemory } from "@/lib/db/queries/evaluation-subjects";
import { currentWorkingMemory } from "@/lib/db/queries/working-memory";
import type { Change, Resolved } from "./subjects";

/**
 * What an evaluation is fixed to when it is asked for: the subject, the exact versions each arm
 * sees, the cases, the model. Stored with the evaluation (`Evaluation.inputs`) and never changed.
 */

const toolSubject = z.object({ kind: z.literal("tool"), name: z.string(), sha256: z.string() });
const memorySubject = z.object({ kind: z.literal("memory"), version: z.number() });
const skillSubject = z.object({ kind: z.literal("skill"), name: z.string(), version: z.number() });
const skillVersionRef = z.object({ id: z.string(), version: z.number(), sha256: z.string() });

/** The exact inputs an evaluation ran with, stored with it and never changed. */
export const inputsSchema = z.object({
  subject: z.discriminatedUnion("kind", [
    toolSubject,
    memorySubject,
    skillSubject,
    z.object({ kind: z.literal("hypothesis"), id: z.string() }),
  ]),
  /** A hypothesis subject: the hypothesis as it read, and the change it is about (what is replayed). */
  hypothesis: z
    .object({ id: z.string(), claim: z.string(), subjectType: z.string(), subjectRef: z.string() })
    .optional(),
  change: z.discriminatedUnion("kind", [toolSubject, memorySubject, skillSubject]).optional(),
  /** The tool version evaluated (a tool change). */
  toolVersion: z.object({ id: z.string(), version: z.number(), status: z.string() }).optional(),
  /** The working memory in force when it started, the baseline's (a memory change). */
  baselineMemory: z.number().nullable().optional(),
  /** The skill versions each arm sees (a skill change); baseline null: the skill did not exist before. */
  skill: z
    .object({ name: z.string(), candidate: skillVersionRef, baseline: skillVersionRef.nullable() })
    .optional(),
  cases: z.array(
    z.object({
      turnId: z.string(),
      workspace: z.string(),
      tree: z.string(),
      message: z.string(),
      verification: z.union([
        z.object({ kind: z.literal("command"), command: z.string(), exitCode: z.number() }),
        z.object({ kind: z.literal("rubric"), rubric: z.string() }),
      ]),
      tokens: z.number(),
      costUsd: z.number(),
    }),
  ),
  model: z.string(),
  api: z.string(),
  repeats: z.number(),
  budgetUsd: z.number(),
  /** What fixes the model's sampling: nothing is set, the endpoint's defaults apply to both arms. */
  sampling: z.string(),
});
export type EvaluationInputs = z.infer<typeof inputsSchema>;

type ChangeSubject = NonNullable<EvaluationInputs["change"]>;

/** How a subject is found again: tool name@sha256, skill name@version, memory version, hypothesis id. */
export function subjectRef(subject: EvaluationInputs["subject"]): string {
  switch (subject.kind) {
    case "tool":
      return `${subject.name}@${subject.sha256}`;
    case "skill":
      return `${subject.name}@${subject.version}`;
    case "memory":
      return String(subject.version);
    case "hypothesis":
      return subject.id;
  }
}

/** The exact versions each arm will see, fixed when the evaluation is asked for. */
async function fixChange(
  change: Change,
): Promise<Pick<EvaluationInputs, "toolVersion" | "baselineMemory" | "skill"> & { subject: ChangeSubject }> {
  switch (change.kind) {
    case "tool": {
      const v = change.version;
      return {
        subject: { kind: "tool", name: v.name, sha256: v.sha256 },
        toolVersion: { id: v.id, version: v.version, status: v.status },
      };
    }
    case "memory": {
      const version = change.memory.version;
      const current = (await currentWorkingMemory())?.version ?? null;
      // against what is in force; for the version in force itself, against the one it replaced
      const baselineMemory =
        current !== version ? current : ((await previousWorkingMemory(version))?.version ?? null);
      return { subject: { kind: "memory", version }, baselineMemory };
    }
    case "skill": {
      const ref = (v: { id: string; version: number; sha256: string }) => ({
        id: v.id,
        version: v.version,
        sha256: v.sha256,
      });
      const { candidate, baseline } = change;
      return {
        subject: { kind: "skill", name: candidate.name, version: candidate.version },
        skill: { name: candidate.name, candidate: ref(candidate), baseline: baseline ? ref(baseline) : null },
      };
    }
  }
}

export async function fixedInputs(
  resolved: Resolved,
): Promise<Omit<EvaluationInputs, "cases" | "model" | "api" | "repeats" | "budgetUsd" | "sampling">> {
  const fixed = await fixChange(resolved.change);
  if (!resolved.hypothesis) return fixed;
  return {
    ...fixed,
    subject: { kind: "hypothesis", id: resolved.hypothesis.id },
    hypothesis: resolved.hypothesis,
    change: fixed.subject,
  };
}
