import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { readSkill, SKILL_NAME } from "@/lib/skills/catalog";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>(async (_request, { name }) => {
  if (!SKILL_NAME.test(name))
    throw new ApiError("bad_request", "Skill names are lowercase letters, digits and dashes.");
  const content = await readSkill(name);
  if (content === null) throw new ApiError("not_found", `No skill named ${name}.`);
  return Response.json({ name, content });
});
