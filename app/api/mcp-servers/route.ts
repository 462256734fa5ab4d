import { readJson, route } from "@/lib/api/handler";
import { addServer, listServerViews, newServerSchema } from "@/lib/mcp/service";
import type { McpServerList, McpServerView } from "@/lib/mcp/views";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json((await listServerViews()) satisfies McpServerList));

export const POST = route(
  async (request, _params, { audit }) => {
    const input = await readJson(request, newServerSchema);
    const view = await addServer(input);
    // header values are secrets: the audit names them, never what they are
    await audit(view.name, {
      transport: view.transport,
      command: view.command ?? null,
      url: view.url ?? null,
    });
    return Response.json(view satisfies McpServerView, { status: 201 });
  },
  { action: "mcpServer.create" },
);
