import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { readJson, route } from "@/lib/api/handler";
import {
  deleteLearningEvent,
  findLearningEvent,
  updateLearningEvent,
} from "@/lib/db/queries/learning-events";

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

export const PATCH = route<{ id: string }>(async (request, { id }) => {
  await existing(id);
  const updated = await updateLearningEvent(id, await readJson(request, body));
  return Response.json({
    ...updated,
    createdAt: updated.createdAt.toISOString(),
    updatedAt: updated.updatedAt.toISOString(),
  });
});

export const DELETE = route<{ id: string }>(async (_request, { id }) => {
  await existing(id);
  await deleteLearningEvent(id);
  return new Response(null, { status: 204 });
});
