import { route } from "@/lib/api/handler";
import { toolDailyFrom } from "@/lib/telemetry/derive";
import { requestRange } from "@/lib/telemetry/http";
import { daysBetween } from "@/lib/telemetry/range";
import { rollupsFor } from "@/lib/telemetry/rollup-cache";
import type { ToolDaily } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/** One tool per day: calls, successes, failures by class, p50/p95 duration. */
export const GET = route<{ tool: string }>(async (request, { tool }) => {
  const range = requestRange(request);
  const until = new Date(Math.min(range.until.getTime(), Date.now() + 1));
  const rollups = await rollupsFor(range.since, until);
  const start =
    range.since.getTime() > 0
      ? range.since.getTime()
      : Date.parse(`${rollups[0]?.day ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const days = daysBetween(start, until.getTime());
  return Response.json({ tool, days: toolDailyFrom(rollups, tool, days) } satisfies ToolDaily);
});
