import { readJson, route } from "@/lib/api/handler";
import { updateSession, updateSessionSchema } from "@/lib/sessions/service";
import { sessionView } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { id }) => Response.json(await sessionView(id)));

export const PATCH = route<{ id: string }>(
  async (request, { id }, { audit }) => {
    const change = await readJson(request, updateSessionSchema);
    await updateSession(id, change);
    await audit(id, change);
    return Response.json(await sessionView(id));
  },
  { action: "session.update" },
);
