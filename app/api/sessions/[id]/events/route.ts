import { route } from "@/lib/api/handler";
import { credentialsOf } from "@/lib/auth/guard";
import { holdStream } from "@/lib/auth/streams";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { sessionEventStream } from "@/lib/events/sse";

export const dynamic = "force-dynamic";

function afterSeq(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  const after = Number(raw);
  if (!Number.isInteger(after) || after < 0)
    throw new ApiError("bad_request", "after must be a non-negative integer.");
  return after;
}

/** Held open while the viewer reads; closed when it leaves or its login ends (lib/auth/streams.ts). */
export const GET = route<{ id: string }>(async (request, { id }) => {
  const after = afterSeq(request);
  if (!(await findSession(id))) throw new ApiError("not_found", `No session ${id}.`);
  const lease = holdStream(credentialsOf(request));
  const signal = AbortSignal.any([request.signal, lease.signal]);
  return new Response(sessionEventStream(id, after, signal, lease.release), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
