import { readJson, route } from "@/lib/api/handler";
import { changeServer, removeServer, serverChangeSchema } from "@/lib/mcp/service";
import { stopServerEverywhere } from "@/lib/mcp/sessions";
import type { McpServerView } from "@/lib/mcp/views";

export const dynamic = "force-dynamic";

export const PATCH = route<{ name: string }>(
  async (request, { name }, { audit }) => {
    const change = await readJson(request, serverChangeSchema);
    const view = await changeServer(name, change);
    await stopServerEverywhere(name);
    const { headers, ...shown } = change;
    await audit(name, { ...shown, headers: headers ? Object.keys(headers) : null });
    return Response.json(view satisfies McpServerView);
  },
  { action: "mcpServer.update" },
);

export const DELETE = route<{ name: string }>(
  async (_request, { name }) => {
    await removeServer(name);
    await stopServerEverywhere(name);
    return new Response(null, { status: 204 });
  },
  { action: "mcpServer.delete" },
);
