import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { audit } from "@/lib/team/audit";
import { rollbackTool } from "@/lib/tools/lifecycle";

export const dynamic = "force-dynamic";

const body = z.object({ version: z.number().int().min(1) });

export const POST = route<{ name: string }>(
  async (request, { name }, { actor }) => {
    const { version } = await readJson(request, body);
    const active = await rollbackTool(name, version, actor.name);
    await audit(actor, "tool.rollback", name, { to: version, active: active.version, sha256: active.sha256 });
    return Response.json({ name, version: active.version, status: active.status, sha256: active.sha256 });
  },
  { role: "approver" },
);
