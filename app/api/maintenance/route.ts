import { agentTurns } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";
import { listMaintenanceRuns } from "@/lib/db/queries/maintenance";
import { withRunEvaluations } from "@/lib/evaluation/views";
import { maintenanceStatus, startMaintenancePass } from "@/lib/learning/maintenance/pass";
import { type MaintenanceOverview, type MaintenanceStarted, maintenanceRunView } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

export const GET = route(async () =>
  Response.json({
    status: await maintenanceStatus(agentTurns),
    runs: await Promise.all(
      (await listMaintenanceRuns()).map((r) => withRunEvaluations(maintenanceRunView(r))),
    ),
  } satisfies MaintenanceOverview),
);

/** Starts a battery change; its progress streams like a session's events (GET /api/sessions/:sessionId/events). */
export const POST = route(
  async (_request, _params, { audit }) => {
    const started = await startMaintenancePass(agentTurns);
    await audit(started.id, { sessionId: started.sessionId });
    return Response.json(started satisfies MaintenanceStarted, { status: 202 });
  },
  { action: "maintenance.start" },
);
