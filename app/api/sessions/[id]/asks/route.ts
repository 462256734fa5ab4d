import { route } from "@/lib/api/handler";
import { type AsksView, asksView } from "@/lib/permissions/views";

export const dynamic = "force-dynamic";

/** The session's tool calls waiting for a person's answer. */
export const GET = route<{ id: string }>(async (_request, { id }) =>
  Response.json((await asksView(id)) satisfies AsksView),
);
