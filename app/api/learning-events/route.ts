import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { createLearningEvent } from "@/lib/db/queries/learning-events";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { learningEventList, learningEventView } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json(await learningEventList()));

const body = z.object({
  sessionId: z.string().min(1).nullable().optional(),
  type: z.enum(["correction", "preference", "pattern"]),
  description: z.string().trim().min(3).max(2000),
  context: z.string().max(4000).nullable().optional(),
});

/** A person marks something as a learning (e.g. a message in the transcript). */
export const POST = route(
  async (request, _params, { audit }) => {
    const input = await readJson(request, body);
    if (input.sessionId && !(await findSession(input.sessionId)))
      throw new ApiError("not_found", `No session ${input.sessionId}.`);
    const created = await createLearningEvent({
      sessionId: input.sessionId ?? null,
      type: input.type,
      description: input.description,
      context: input.context ?? null,
      source: "user",
    });
    await audit(created.id, { type: created.type, sessionId: created.sessionId });
    return Response.json(learningEventView(created), { status: 201 });
  },
  { action: "learningEvent.create" },
);
