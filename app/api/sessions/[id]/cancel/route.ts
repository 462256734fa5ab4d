import { cancelTurn } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import type { TurnCancelled } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(
  async (_request, { id }) => {
    if (!(await findSession(id))) throw new ApiError("not_found", `No session ${id}.`);
    return Response.json({ cancelled: await cancelTurn(id) } satisfies TurnCancelled);
  },
  { action: "session.cancel" },
);
