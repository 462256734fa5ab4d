import { route } from "@/lib/api/handler";
import { commandsFrom } from "@/lib/telemetry/derive";
import { flagParam, intParam, requestRange } from "@/lib/telemetry/http";
import { rollupsFor } from "@/lib/telemetry/rollup-cache";
import type { TelemetryCommands } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/**
 * run_command's commands, normalized (`npm test -- a` and `npm test -- b` are one), most failures
 * first; only failing ones unless ?all=1.
 */
export const GET = route(async (request) => {
  const range = requestRange(request);
  const limit = intParam(request, "limit", 10, 100);
  const rollups = await rollupsFor(range.since, range.until);
  return Response.json({
    commands: commandsFrom(rollups, limit, !flagParam(request, "all")),
  } satisfies TelemetryCommands);
});
