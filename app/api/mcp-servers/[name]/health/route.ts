import { route } from "@/lib/api/handler";
import { type McpServerHealth, serverHealth } from "@/lib/mcp/health";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>(async (_request, { name }) =>
  Response.json((await serverHealth(name)) satisfies McpServerHealth),
);
