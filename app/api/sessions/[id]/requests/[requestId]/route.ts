import { route } from "@/lib/api/handler";
import { requestView } from "@/lib/model/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string; requestId: string }>(async (_request, { id, requestId }) =>
  Response.json(await requestView(id, requestId)),
);
