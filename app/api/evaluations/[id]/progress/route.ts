import { route } from "@/lib/api/handler";
import { credentialsOf } from "@/lib/auth/guard";
import { holdStream } from "@/lib/auth/streams";
import { progressSnapshot } from "@/lib/evaluation/engine";
import { progressStream } from "@/lib/evaluation/progress";

export const dynamic = "force-dynamic";

/** Server-sent progress of one evaluation: where it is now, then each change until it finishes. */
export const GET = route<{ id: string }>(async (request, { id }) => {
  await progressSnapshot(id);
  const lease = holdStream(credentialsOf(request));
  const signal = AbortSignal.any([request.signal, lease.signal]);
  return new Response(
    progressStream(id, () => progressSnapshot(id), signal, lease.release),
    {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    },
  );
});
