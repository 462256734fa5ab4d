import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { createOpportunity, listOpportunities, updateOpportunity } from "@/lib/db/queries/opportunities";
import { ApiError } from "@/lib/errors";
import { type BoardCard, planImport } from "@/lib/learning/opportunities-import";
import { fromMarkdown } from "@/lib/learning/opportunities-md";
import type { OpportunityImport, OpportunityImportPlan } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

const body = z.union([
  z.strictObject({
    markdown: z
      .string()
      .min(1)
      .max(512 * 1024),
    preview: z.literal(true),
  }),
  z.strictObject({
    markdown: z
      .string()
      .min(1)
      .max(512 * 1024),
    planId: z.string().regex(/^[0-9a-f]{64}$/),
  }),
]);

/**
 * `preview: true` answers what the import would do and writes nothing; `planId` (from the preview)
 * applies it, only if the file and the board still give that exact plan. Cards match by title:
 * known ones are updated, new ones added; nothing is deleted.
 */
export const POST = route(
  async (request, _params, { audit }) => {
    const input = await readJson(request, body);
    const plan = planImport(fromMarkdown(input.markdown), (await listOpportunities()) as BoardCard[]);
    if ("preview" in input) {
      await audit(null, { preview: true, ...plan.counts });
      return Response.json(plan satisfies OpportunityImportPlan);
    }
    if (plan.planId !== input.planId)
      throw new ApiError(
        "conflict",
        "The board or the file changed since the preview: preview the import again, then confirm.",
      );
    if (plan.counts.create + plan.counts.update === 0)
      throw new ApiError("unprocessable", "Nothing to import: no card in the file would change the board.");
    for (const card of plan.cards) {
      if (card.action === "create") await createOpportunity({ ...card.fields, title: card.title });
      else if (card.action === "update" && card.id) await updateOpportunity(card.id, card.fields);
    }
    const { create: created, update: updated, unchanged } = plan.counts;
    await audit(null, {
      created,
      updated,
      unchanged,
      unread: plan.counts.unread,
      errors: plan.counts.errors,
    });
    return Response.json({
      created,
      updated,
      unchanged,
      unread: plan.unread,
      errors: plan.errors,
    } satisfies OpportunityImport);
  },
  { action: "opportunity.import" },
);
