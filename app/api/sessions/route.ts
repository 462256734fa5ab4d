import { readJson, route } from "@/lib/api/handler";
import { createSessionSchema, openSession } from "@/lib/sessions/service";
import { type SessionCreated, sessionList } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json(await sessionList()));

export const POST = route(
  async (request, _params, { audit }) => {
    const session = await openSession(await readJson(request, createSessionSchema));
    await audit(session.id, { workspace: session.workspace });
    return Response.json({ id: session.id } satisfies SessionCreated, { status: 201 });
  },
  { action: "session.create" },
);
