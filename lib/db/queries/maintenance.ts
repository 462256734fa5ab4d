import { db } from "../client";
import type { MaintenanceRun, Prisma } from "../generated/sqlite/client";
import {
  type MaintenanceAnalysis,
  type MaintenanceResults,
  maintenanceAnalysisSchema,
  maintenanceResultsSchema,
} from "../schemas/maintenance";

/** A run with its JSON read: either is null when absent or not in the stored shape. */
export interface MaintenanceRunRow extends Omit<MaintenanceRun, "analysis" | "results"> {
  analysis: MaintenanceAnalysis | null;
  results: MaintenanceResults | null;
}

function readRun(row: MaintenanceRun): MaintenanceRunRow {
  const analysis = maintenanceAnalysisSchema.safeParse(row.analysis);
  const results = maintenanceResultsSchema.safeParse(row.results);
  return {
    ...row,
    analysis: analysis.success ? analysis.data : null,
    results: results.success ? results.data : null,
  };
}

const readMaybe = (row: MaintenanceRun | null) => (row ? readRun(row) : null);

export async function createMaintenanceRun(sessionId: string, analysis: MaintenanceAnalysis) {
  return readRun(await db().maintenanceRun.create({ data: { sessionId, analysis, status: "running" } }));
}

export async function findMaintenanceRun(id: string) {
  return readMaybe(await db().maintenanceRun.findUnique({ where: { id } }));
}

export async function findRunBySession(sessionId: string) {
  return readMaybe(await db().maintenanceRun.findUnique({ where: { sessionId } }));
}

export async function listMaintenanceRuns(limit = 50) {
  return (await db().maintenanceRun.findMany({ orderBy: { startedAt: "desc" }, take: limit })).map(readRun);
}

export async function lastMaintenanceRun() {
  return readMaybe(await db().maintenanceRun.findFirst({ orderBy: { startedAt: "desc" } }));
}

/** The run that started before `at` (the previous pass's, to compare with). */
export async function maintenanceRunBefore(at: Date) {
  return readMaybe(
    await db().maintenanceRun.findFirst({ where: { startedAt: { lt: at } }, orderBy: { startedAt: "desc" } }),
  );
}

export function countMaintenanceRuns(): Promise<number> {
  return db().maintenanceRun.count();
}

export async function finishMaintenanceRun(
  id: string,
  data: {
    status: "completed" | "failed" | "cancelled" | "running";
    results?: MaintenanceResults;
    smallItemsActed?: number;
  },
) {
  const row = await db().maintenanceRun.update({
    where: { id },
    data: {
      ...data,
      results: data.results as Prisma.InputJsonValue | undefined,
      finishedAt: data.status === "running" ? null : new Date(),
    },
  });
  return readRun(row);
}

/** Completed agent sessions since the last pass started: the battery gauge. */
export async function sessionsSinceLastPass(): Promise<number> {
  const last = await lastMaintenanceRun();
  return db().session.count({
    where: {
      kind: "agent",
      messages: { some: { role: "assistant", parts: { some: {} } } },
      status: { in: ["ended", "interrupted", "idle"] },
      ...(last ? { createdAt: { gt: last.startedAt } } : {}),
    },
  });
}

/** What the latest finished passes spent (their sessions' totals), newest first. */
export async function recentPassSpend(limit = 5) {
  const runs = await db().maintenanceRun.findMany({
    where: { status: { in: ["completed", "failed", "cancelled"] }, sessionId: { not: null } },
    orderBy: { startedAt: "desc" },
    take: limit,
    select: { sessionId: true },
  });
  const ids = runs.flatMap((r) => (r.sessionId ? [r.sessionId] : []));
  return db().session.findMany({
    where: { id: { in: ids } },
    select: { inputTokens: true, outputTokens: true, costUsd: true },
  });
}
