import { readJson, route } from "@/lib/api/handler";
import { revert } from "@/lib/checkpoints/service";
import { type RevertConflict, type RevertDone, revertSchema } from "@/lib/checkpoints/views";

export const dynamic = "force-dynamic";

/** 200 with the restored paths; 409 with the files changed by hand since, unless `force`. */
export const POST = route<{ id: string }>(
  async (request, { id }, { actor, audit }) => {
    const body = await readJson(request, revertSchema);
    const result = await revert(id, body, actor.name);
    if (!result.ok)
      return Response.json({ conflicts: result.conflicts } satisfies RevertConflict, { status: 409 });
    await audit(id, {
      turn: body.turn,
      path: body.path ?? null,
      hunk: body.hunk ?? null,
      restored: result.restored,
    });
    return Response.json({ restored: result.restored } satisfies RevertDone);
  },
  { action: "session.revert" },
);
