import { route } from "@/lib/api/handler";
import { evaluationDetail } from "@/lib/evaluation/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { id }) =>
  Response.json(await evaluationDetail(id)),
);
