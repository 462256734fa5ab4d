import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { rollbackTool } from "@/lib/tools/lifecycle";
import { toolDecision } from "@/lib/tools/views";

export const dynamic = "force-dynamic";

const body = z.object({ version: z.number().int().min(1) });

export const POST = route<{ name: string }>(
  async (request, { name }, { actor, audit }) => {
    const { version } = await readJson(request, body);
    const active = await rollbackTool(name, version, actor.name);
    await audit(name, { to: version, active: active.version, sha256: active.sha256 });
    return Response.json(toolDecision(name, active));
  },
  { action: "tool.rollback" },
);
