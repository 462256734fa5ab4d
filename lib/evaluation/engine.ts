import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findSkillVersionById } from "@/lib/db/queries/evaluation-subjects";
import {
  advanceEvaluation,
  createEvaluation,
  type EvaluationRecord,
  failAbandonedEvaluations,
  findEvaluation,
  recordEvaluationRun,
} from "@/lib/db/queries/evaluations";
import { findToolVersion } from "@/lib/db/queries/tool-versions";
import { findWorkingMemory } from "@/lib/db/queries/working-memory";
import { ApiError } from "@/lib/errors";
import { type MemoryOverride, NO_MEMORY } from "@/lib/learning/prompt-memory";
import { processState } from "@/lib/process-state";
import { loadModelConfig, type ModelConfig } from "@/lib/settings/model-config";
import type { SkillOverride } from "@/lib/skills/scope";
import type { CatalogScope } from "@/lib/tools/catalog";
import { holdScratchRoot } from "@/lib/workspaces/session";
import { casesToRun, type ReplayCase } from "./cases";
import { type EvaluationInputs, fixedInputs, inputsSchema, subjectRef } from "./inputs";
import { type EvaluationProgress, type EvaluationStatus, progressNow, reportProgress } from "./progress";
import { type CaseInput, replayOnce } from "./replay";
import { replaySet } from "./replay-set";
import { type Resolved, resolveSubject } from "./subjects";
import { type Arm, budgetStops, estimate, type RunMeasure, summarize } from "./summary";
import type { EvaluationPreview, EvaluationStarted, StartEvaluation, Subject } from "./views";

/** The statuses a stored row may have; anything else reads as failed. */
const STATUSES: ReadonlySet<string> = new Set([
  "queued",
  "running",
  "completed",
  "cancelled",
  "budget_stopped",
  "failed",
]);

/** Cases an evaluation replays when the request names none. */
export const DEFAULT_CASES = 5;
/** Prefix of an evaluation's scratch folder in the temp folder, one per evaluation. */
export const SCRATCH_PREFIX = "ratchet-eval-";

interface Queue {
  chain: Promise<void>;
  /** The evaluation running now and how to stop it. */
  current: { id: string; controller: AbortController } | null;
}

/** One evaluation at a time per process, in the order they were asked for. */
const queue = processState("evaluation.queue", (): Queue => {
  // a fresh process: what an earlier one left queued or running will never finish
  const chain = failAbandonedEvaluations(new Date(), "The server restarted before the evaluation finished.")
    .then(() => undefined)
    .catch((error) => console.error("[ratchet] evaluations: marking abandoned ones failed", error));
  return { chain, current: null };
});

function progressOf(
  row: Pick<EvaluationRecord, "id" | "done" | "total" | "spentUsd" | "budgetUsd">,
  status: EvaluationStatus,
  current: EvaluationProgress["current"] = null,
): EvaluationProgress {
  const { id, done, total, spentUsd, budgetUsd } = row;
  return { id, status, done, total, spentUsd, budgetUsd, current };
}

function workspaceFor(resolved: Resolved, requested: string | undefined): string {
  const workspace = requested ?? resolved.defaultWorkspace;
  if (!workspace)
    throw new ApiError(
      "unprocessable",
      "Say which workspace's replay set to use (`workspace`): this subject has no session of its own.",
    );
  return workspace;
}

function chooseCases(set: ReplayCase[], requested: string[] | undefined): ReplayCase[] {
  if (!requested) return casesToRun(set, DEFAULT_CASES);
  const byId = new Map(set.map((c) => [c.turnId, c]));
  const unknown = requested.filter((id) => !byId.has(id));
  if (unknown.length)
    throw new ApiError("unprocessable", `Not replay cases of this workspace: ${unknown.join(", ")}.`);
  return [...new Set(requested)].map((id) => byId.get(id) as ReplayCase);
}

/** The default cap: half again the estimate, at least a dollar (a model without a price estimates $0). */
export function defaultBudget(estimateUsd: number): number {
  return Math.max(1, Math.ceil(estimateUsd * 1.5 * 100) / 100);
}

/**
 * Checks the request, fixes its inputs (the cases, the version, the model) and queues it; the
 * replays run in the background, one evaluation at a time. Bad input changes nothing.
 */
export async function startEvaluation(body: StartEvaluation, by: string): Promise<EvaluationStarted> {
  const q = queue();
  const resolved = await resolveSubject(body.subject);
  const workspace = workspaceFor(resolved, body.workspace);
  const cases = chooseCases(await replaySet(workspace, resolved.setFor), body.cases);
  if (cases.length === 0)
    throw new ApiError(
      "unprocessable",
      `No replay cases in ${workspace}: no recorded turn there can be replayed.`,
    );
  const config = await loadModelConfig();
  if (!config.configured)
    throw new ApiError("not_configured", "No model is configured. Set one in Settings.");
  const planned = estimate(cases, body.repeats);
  const budgetUsd = body.budgetUsd ?? defaultBudget(planned.costUsd);
  const fixed = await fixedInputs(resolved);
  const inputs: EvaluationInputs = {
    ...fixed,
    cases: cases.map((c) => ({
      turnId: c.turnId,
      workspace: c.workspace,
      tree: c.startTree,
      message: c.message,
      verification: c.verification,
      tokens: c.tokens,
      costUsd: c.costUsd,
    })),
    model: config.model,
    api: config.api,
    repeats: body.repeats,
    budgetUsd,
    sampling: "the endpoint's defaults (no temperature or seed is sent), the same for both arms",
  };
  const row = await createEvaluation({
    workspace,
    subjectKind: fixed.subject.kind,
    subjectRef: subjectRef(fixed.subject),
    inputs,
    estimateUsd: planned.costUsd,
    budgetUsd,
    total: planned.runs,
    createdBy: by,
  });
  reportProgress(progressOf(row, "queued"));
  q.chain = q.chain
    .then(() => runEvaluation(row.id))
    .catch((error) => console.error("[ratchet] evaluation failed", error));
  return { id: row.id, estimate: planned };
}

/** What an evaluation of this version would replay and cost, for the button that starts one. */
export async function previewEvaluation(
  subject: Subject,
  repeats = 2,
  requestedWorkspace?: string,
): Promise<EvaluationPreview> {
  try {
    const resolved = await resolveSubject(subject);
    if (!requestedWorkspace && !resolved.defaultWorkspace)
      return {
        available: false,
        needsWorkspace: true,
        reason: "Choose the workspace whose recorded turns to replay: this change has no session of its own.",
      };
    const workspace = workspaceFor(resolved, requestedWorkspace);
    const cases = casesToRun(await replaySet(workspace, resolved.setFor), DEFAULT_CASES);
    if (cases.length === 0)
      return { available: false, reason: `No recorded turn in ${workspace} can be replayed.` };
    const planned = estimate(cases, repeats);
    return {
      available: true,
      workspace,
      cases: cases.length,
      repeats,
      estimate: planned,
      budgetUsd: defaultBudget(planned.costUsd),
    };
  } catch (error) {
    if (error instanceof ApiError) return { available: false, reason: error.message };
    throw error;
  }
}

/** Stops an evaluation: a queued one never starts, a running one stops its current replay. */
export async function cancelEvaluation(id: string): Promise<boolean> {
  const q = queue();
  if (q.current?.id === id) {
    q.current.controller.abort();
    return true;
  }
  // a queued one is marked here; when its turn comes it is no longer `queued` and never starts
  if (!(await advanceEvaluation(id, ["queued"], { status: "cancelled", finishedAt: new Date() })))
    return false;
  const row = await findEvaluation(id);
  if (row) reportProgress(progressOf(row, "cancelled"));
  return true;
}

/** The order of the replays: repeat by repeat, case by case, baseline then candidate, so a stop leaves pairs. */
export function plan(cases: number, repeats: number): Array<{ index: number; repeat: number; arm: Arm }> {
  const order: Array<{ index: number; repeat: number; arm: Arm }> = [];
  for (let repeat = 1; repeat <= repeats; repeat++)
    for (let index = 0; index < cases; index++)
      for (const arm of ["baseline", "candidate"] as const) order.push({ index, repeat, arm });
  return order;
}

/**
 * A private folder (0700) for an evaluation's scratch copies, outside every workspace root: no
 * person's session can work in it, so nothing but the replay itself can touch a replay's copy.
 */
async function makeScratchRoot(): Promise<{ path: string; release: () => void }> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), SCRATCH_PREFIX)));
  return { path: dir, release: holdScratchRoot(dir) };
}

async function runEvaluation(id: string): Promise<void> {
  const q = queue();
  // current before the first await: a cancel from now on aborts it instead of marking it queued
  const controller = new AbortController();
  q.current = { id, controller };
  if (!(await advanceEvaluation(id, ["queued"], { status: "running" }))) {
    q.current = null;
    return;
  }
  let scratch: { path: string; release: () => void } | null = null;
  const runs: RunMeasure[] = [];
  let row: EvaluationRecord | null = null;
  try {
    row = await findEvaluation(id);
    if (!row) return;
    reportProgress(progressOf(row, "running"));
    const inputs = inputsSchema.parse(row.inputs);
    const config = await loadModelConfig();
    scratch = await makeScratchRoot();
    const status = await replayAll(row, inputs, config, scratch.path, controller.signal, runs);
    await advanceEvaluation(id, ["running"], {
      status,
      summary: summarize(runs) as unknown as object,
      finishedAt: new Date(),
    });
    await reportFinal(id, status);
  } catch (error) {
    console.error("[ratchet] evaluation failed", error);
    await advanceEvaluation(id, ["running"], {
      status: "failed",
      error: error instanceof Error ? error.message : String(error),
      summary: summarize(runs) as unknown as object,
      finishedAt: new Date(),
    });
    await reportFinal(id, "failed");
  } finally {
    q.current = null;
    if (scratch) {
      scratch.release();
      await rm(scratch.path, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    }
  }
}

/** The last frame of an evaluation's progress, from its row as stored. */
async function reportFinal(id: string, status: EvaluationStatus): Promise<void> {
  const row = await findEvaluation(id).catch(() => null);
  if (row) reportProgress(progressOf(row, status));
}

interface ArmView {
  scope: CatalogScope | null;
  memory: MemoryOverride | null;
  skill: SkillOverride | null;
}

/** A skill version as fixed in the inputs, checked to be the same content it was then. */
async function skillContent(name: string, ref: { id: string; version: number; sha256: string }) {
  const row = await findSkillVersionById(ref.id);
  if (!row || row.sha256 !== ref.sha256)
    throw new Error(`version ${ref.version} of skill ${name} no longer exists as it was`);
  return row.content;
}

/** What each arm sees: the tool catalog, the working memory and the skills, as the change makes them. */
async function armsFor(inputs: EvaluationInputs): Promise<Record<Arm, ArmView>> {
  const subject = inputs.change ?? inputs.subject;
  if (subject.kind === "hypothesis") throw new Error("the hypothesis's change is missing from the inputs");
  if (subject.kind === "skill") {
    const fixed = inputs.skill;
    if (!fixed) throw new Error("the skill versions are missing from the inputs");
    const [candidate, baseline] = await Promise.all([
      skillContent(fixed.name, fixed.candidate),
      fixed.baseline ? skillContent(fixed.name, fixed.baseline) : null,
    ]);
    // only this skill differs; every other skill is read from disk as a person's turn reads it
    return {
      baseline: { scope: null, memory: null, skill: { name: fixed.name, content: baseline } },
      candidate: { scope: null, memory: null, skill: { name: fixed.name, content: candidate } },
    };
  }
  if (subject.kind === "memory") {
    const [candidate, baseline] = await Promise.all([
      findWorkingMemory(subject.version),
      inputs.baselineMemory ? findWorkingMemory(inputs.baselineMemory) : null,
    ]);
    if (!candidate) throw new Error(`working memory version ${subject.version} no longer exists`);
    const of = (row: NonNullable<typeof candidate>) => ({
      version: row.version,
      content: row.content,
      createdAt: row.createdAt,
    });
    // the baseline is the memory in force when the evaluation was asked for, even if one came since
    return {
      baseline: { scope: null, memory: baseline ? of(baseline) : NO_MEMORY, skill: null },
      candidate: { scope: null, memory: of(candidate), skill: null },
    };
  }
  const version = await findToolVersion(subject.name, { sha256: subject.sha256 });
  if (!version) throw new Error(`${subject.name} with sha256 ${subject.sha256} no longer exists`);
  // the baseline is what is in force without this version; the candidate has it in place of its name
  return {
    baseline: {
      scope: version.status === "active" ? { without: version.name } : null,
      memory: null,
      skill: null,
    },
    candidate: { scope: { with: version }, memory: null, skill: null },
  };
}

/** The replays in order until done, cancelled or the budget says stop; each result stored as it ends. */
async function replayAll(
  row: EvaluationRecord,
  inputs: EvaluationInputs,
  config: ModelConfig,
  scratchRoot: string,
  signal: AbortSignal,
  runs: RunMeasure[],
): Promise<"completed" | "cancelled" | "budget_stopped"> {
  const arms = await armsFor(inputs);
  let spent = 0;
  const cases = inputs.cases.length;
  for (const step of plan(cases, inputs.repeats)) {
    if (signal.aborted) return "cancelled";
    const c = inputs.cases[step.index] as CaseInput;
    if (budgetStops(spent, c.costUsd, inputs.budgetUsd)) return "budget_stopped";
    const at = { ...row, done: runs.length, spentUsd: spent };
    const current = {
      case: step.index + 1,
      cases,
      arm: step.arm,
      repeat: step.repeat,
      repeats: inputs.repeats,
    };
    reportProgress(progressOf(at, "running", current));
    const result = await replayOnce({
      evaluationId: row.id,
      index: step.index,
      case: c,
      arm: step.arm,
      repeat: step.repeat,
      ...arms[step.arm],
      scratchRoot,
      config,
      budgetUsd: Math.max(0.000001, inputs.budgetUsd - spent),
      signal,
    });
    // a replay cut short by a cancel is not a measurement
    if (signal.aborted) return "cancelled";
    const { sessionId, verification, ...measure } = result;
    await recordEvaluationRun({ evaluationId: row.id, sessionId, verification, ...measure });
    runs.push(measure);
    spent += measure.costUsd;
    await advanceEvaluation(row.id, ["running"], { spentUsd: spent, done: runs.length });
    reportProgress(progressOf({ ...row, done: runs.length, spentUsd: spent }, "running"));
  }
  return "completed";
}

/** For tests: waits until every queued evaluation has run. */
export function evaluationsSettled(): Promise<void> {
  return queue().chain;
}

/**
 * Where an evaluation is now: this process's live progress while it runs here (which replay), else
 * what its row says (a 404 for an unknown id).
 */
export async function progressSnapshot(id: string): Promise<EvaluationProgress> {
  const live = progressNow(id);
  if (live) return live;
  const row = await findEvaluation(id);
  if (!row) throw new ApiError("not_found", `No evaluation ${id}.`);
  const status = STATUSES.has(row.status as EvaluationStatus) ? (row.status as EvaluationStatus) : "failed";
  return progressOf(row, status);
}
