import { readJson, route } from "@/lib/api/handler";
import { listSessions } from "@/lib/db/queries/sessions";
import { createSessionSchema, openSession } from "@/lib/sessions/service";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const sessions = await listSessions();
  return Response.json({
    sessions: sessions.map((s) => ({
      id: s.id,
      title: s.title,
      status: s.status,
      workspace: s.workspace,
      costUsd: s.costUsd,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    })),
  });
});

export const POST = route(
  async (request, _params, { audit }) => {
    const session = await openSession(await readJson(request, createSessionSchema));
    await audit(session.id, { workspace: session.workspace });
    return Response.json({ id: session.id }, { status: 201 });
  },
  { action: "session.create" },
);
