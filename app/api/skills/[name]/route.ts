import { readJson, route } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { MAX_SKILL_BYTES } from "@/lib/skills/parse";
import { assertSkillName } from "@/lib/skills/paths";
import { deleteSkill, saveSkill } from "@/lib/skills/store";
import { type SavedSkill, type SkillDeleted, skillAfterWrite, skillDetail } from "@/lib/skills/views";
import { baseQuery, saveBody } from "./schema";

export const dynamic = "force-dynamic";

// JSON escaping can more than double a file's size; the skill's own limit is checked after parsing.
const BODY_LIMIT = 8 * MAX_SKILL_BYTES;

export const GET = route<{ name: string }>(async (_request, { name }) => {
  assertSkillName(name);
  const detail = await skillDetail(name);
  if (!detail) throw new ApiError("not_found", `No skill named ${name}.`);
  return Response.json(detail);
});

export const PUT = route<{ name: string }>(
  async (request, { name }, { audit }) => {
    assertSkillName(name);
    const body = await readJson(request, saveBody, BODY_LIMIT).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "payload_too_large") {
        throw new ApiError(
          "payload_too_large",
          `The skill is over the ${MAX_SKILL_BYTES / 1024} KiB limit. Keep SKILL.md short and put long reference material in other files in the skill folder.`,
        );
      }
      throw error;
    });
    const saved = await saveSkill({ name, ...body, origin: "user" });
    if (saved.changed) {
      await audit(name, {
        version: saved.version,
        created: saved.created,
        message: body.message,
      });
    }
    return Response.json((await skillAfterWrite(saved)) satisfies SavedSkill, {
      status: saved.created ? 201 : 200,
    });
  },
  { action: "skill.save" },
);

export const DELETE = route<{ name: string }>(
  async (request, { name }, { audit }) => {
    assertSkillName(name);
    const base = baseQuery.parse(new URL(request.url).searchParams.get("baseSha256"));
    const deleted = await deleteSkill(name, { baseSha256: base });
    await audit(name);
    return Response.json(deleted satisfies SkillDeleted);
  },
  { action: "skill.delete" },
);
