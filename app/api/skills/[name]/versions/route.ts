import { route } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { assertSkillName } from "@/lib/skills/paths";
import { skillVersionList } from "@/lib/skills/views";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>(async (_request, { name }) => {
  assertSkillName(name);
  const list = await skillVersionList(name);
  if (!list) throw new ApiError("not_found", `No versions of a skill named ${name}.`);
  return Response.json(list);
});
