import { type EvaluationRecord, findEvaluation, listEvaluationsOf } from "@/lib/db/queries/evaluations";
import { ApiError } from "@/lib/errors";
import { inputsSchema } from "./engine";
import { type Arm, type EvaluationSummary, figureLine, type RunMeasure, summarize } from "./summary";
import type { EvaluationStatus, EvaluationView } from "./views";

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
