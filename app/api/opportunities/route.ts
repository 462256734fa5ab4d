import { readJson, route } from "@/lib/api/handler";
import { createOpportunity, listOpportunities } from "@/lib/db/queries/opportunities";
import { opportunityFieldsSchema } from "@/lib/learning/opportunities-md";
import { opportunityView } from "@/lib/learning/opportunity-view";

export const dynamic = "force-dynamic";

export const GET = route(async () =>
  Response.json({ opportunities: (await listOpportunities()).map(opportunityView) }),
);

export const POST = route(async (request) => {
  const input = await readJson(request, opportunityFieldsSchema);
  return Response.json(opportunityView(await createOpportunity(input)), { status: 201 });
});
