import { readJson, route } from "@/lib/api/handler";
import { createOpportunity } from "@/lib/db/queries/opportunities";
import { opportunityFieldsSchema } from "@/lib/learning/opportunities-md";
import { opportunityList, opportunityView } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json(await opportunityList()));

export const POST = route(
  async (request, _params, { audit }) => {
    const card = await createOpportunity(await readJson(request, opportunityFieldsSchema));
    await audit(card.id, { title: card.title });
    return Response.json(opportunityView(card), { status: 201 });
  },
  { action: "opportunity.create" },
);
