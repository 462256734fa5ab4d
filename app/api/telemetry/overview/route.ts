import { route } from "@/lib/api/handler";
import { telemetryOverview } from "@/lib/telemetry";
import { requestRange } from "@/lib/telemetry/http";
import type { TelemetryOverview } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/** Everything the Telemetry page shows for a range (default the last 30 days). */
export const GET = route(async (request) =>
  Response.json((await telemetryOverview(requestRange(request))) satisfies TelemetryOverview),
);
