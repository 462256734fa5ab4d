import { z } from "zod";
import { sendMessage } from "@/lib/agent/runner";
import { readJson, route } from "@/lib/api/handler";
import type { TurnAccepted } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

const body = z.object({
  text: z.string().trim().min(1, "text must not be empty").max(200_000),
  /** The last message sent, edited and resent (or retried): it and its answer leave the conversation. */
  replaces: z.string().trim().min(1).max(100).optional(),
});

export const POST = route<{ id: string }>(
  async (request, { id }) => {
    const { text, replaces } = await readJson(request, body);
    return Response.json((await sendMessage(id, text, { replaces })) satisfies TurnAccepted, { status: 202 });
  },
  { action: "session.message" },
);
