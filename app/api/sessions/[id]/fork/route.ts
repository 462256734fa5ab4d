import { readJson, route } from "@/lib/api/handler";
import { forkSession, forkSessionSchema } from "@/lib/sessions/service";
import type { SessionCreated } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(
  async (request, { id }, { audit }) => {
    const { messageId } = await readJson(request, forkSessionSchema);
    const fork = await forkSession(id, messageId);
    await audit(fork.id, { forkedFrom: id, messageId });
    return Response.json({ id: fork.id, turnId: null } satisfies SessionCreated, { status: 201 });
  },
  { action: "session.fork" },
);
