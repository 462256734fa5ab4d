import { route } from "@/lib/api/handler";
import { telemetryOverview } from "@/lib/telemetry";
import { requestRange } from "@/lib/telemetry/http";
import type { TelemetryVersions } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/** Before/after per agent or user tool version (each against its parent, over all its calls), and hypotheses. */
export const GET = route(async (request) => {
  const overview = await telemetryOverview(requestRange(request));
  return Response.json({
    versions: overview.versions,
    hypotheses: overview.hypotheses,
  } satisfies TelemetryVersions);
});
