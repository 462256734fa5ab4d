import "server-only";
import { z } from "zod";
import { type EvaluationRecord, findEvaluation, listEvaluationsOf } from "@/lib/db/queries/evaluations";
import { ApiError } from "@/lib/errors";
import type { MaintenanceRun, RunEvaluations } from "@/lib/learning/views";
import type { ReplayCase, Verification } from "./cases";
import { inputsSchema, subjectRef } from "./inputs";
import type { EvaluationProgress, EvaluationStatus } from "./progress";
import {
  type Arm,
  type EvaluationSummary,
  figureLine,
  type RunMeasure,
  shortFigures,
  summarize,
} from "./summary";

export type { EvaluationProgress, EvaluationStatus, EvaluationSummary, RunMeasure, Verification };

/** One case of GET /api/replay-cases. */
export interface ReplayCaseView {
  turnId: string;
  sessionId: string;
  startedAt: string;
  message: string;
  model: string | null;
  verification: Verification;
  reason: ReplayCase["reason"];
  similarity: number;
  tokens: number;
  costUsd: number;
  steps: number;
  included: boolean;
  chosen: boolean;
}

export interface ReplayCaseList {
  workspace: string;
  cases: ReplayCaseView[];
}

export function replayCaseView(c: ReplayCase): ReplayCaseView {
  return {
    turnId: c.turnId,
    sessionId: c.sessionId,
    startedAt: c.startedAt.toISOString(),
    message: c.message,
    model: c.model,
    verification: c.verification,
    reason: c.reason,
    similarity: c.similarity,
    tokens: c.tokens,
    costUsd: c.costUsd,
    steps: c.steps,
    included: c.included,
    chosen: c.chosen,
  };
}

const sha = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters");
const toolName = z.string().min(1).max(64);

export const replayCasesQuerySchema = z.object({
  workspace: z.string().min(1).max(4096),
  tool: toolName.optional(),
  sha256: sha.optional(),
});

export const replayChoiceSchema = z.object({ included: z.boolean() });

/** What an evaluation evaluates: a tool version, a skill version, a working-memory version, or a battery change's hypothesis. */
export const subjectSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("tool"), name: toolName, sha256: sha }),
  z.object({ kind: z.literal("skill"), name: z.string().min(1).max(64), version: z.number().int().min(1) }),
  z.object({ kind: z.literal("memory"), version: z.number().int().min(1) }),
  z.object({ kind: z.literal("hypothesis"), id: z.string().min(1).max(64) }),
]);
export type Subject = z.infer<typeof subjectSchema>;

export const startEvaluationSchema = z.object({
  subject: subjectSchema,
  /** Turn ids of the workspace's replay set; default: its included cases. */
  cases: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
  /** The workspace whose replay set to use; default: the one of the friction turns behind the subject. */
  workspace: z.string().min(1).max(4096).optional(),
  repeats: z.number().int().min(1).max(5).default(2),
  budgetUsd: z.number().min(0).max(1000).optional(),
});
export type StartEvaluation = z.infer<typeof startEvaluationSchema>;

export interface EvaluationStarted {
  id: string;
  estimate: { runs: number; tokens: number; costUsd: number };
}

/** GET /api/evaluations/:id */
export interface EvaluationView {
  id: string;
  status: EvaluationStatus;
  subject: Subject;
  /** A hypothesis subject: the change it is about, which is what was replayed. */
  change: Exclude<Subject, { kind: "hypothesis" }> | null;
  workspace: string;
  model: string;
  repeats: number;
  estimateUsd: number;
  budgetUsd: number;
  spentUsd: number;
  done: number;
  total: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  cases: Array<{ turnId: string; message: string; verification: Verification; runs: RunMeasure[] }>;
  summary: EvaluationSummary | null;
  /** The summary as one line: "3.1 steps vs 6.4, tokens −42 %, …" (null until a run has finished). */
  figures: string | null;
}

/** What starting an evaluation would do now: its cases and estimate, or why it cannot run. */
export type EvaluationPreview =
  | {
      available: true;
      workspace: string;
      cases: number;
      repeats: number;
      estimate: { runs: number; tokens: number; costUsd: number };
      budgetUsd: number;
    }
  /** `needsWorkspace`: the subject has no workspace of its own; name one (`workspace`) to see the cases. */
  | { available: false; reason: string; needsWorkspace?: boolean };

/** GET /api/evaluations?tool=…&sha256=… (or skill, memory, hypothesis): a subject's evaluations, newest first, and what a new one would cost. */
export interface EvaluationList {
  evaluations: EvaluationView[];
  preview: EvaluationPreview;
}

export interface EvaluationCancelled {
  id: string;
  cancelled: true;
}

export interface ReplayChoice {
  turnId: string;
  workspace: string;
  included: boolean;
}

const STATUSES = new Set<EvaluationStatus>([
  "queued",
  "running",
  "completed",
  "cancelled",
  "budget_stopped",
  "failed",
]);

function measureOf(run: EvaluationRecord["runs"][number]): RunMeasure {
  return {
    caseTurnId: run.caseTurnId,
    arm: (run.arm === "candidate" ? "candidate" : "baseline") satisfies Arm,
    repeat: run.repeat,
    passed: run.passed,
    steps: run.steps,
    tokens: run.tokens,
    costUsd: run.costUsd,
    wallMs: run.wallMs,
    failedCalls: run.failedCalls,
    frictions: run.frictions,
  };
}

export function evaluationView(row: EvaluationRecord): EvaluationView {
  const inputs = inputsSchema.parse(row.inputs);
  const runs = row.runs.map(measureOf);
  // while it runs, the summary is worked out from the runs so far; once it ends, the stored one
  const summary = runs.length ? ((row.summary as EvaluationSummary | null) ?? summarize(runs)) : null;
  return {
    id: row.id,
    status: STATUSES.has(row.status as EvaluationStatus) ? (row.status as EvaluationStatus) : "failed",
    subject: inputs.subject,
    change: inputs.change ?? null,
    workspace: row.workspace,
    model: inputs.model,
    repeats: inputs.repeats,
    estimateUsd: row.estimateUsd,
    budgetUsd: row.budgetUsd,
    spentUsd: row.spentUsd,
    done: row.done,
    total: row.total,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    cases: inputs.cases.map((c) => ({
      turnId: c.turnId,
      message: c.message,
      verification: c.verification,
      runs: runs.filter((r) => r.caseTurnId === c.turnId),
    })),
    summary,
    figures: summary ? figureLine(summary) : null,
  };
}

export async function evaluationDetail(id: string): Promise<EvaluationView> {
  const row = await findEvaluation(id);
  if (!row) throw new ApiError("not_found", `No evaluation ${id}.`);
  return evaluationView(row);
}

/** A subject's evaluations, newest first (the approval card and the version views show the newest). */
export async function subjectEvaluations(subject: Subject): Promise<EvaluationView[]> {
  const rows = await listEvaluationsOf(subject.kind, subjectRef(subject));
  return rows.map(evaluationView);
}

export const listQuerySchema = z.object({
  tool: toolName.optional(),
  sha256: sha.optional(),
  skill: z.string().min(1).max(64).optional(),
  version: z.coerce.number().int().min(1).optional(),
  memory: z.coerce.number().int().min(1).optional(),
  hypothesis: z.string().min(1).max(64).optional(),
  /** The workspace whose replay set a new evaluation would use (for subjects without one of their own). */
  workspace: z.string().min(1).max(4096).optional(),
});

/** The one subject a list query names: `tool`+`sha256`, `skill`+`version`, `memory` or `hypothesis`. */
export function subjectOfQuery(q: z.infer<typeof listQuerySchema>): Subject {
  const named = [q.tool, q.skill, q.memory, q.hypothesis].filter((x) => x !== undefined).length;
  if (named === 1) {
    if (q.tool && q.sha256) return { kind: "tool", name: q.tool, sha256: q.sha256 };
    if (q.skill && q.version) return { kind: "skill", name: q.skill, version: q.version };
    if (q.memory) return { kind: "memory", version: q.memory };
    if (q.hypothesis) return { kind: "hypothesis", id: q.hypothesis };
  }
  throw new ApiError(
    "bad_request",
    "Name one subject: tool and sha256, skill and version, memory (a version), or hypothesis (an id).",
  );
}

const FINISHED_WITH_FIGURES = new Set(["completed", "budget_stopped", "cancelled"]);

/** Which of a battery change's hypotheses were evaluated, and how each came out. */
export async function runEvaluations(
  hypotheses: ReadonlyArray<{ id: string; claim: string }>,
): Promise<RunEvaluations> {
  const rows = await Promise.all(
    hypotheses.map(async (h, i) => {
      const evaluations = await listEvaluationsOf("hypothesis", h.id, 5);
      const finished = evaluations.find((e) => FINISHED_WITH_FIGURES.has(e.status) && e.runs.length > 0);
      const summary = finished ? evaluationView(finished).summary : null;
      return {
        id: h.id,
        label: `H${i + 1}`,
        claim: h.claim,
        status: evaluations[0]?.status ?? null,
        figures: summary ? shortFigures(summary) : null,
      };
    }),
  );
  const done = rows.filter((r) => r.figures !== null);
  const line = [
    `evaluated: ${done.length} of ${rows.length}`,
    ...done.map((r) => `${r.label} ${r.figures}`),
  ].join("; ");
  return { line, evaluated: done.length, total: rows.length, hypotheses: rows };
}

/** A battery change as the API shows it: with the evaluations of the hypotheses it recorded. */
export async function withRunEvaluations(run: MaintenanceRun): Promise<MaintenanceRun> {
  const hypotheses = run.results?.hypotheses ?? [];
  if (hypotheses.length === 0) return run;
  return { ...run, evaluations: await runEvaluations(hypotheses) };
}
