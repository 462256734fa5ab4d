import { route } from "@/lib/api/handler";
import { changesQuerySchema, changesSummaryView, changesView, fileChangeView } from "@/lib/checkpoints/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (request, { id }) => {
  const query = changesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  if (query.path !== undefined) return Response.json(await fileChangeView(id, query, query.path));
  if (query.summary) return Response.json(await changesSummaryView(id, query));
  return Response.json(await changesView(id, query));
});
