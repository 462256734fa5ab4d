import { route } from "@/lib/api/handler";
import { listOpportunities } from "@/lib/db/queries/opportunities";
import { toMarkdown } from "@/lib/learning/opportunities-md";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const cards = await listOpportunities();
  return new Response(
    toMarkdown(
      cards.map((c) => ({
        ...c,
        impact: c.impact as "H" | "M" | "L",
        effort: c.effort as "S" | "M" | "L",
        status: c.status as "todo" | "in_progress" | "done" | "dropped",
      })),
    ),
    {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        "content-disposition": 'attachment; filename="OPPORTUNITIES.md"',
      },
    },
  );
});
