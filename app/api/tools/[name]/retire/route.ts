import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { retireTool } from "@/lib/tools/lifecycle";

export const dynamic = "force-dynamic";

const body = z.object({ reason: z.string().trim().max(2000).optional() });

export const POST = route<{ name: string }>(
  async (request, { name }, { actor, audit }) => {
    const { reason } = await readJson(request, body);
    const version = await retireTool(name, actor.name, reason);
    await audit(name, { version: version.version, reason });
    return Response.json({ name, version: version.version, status: version.status, sha256: version.sha256 });
  },
  { action: "tool.retire" },
);
