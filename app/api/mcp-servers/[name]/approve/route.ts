import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { approveServer } from "@/lib/mcp/service";
import type { McpServerView } from "@/lib/mcp/views";

export const dynamic = "force-dynamic";

const body = z.strictObject({
  toolsSha256: z.string().regex(/^[0-9a-f]{64}$/, "toolsSha256 must be 64 lowercase hex characters"),
});

export const POST = route<{ name: string }>(
  async (request, { name }, { actor, audit }) => {
    const { toolsSha256 } = await readJson(request, body);
    const view = await approveServer(name, toolsSha256, actor.name);
    await audit(name, { toolsSha256, tools: view.tools.map((t) => t.name) });
    return Response.json(view satisfies McpServerView);
  },
  { action: "mcpServer.approve" },
);
