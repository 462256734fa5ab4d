import { agentTurns } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";
import { resumeMaintenancePass } from "@/lib/learning/maintenance/pass";
import type { MaintenanceStarted } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(
  async (_request, { id }) =>
    Response.json((await resumeMaintenancePass(id, agentTurns)) satisfies MaintenanceStarted, {
      status: 202,
    }),
  { action: "maintenance.resume" },
);
