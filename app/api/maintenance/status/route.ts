import { agentTurns } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";
import { maintenanceStatus } from "@/lib/learning/maintenance/pass";
import type { MaintenanceStatus } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

/** The battery gauge alone, cheap enough for the banner to poll. */
export const GET = route(async () =>
  Response.json((await maintenanceStatus(agentTurns)) satisfies MaintenanceStatus),
);
