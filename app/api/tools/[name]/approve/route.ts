import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { approveTool } from "@/lib/tools/lifecycle";
import { toolDecision } from "@/lib/tools/views";

export const dynamic = "force-dynamic";

const body = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters"),
});

export const POST = route<{ name: string }>(
  async (request, { name }, { actor, audit }) => {
    const { sha256 } = await readJson(request, body);
    const version = await approveTool(name, sha256, actor.name);
    await audit(name, { version: version.version, sha256: version.sha256 });
    return Response.json(toolDecision(name, version));
  },
  { action: "tool.approve" },
);
