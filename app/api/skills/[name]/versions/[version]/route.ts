import { route } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { assertSkillName } from "@/lib/skills/paths";
import { skillVersionContent } from "@/lib/skills/views";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string; version: string }>(async (_request, { name, version }) => {
  assertSkillName(name);
  const number = /^[1-9]\d{0,8}$/.test(version) ? Number(version) : null;
  if (number === null) throw new ApiError("bad_request", "The version is a positive whole number.");
  const content = await skillVersionContent(name, number);
  if (!content) throw new ApiError("not_found", `${name} has no version ${number}.`);
  return Response.json(content);
});
