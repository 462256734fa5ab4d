import { readJson, route } from "@/lib/api/handler";
import { answerAsk } from "@/lib/permissions/asks";
import { type AskAnswered, answerSchema } from "@/lib/permissions/views";

export const dynamic = "force-dynamic";

/** Allow once, allow for the session, or deny with a reason the model reads; 409 once answered or timed out. */
export const POST = route<{ id: string; askId: string }>(
  async (request, { id, askId }, { actor, audit }) => {
    const body = await readJson(request, answerSchema);
    const answered = await answerAsk(id, askId, { ...body, by: actor.name });
    await audit(id, {
      ask: askId,
      tool: answered.tool,
      summary: answered.summary,
      decision: body.decision,
      reason: answered.reason,
    });
    return Response.json({ id: answered.id, status: answered.status } satisfies AskAnswered);
  },
  { action: "session.answerAsk" },
);
