import { route } from "@/lib/api/handler";
import { telemetryOverview } from "@/lib/telemetry";
import { requestRange } from "@/lib/telemetry/http";
import type { TelemetryLearning } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/** Learning-loop health and spend (tokens and cost per session and per completed task) for a range. */
export const GET = route(async (request) => {
  const overview = await telemetryOverview(requestRange(request));
  return Response.json({
    range: overview.range,
    learning: overview.learning,
    spend: overview.spend,
  } satisfies TelemetryLearning);
});
