import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { retireTool } from "@/lib/tools/lifecycle";
import { toolDecision } from "@/lib/tools/views";

export const dynamic = "force-dynamic";

const body = z.object({ reason: z.string().trim().max(2000).optional() });

export const POST = route<{ name: string }>(
  async (request, { name }, { actor, audit }) => {
    const { reason } = await readJson(request, body);
    const version = await retireTool(name, actor.name, reason);
    await audit(name, { version: version.version, reason });
    return Response.json(toolDecision(name, version));
  },
  { action: "tool.retire" },
);
