import { db } from "../client";
import type { Prisma } from "../generated/sqlite/client";

export function createMaintenanceRun(sessionId: string, analysis: Prisma.InputJsonValue) {
  return db().maintenanceRun.create({ data: { sessionId, analysis, status: "running" } });
}

export function findMaintenanceRun(id: string) {
  return db().maintenanceRun.findUnique({ where: { id } });
}

export function findRunBySession(sessionId: string) {
  return db().maintenanceRun.findUnique({ where: { sessionId } });
}

export function listMaintenanceRuns(limit = 50) {
  return db().maintenanceRun.findMany({ orderBy: { startedAt: "desc" }, take: limit });
}

export function lastMaintenanceRun() {
  return db().maintenanceRun.findFirst({ orderBy: { startedAt: "desc" } });
}

export function finishMaintenanceRun(
  id: string,
  data: {
    status: "completed" | "failed" | "cancelled" | "running";
    results?: Prisma.InputJsonValue;
    smallItemsActed?: number;
  },
) {
  return db().maintenanceRun.update({
    where: { id },
    data: { ...data, finishedAt: data.status === "running" ? null : new Date() },
  });
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
