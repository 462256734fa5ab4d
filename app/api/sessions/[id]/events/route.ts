import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { findSession } from "@/lib/db/queries/sessions";
import { sessionEventStream } from "@/lib/events/sse";

export const dynamic = "force-dynamic";

function afterSeq(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  const after = Number(raw);
  if (!Number.isInteger(after) || after < 0)
    throw new ApiError("bad_request", "after must be a non-negative integer.");
  return after;
}

export const GET = route<{ id: string }>(async (request, { id }) => {
  const after = afterSeq(request);
  if (!(await findSession(id))) throw new ApiError("not_found", `No session ${id}.`);
  return new Response(sessionEventStream(id, after, request.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
