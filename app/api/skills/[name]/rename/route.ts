import { readJson, route } from "@/lib/api/handler";
import { assertSkillName } from "@/lib/skills/paths";
import { renameSkill } from "@/lib/skills/store";
import { type RenamedSkill, skillAfterWrite } from "@/lib/skills/views";
import { renameBody } from "../schema";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>(
  async (request, { name }, { audit }) => {
    assertSkillName(name);
    const { to } = await readJson(request, renameBody);
    const renamed = await renameSkill(name, to);
    await audit(name, { to: renamed.name });
    return Response.json((await skillAfterWrite(renamed)) satisfies RenamedSkill);
  },
  { action: "skill.rename" },
);
