import { route } from "@/lib/api/handler";
import { listCalls } from "@/lib/db/queries/telemetry";
import { decodeCursor, encodeCursor, flagParam, intParam, requestRange } from "@/lib/telemetry/http";
import type { ToolCallsPage } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/** One tool's calls, newest first: ?failed=1 for failures only, ?command= (normalized) for run_command. */
export const GET = route<{ tool: string }>(async (request, { tool }) => {
  const range = requestRange(request);
  const limit = intParam(request, "limit", 50, 500);
  const params = new URL(request.url).searchParams;
  const calls = await listCalls({
    since: range.since,
    until: range.until,
    tool: tool,
    failedOnly: flagParam(request, "failed"),
    command: params.get("command") || undefined,
    before: decodeCursor(params.get("cursor")),
    limit: limit + 1,
  });
  const page = calls.slice(0, limit);
  const last = page.at(-1);
  return Response.json({
    calls: page,
    nextCursor: calls.length > limit && last ? encodeCursor(last) : null,
  } satisfies ToolCallsPage);
});
