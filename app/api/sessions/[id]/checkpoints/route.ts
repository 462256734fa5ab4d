import { route } from "@/lib/api/handler";
import { sessionCheckpoints } from "@/lib/checkpoints/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { id }) =>
  Response.json({ checkpoints: await sessionCheckpoints(id) }),
);
