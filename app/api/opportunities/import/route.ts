import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { createOpportunity, listOpportunities, updateOpportunity } from "@/lib/db/queries/opportunities";
import { ApiError } from "@/lib/errors";
import { fromMarkdown } from "@/lib/learning/opportunities-md";
import type { OpportunityImport } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

const body = z.object({
  markdown: z
    .string()
    .min(1)
    .max(512 * 1024),
});

/** Cards match by title: known ones are updated, new ones added; nothing is deleted. */
export const POST = route(
  async (request, _params, { audit }) => {
    const { markdown } = await readJson(request, body);
    const { items, present, errors } = fromMarkdown(markdown);
    if (items.length === 0)
      throw new ApiError(
        "unprocessable",
        errors.length
          ? `No cards imported: ${errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`
          : 'No "### title" cards found.',
      );
    const existing = new Map((await listOpportunities()).map((c) => [c.title.toLowerCase(), c]));
    let created = 0;
    let updated = 0;
    for (const [i, item] of items.entries()) {
      const match = existing.get(item.title.toLowerCase());
      if (match) {
        // only what the file spells out; a card without "What:" keeps its what
        const fields = present[i] ?? [];
        await updateOpportunity(match.id, Object.fromEntries(fields.map((k) => [k, item[k]])));
        updated++;
      } else {
        await createOpportunity(item);
        created++;
      }
    }
    await audit(null, { created, updated, errors: errors.length });
    return Response.json({ created, updated, errors } satisfies OpportunityImport);
  },
  { action: "opportunity.import" },
);
