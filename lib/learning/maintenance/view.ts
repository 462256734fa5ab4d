import type { MaintenanceRunRow } from "@/lib/db/queries/maintenance";

export function maintenanceRunView(r: MaintenanceRunRow) {
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
