import { z } from "zod";
import { agentTurns } from "@/lib/agent/runner";
import { readJson, route } from "@/lib/api/handler";
import { maintenanceStatus, snoozeMaintenance } from "@/lib/learning/maintenance/pass";
import type { MaintenanceStatus } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

const body = z.object({ sessions: z.number().int().min(1).max(100).default(3) });

export const POST = route(
  async (request, _params, { audit }) => {
    const { sessions } = await readJson(request, body);
    await snoozeMaintenance(sessions);
    await audit(null, { sessions });
    return Response.json((await maintenanceStatus(agentTurns)) satisfies MaintenanceStatus);
  },
  { action: "maintenance.snooze" },
);
