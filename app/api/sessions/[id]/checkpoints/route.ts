import { route } from "@/lib/api/handler";
import { checkpointsView } from "@/lib/checkpoints/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { id }) =>
  Response.json(await checkpointsView(id)),
);
