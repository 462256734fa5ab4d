import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { toolStats } from "@/lib/db/queries/tool-calls";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const raw = new URL(request.url).searchParams.get("since");
  const since = raw ? new Date(raw) : undefined;
  if (since && Number.isNaN(since.getTime()))
    throw new ApiError("bad_request", "since must be an ISO-8601 date.");
  return Response.json({ tools: await toolStats(since) });
});
