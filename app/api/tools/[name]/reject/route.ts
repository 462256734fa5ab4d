import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { findToolVersion } from "@/lib/db/queries/tool-versions";
import { ApiError } from "@/lib/errors";
import { rejectTool } from "@/lib/tools/lifecycle";
import { toolDecision } from "@/lib/tools/views";

export const dynamic = "force-dynamic";

const body = z.object({
  reason: z.string().trim().min(3, "say why, so the agent can learn from it").max(2000),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export const POST = route<{ name: string }>(
  async (request, { name }, { actor, audit }) => {
    const { reason, sha256 } = await readJson(request, body);
    const target = sha256 ?? (await findToolVersion(name, {}))?.sha256;
    if (!target) throw new ApiError("not_found", `No agent-written tool named ${name}.`);
    const version = await rejectTool(name, target, reason, actor.name);
    await audit(name, { version: version.version, sha256: version.sha256, reason });
    return Response.json(toolDecision(name, version));
  },
  { action: "tool.reject" },
);
