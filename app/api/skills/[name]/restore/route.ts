import { readJson, route } from "@/lib/api/handler";
import { assertSkillName } from "@/lib/skills/paths";
import { restoreSkill } from "@/lib/skills/store";
import { type RestoredSkill, skillAfterWrite } from "@/lib/skills/views";
import { restoreBody } from "../schema";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>(
  async (request, { name }, { audit }) => {
    assertSkillName(name);
    const { version, baseSha256 } = await readJson(request, restoreBody);
    const restored = await restoreSkill(name, version, { baseSha256 });
    await audit(name, { from: version, version: restored.version });
    return Response.json((await skillAfterWrite(restored)) satisfies RestoredSkill, {
      status: restored.created ? 201 : 200,
    });
  },
  { action: "skill.restore" },
);
