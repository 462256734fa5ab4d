import { endSession } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";
import type { SessionEnded } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(
  async (_request, { id }) => {
    await endSession(id);
    return Response.json({ id, status: "ended" } satisfies SessionEnded);
  },
  { action: "session.end" },
);
