import type { MaintenanceRun } from "@/lib/db/generated/sqlite/client";

export function maintenanceRunView(r: MaintenanceRun) {
  return {
    id: r.id,
    sessionId: r.sessionId,
    status: r.status,
    analysis: r.analysis,
    results: r.results,
    smallItemsActed: r.smallItemsActed,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
