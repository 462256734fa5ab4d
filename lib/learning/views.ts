/**
 * What the learning loops' routes answer (docs/api.md, "Learning"): reflections, learning events,
 * the OPPORTUNITIES board, battery changes, working memory, hypotheses and the headline figures.
 * The types are the contract the browser reads: components import them with `import type`, so a
 * change here breaks their build.
 */
import "server-only";
import type {
  Hypothesis as HypothesisRow,
  LearningEvent as LearningEventRow,
  MaintenanceRun as MaintenanceRunRow,
  Opportunity as OpportunityRow,
  WorkingMemory as WorkingMemoryRow,
} from "@/lib/db/generated/sqlite/client";
import { type createLearningEvent, listLearningEvents } from "@/lib/db/queries/learning-events";
import { listOpportunities } from "@/lib/db/queries/opportunities";
import {
  listReflections,
  type ReflectionStatus,
  type ReflectionTrigger,
  reflectionCoverage,
} from "@/lib/db/queries/reflections";
import { listWorkingMemory } from "@/lib/db/queries/working-memory";
import type { SessionStatus } from "@/lib/events/types";
import type { learningHealth } from "./health";
import { evaluateHypotheses } from "./hypotheses";
import type { MaintenanceAnalysis } from "./maintenance/analysis";
import type { maintenanceStatus } from "./maintenance/pass";
import type { ImportPlan } from "./opportunities-import";
import type { ImportResult, OpportunityFields } from "./opportunities-md";

// The enum-like columns are plain strings in the database; only the values in these types are
// ever written to them (through the zod schemas of the routes and the agent's tools).

export type { ReflectionStatus, ReflectionTrigger };

/** GET /api/learning/health. */
export type LearningHealth = Awaited<ReturnType<typeof learningHealth>>;
export type ReflectionCoverage = Awaited<ReturnType<typeof reflectionCoverage>>;

/** GET /api/reflections: the newest 200 matching the filter, and the coverage figure. */
export async function reflectionList(filter: { status?: string; q?: string }) {
  const [rows, coverage] = await Promise.all([listReflections(filter), reflectionCoverage()]);
  return {
    coverage,
    reflections: rows.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      session: {
        title: r.session.title,
        status: r.session.status as SessionStatus,
        createdAt: r.session.createdAt.toISOString(),
      },
      status: r.status as ReflectionStatus,
      trigger: r.trigger as ReflectionTrigger,
      summary: r.summary,
      wentWell: r.wentWell,
      slow: r.slow,
      nextTime: r.nextTime,
      error: r.error,
      model: r.model,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
  };
}
export type ReflectionList = Awaited<ReturnType<typeof reflectionList>>;
export type ReflectionItem = ReflectionList["reflections"][number];

type NewLearningEvent = Parameters<typeof createLearningEvent>[0];
export type LearningType = NewLearningEvent["type"];
export type LearningSource = NewLearningEvent["source"];

/** One learning event, as every learning-events route answers it. */
export function learningEventView(e: LearningEventRow) {
  return {
    ...e,
    type: e.type as LearningType,
    source: e.source as LearningSource,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    lastUsedAt: e.lastUsedAt?.toISOString() ?? null,
  };
}
export type LearningEvent = ReturnType<typeof learningEventView>;

/** GET /api/learning-events: the newest 500. */
export async function learningEventList() {
  return { learningEvents: (await listLearningEvents()).map(learningEventView) };
}
export type LearningEventList = Awaited<ReturnType<typeof learningEventList>>;

export type OpportunityStatus = OpportunityFields["status"];
export type Impact = OpportunityFields["impact"];
export type Effort = OpportunityFields["effort"];
/** What POST /api/opportunities takes: a card's fields (a new card goes to "todo" unless told). */
export type OpportunityInput = Omit<OpportunityFields, "status"> & Partial<Pick<OpportunityFields, "status">>;

/** Cards carried over two or more passes are flagged on the board: the deferral bmo suffered from. */
export function opportunityView(o: OpportunityRow) {
  const status = o.status as OpportunityStatus;
  return {
    id: o.id,
    title: o.title,
    what: o.what,
    why: o.why,
    successCriteria: o.successCriteria,
    impact: o.impact as Impact,
    effort: o.effort as Effort,
    status,
    dropReason: o.dropReason,
    position: o.position,
    /** Free-form links: `{refs: [...]}` from a battery change, `{hypothesisId}` from a failed hypothesis. */
    evidence: o.evidence as unknown,
    runId: o.runId,
    passesCarried: o.passesCarried,
    carriedOver: o.passesCarried >= 2 && (status === "todo" || status === "in_progress"),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
export type Opportunity = ReturnType<typeof opportunityView>;

/** GET /api/opportunities: by column, then position. */
export async function opportunityList() {
  return { opportunities: (await listOpportunities()).map(opportunityView) };
}
export type OpportunityList = Awaited<ReturnType<typeof opportunityList>>;

/** POST /api/opportunities/import with `preview: true`: what the import would do; nothing written. */
export type OpportunityImportPlan = ImportPlan;
export type { PlannedCard } from "./opportunities-import";

/** POST /api/opportunities/import with the preview's `planId`: what it did. */
export interface OpportunityImport {
  created: number;
  updated: number;
  unchanged: number;
  unread: ImportResult["unread"];
  errors: ImportResult["errors"];
}

/** GET /api/maintenance/status (and POST /api/maintenance/snooze): the battery gauge. */
export type MaintenanceStatus = Awaited<ReturnType<typeof maintenanceStatus>>;

/** GET /api/maintenance/estimate. */
export type { MaintenanceEstimate } from "./maintenance/estimate";

/** What a pass did, stored with its run as JSON when it ends (lib/learning/maintenance/pass.ts). */
export interface MaintenanceResults {
  workingMemoryVersion: number | null;
  opportunities: Array<{ id: string; title: string; status: OpportunityStatus; created: boolean }>;
  proposals: Array<{ name: string; version: number; status: string }>;
  hypotheses: Array<{ id: string; claim: string }>;
  smallItemsActed: number;
  nudged: boolean;
}

/**
 * One battery change. Its analysis and results are JSON written by the pass itself; a run stored
 * by an earlier version may lack fields added since, hence Partial.
 */
export function maintenanceRunView(r: MaintenanceRunRow) {
  return {
    id: r.id,
    sessionId: r.sessionId,
    status: r.status as "running" | "completed" | "failed" | "cancelled",
    analysis: r.analysis as Partial<MaintenanceAnalysis> | null,
    results: r.results as Partial<MaintenanceResults> | null,
    smallItemsActed: r.smallItemsActed,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
/**
 * The evaluations of a battery change's hypotheses, added to its view by the API (lib/evaluation
 * reads them): which were replayed, and each one's figures.
 */
export interface RunEvaluations {
  /** "evaluated: 2 of 3; H1 3.1 steps vs 6.4, within noise: no; H2 …" */
  line: string;
  evaluated: number;
  total: number;
  hypotheses: Array<{
    id: string;
    /** H1, H2, … in the order the pass recorded them. */
    label: string;
    claim: string;
    /** The newest evaluation's status, null when none was asked for. */
    status: string | null;
    /** The newest finished evaluation's figures, null when none has finished. */
    figures: string | null;
  }>;
}

export type MaintenanceRun = ReturnType<typeof maintenanceRunView> & { evaluations?: RunEvaluations };

/** GET /api/maintenance. */
export interface MaintenanceOverview {
  status: MaintenanceStatus;
  runs: MaintenanceRun[];
}

/** POST /api/maintenance and /api/maintenance/:id/resume (202): the run and the session it streams in. */
export interface MaintenanceStarted {
  id: string;
  sessionId: string;
}

export function workingMemoryView(m: WorkingMemoryRow) {
  return {
    version: m.version,
    content: m.content,
    source: m.source as "maintenance" | "user",
    runId: m.runId,
    createdAt: m.createdAt.toISOString(),
  };
}
export type WorkingMemoryVersion = ReturnType<typeof workingMemoryView>;

/** GET /api/working-memory: the newest 50 versions, the newest (injected into prompts) first. */
export async function workingMemoryList() {
  const versions = (await listWorkingMemory()).map(workingMemoryView);
  return { current: versions[0] ?? null, versions };
}
export type WorkingMemoryList = Awaited<ReturnType<typeof workingMemoryList>>;

function hypothesisView(h: HypothesisRow) {
  return {
    ...h,
    subjectType: h.subjectType as "tool_version" | "skill" | "working_memory",
    comparator: h.comparator as "gte" | "lte",
    verdict: h.verdict as "pending" | "validated" | "invalidated",
    startedAt: h.startedAt.toISOString(),
    evaluatedAt: h.evaluatedAt?.toISOString() ?? null,
  };
}
export type Hypothesis = ReturnType<typeof hypothesisView>;

/** GET /api/hypotheses: evaluates the ones whose sessions have happened, then lists the newest 100. */
export async function hypothesisList() {
  return { hypotheses: (await evaluateHypotheses()).map(hypothesisView) };
}
export type HypothesisList = Awaited<ReturnType<typeof hypothesisList>>;
