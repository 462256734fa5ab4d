import "server-only";
import { z } from "zod";
import { type EvaluationRecord, findEvaluation, listEvaluationsOf } from "@/lib/db/queries/evaluations";
import { ApiError } from "@/lib/errors";
import type { ReplayCase, Verification } from "./cases";
import { inputsSchema } from "./engine";
import { type Arm, type EvaluationSummary, figureLine, type RunMeasure, summarize } from "./summary";

export type { EvaluationSummary, RunMeasure, Verification };

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

/** What an evaluation evaluates. Tool and working-memory versions for now; the other kinds are refused with a reason. */
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

export type EvaluationStatus = "queued" | "running" | "completed" | "cancelled" | "budget_stopped" | "failed";

/** GET /api/evaluations/:id */
export interface EvaluationView {
  id: string;
  status: EvaluationStatus;
  subject: Subject;
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
  | { available: false; reason: string };

/** GET /api/evaluations?tool=…&sha256=…: a version's evaluations, newest first, and what a new one would cost. */
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

/** A tool version's evaluations, newest first (the approval card shows the newest). */
export async function toolEvaluations(name: string, sha256: string): Promise<EvaluationView[]> {
  const rows = await listEvaluationsOf("tool", `${name}@${sha256}`);
  return rows.map(evaluationView);
}
