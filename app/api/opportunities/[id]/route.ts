import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { deleteOpportunity, findOpportunity, updateOpportunity } from "@/lib/db/queries/opportunities";
import { ApiError } from "@/lib/errors";
import { opportunityFieldsSchema } from "@/lib/learning/opportunities-md";
import { opportunityView } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

// Without the create-time defaults: a partial update (e.g. a move) must not reset what it leaves out.
const fields = opportunityFieldsSchema.shape;
const body = z
  .object({
    title: fields.title,
    what: fields.what.unwrap(),
    why: fields.why.unwrap(),
    successCriteria: fields.successCriteria.unwrap(),
    impact: fields.impact.unwrap(),
    effort: fields.effort.unwrap(),
    status: fields.status.unwrap(),
    dropReason: fields.dropReason,
    position: z.number().finite(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "nothing to change")
  .refine((v) => v.status !== "dropped" || (v.dropReason ?? "").trim().length > 0, {
    message: "dropping an opportunity needs a dropReason",
    path: ["dropReason"],
  });

async function existing(id: string) {
  const card = await findOpportunity(id);
  if (!card) throw new ApiError("not_found", `No opportunity ${id}.`);
  return card;
}

export const GET = route<{ id: string }>(async (_request, { id }) =>
  Response.json(opportunityView(await existing(id))),
);

export const PATCH = route<{ id: string }>(
  async (request, { id }, { audit }) => {
    await existing(id);
    const change = await readJson(request, body);
    const updated = await updateOpportunity(id, change);
    await audit(id, { title: updated.title, ...change });
    return Response.json(opportunityView(updated));
  },
  { action: "opportunity.update" },
);

export const DELETE = route<{ id: string }>(
  async (_request, { id }, { audit }) => {
    const card = await existing(id);
    await deleteOpportunity(id);
    await audit(id, { title: card.title });
    return new Response(null, { status: 204 });
  },
  { action: "opportunity.delete" },
);
