import { route } from "@/lib/api/handler";
import { telemetryOverview } from "@/lib/telemetry";
import { requestRange } from "@/lib/telemetry/http";
import type { TelemetryDaily } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/** Per day: calls, successes, failures by error class, p50/p95, and calls/successes per tool. */
export const GET = route(async (request) => {
  const overview = await telemetryOverview(requestRange(request));
  return Response.json({ range: overview.range, days: overview.daily } satisfies TelemetryDaily);
});
