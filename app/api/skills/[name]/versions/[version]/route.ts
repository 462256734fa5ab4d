import { route } from "@/lib/api/handler";
import { findSkillVersion } from "@/lib/db/queries/skills";
import { ApiError } from "@/lib/errors";
import { assertSkillName } from "@/lib/skills/paths";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string; version: string }>(async (_request, { name, version }) => {
  assertSkillName(name);
  const number = /^[1-9]\d{0,8}$/.test(version) ? Number(version) : null;
  if (number === null) throw new ApiError("bad_request", "The version is a positive whole number.");
  const row = await findSkillVersion(name, number);
  if (!row) throw new ApiError("not_found", `${name} has no version ${number}.`);
  return Response.json({
    name,
    version: row.version,
    sha256: row.sha256,
    origin: row.origin,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    content: row.content,
  });
});
