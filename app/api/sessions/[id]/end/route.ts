import { endSession } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(
  async (_request, { id }) => {
    await endSession(id);
    return Response.json({ id, status: "ended" });
  },
  { action: "session.end" },
);
