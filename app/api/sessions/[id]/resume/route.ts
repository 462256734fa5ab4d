import { resumeSession } from "@/lib/agent/runner";
import { route } from "@/lib/api/handler";
import { type SessionDetail, sessionView } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(
  async (_request, { id }) => {
    await resumeSession(id);
    return Response.json((await sessionView(id)) satisfies SessionDetail);
  },
  { action: "session.resume" },
);
