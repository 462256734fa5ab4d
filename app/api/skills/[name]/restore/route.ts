import { readJson, route } from "@/lib/api/handler";
import { assertSkillName } from "@/lib/skills/paths";
import { restoreSkill } from "@/lib/skills/store";
import { skillDetail } from "@/lib/skills/views";
import { audit } from "@/lib/team/audit";
import { restoreBody } from "../schema";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>(
  async (request, { name }, { actor }) => {
    assertSkillName(name);
    const { version, baseSha256 } = await readJson(request, restoreBody);
    const restored = await restoreSkill(name, version, { baseSha256 });
    await audit(actor, "skill.restore", name, { from: version, version: restored.version });
    return Response.json(
      { ...(await skillDetail(name)), ...restored },
      { status: restored.created ? 201 : 200 },
    );
  },
  { role: "approver" },
);
