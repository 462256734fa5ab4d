import { route } from "@/lib/api/handler";
import { maintenanceEstimate } from "@/lib/learning/maintenance/estimate";
import type { MaintenanceEstimate } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

/** What a battery change will do and roughly cost, for the confirmation before it starts. */
export const GET = route(async () =>
  Response.json((await maintenanceEstimate()) satisfies MaintenanceEstimate),
);
