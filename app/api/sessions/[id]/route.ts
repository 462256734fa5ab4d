import { readJson, route } from "@/lib/api/handler";
import { deleteSession, updateSession, updateSessionSchema } from "@/lib/sessions/service";
import { type SessionDeleted, sessionView } from "@/lib/sessions/views";

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

export const DELETE = route<{ id: string }>(
  async (_request, { id }) => {
    await deleteSession(id);
    return Response.json({ id, deleted: true } satisfies SessionDeleted);
  },
  { action: "session.delete" },
);
