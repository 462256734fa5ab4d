import { route } from "@/lib/api/handler";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { queueReflection } from "@/lib/learning/reflection";
import type { ReflectionQueued } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

/** Reflect now (again), e.g. after a failed reflection; runs in the background. */
export const POST = route<{ id: string }>(
  async (_request, { id }) => {
    if (!(await findSession(id))) throw new ApiError("not_found", `No session ${id}.`);
    void queueReflection(id, "manual");
    return Response.json({ queued: true } satisfies ReflectionQueued, { status: 202 });
  },
  { action: "session.reflect" },
);
