import { route } from "@/lib/api/handler";
import { requestsView } from "@/lib/model/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { id }) => Response.json(await requestsView(id)));
