import { route } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { assertSkillName } from "@/lib/skills/paths";
import { skillVersionSummaries } from "@/lib/skills/views";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>(async (_request, { name }) => {
  assertSkillName(name);
  const versions = await skillVersionSummaries(name);
  if (versions.length === 0) throw new ApiError("not_found", `No versions of a skill named ${name}.`);
  return Response.json({ name, versions });
});
