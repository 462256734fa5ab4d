import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import {
  deleteLearningEvent,
  findLearningEvent,
  updateLearningEvent,
} from "@/lib/db/queries/learning-events";
import { ApiError } from "@/lib/errors";
import { learningEventView } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

const body = z
  .object({
    type: z.enum(["correction", "preference", "pattern"]).optional(),
    description: z.string().trim().min(3).max(2000).optional(),
    context: z.string().max(4000).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to change");

async function existing(id: string) {
  const row = await findLearningEvent(id);
  if (!row) throw new ApiError("not_found", `No learning event ${id}.`);
  return row;
}

export const PATCH = route<{ id: string }>(
  async (request, { id }, { audit }) => {
    await existing(id);
    const change = await readJson(request, body);
    const updated = await updateLearningEvent(id, change);
    await audit(id, change);
    return Response.json(learningEventView(updated));
  },
  { action: "learningEvent.update" },
);

export const DELETE = route<{ id: string }>(
  async (_request, { id }, { audit }) => {
    const row = await existing(id);
    await deleteLearningEvent(id);
    await audit(id, { type: row.type, description: row.description });
    return new Response(null, { status: 204 });
  },
  { action: "learningEvent.delete" },
);
