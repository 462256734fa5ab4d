import { route } from "@/lib/api/handler";
import { changesQuerySchema, changesView } from "@/lib/checkpoints/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (request, { id }) => {
  const query = changesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await changesView(id, query));
});
