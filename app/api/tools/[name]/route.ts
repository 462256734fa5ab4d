import { route } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { toolDetail } from "@/lib/tools/views";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>(async (_request, { name }) => {
  const detail = await toolDetail(name);
  if (!detail) throw new ApiError("not_found", `No agent-written tool named ${name}.`);
  return Response.json(detail);
});
