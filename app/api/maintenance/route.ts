import { agentTurns } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";
import { listMaintenanceRuns } from "@/lib/db/queries/maintenance";
import { maintenanceStatus, startMaintenancePass } from "@/lib/learning/maintenance/pass";
import { maintenanceRunView } from "@/lib/learning/maintenance/view";

export const dynamic = "force-dynamic";

export const GET = route(async () =>
  Response.json({
    status: await maintenanceStatus(agentTurns),
    runs: (await listMaintenanceRuns()).map(maintenanceRunView),
  }),
);

/** Starts a battery change; its progress streams like a session's events (GET /api/sessions/:sessionId/events). */
export const POST = route(
  async (_request, _params, { audit }) => {
    const started = await startMaintenancePass(agentTurns);
    await audit(started.id, { sessionId: started.sessionId });
    return Response.json(started, { status: 202 });
  },
  { action: "maintenance.start" },
);
