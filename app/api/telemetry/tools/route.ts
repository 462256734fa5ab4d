import { route } from "@/lib/api/handler";
import { toolStatsBetween } from "@/lib/telemetry";
import { requestRange } from "@/lib/telemetry/http";
import type { TelemetryTools } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/** The contract's per-tool figures; all time unless ?since= / ?until= / ?range= narrow it. */
export const GET = route(async (request) => {
  const range = requestRange(request, "all");
  return Response.json({ tools: await toolStatsBetween(range.since, range.until) } satisfies TelemetryTools);
});
