import { route } from "@/lib/api/handler";
import { serverHealth } from "@/lib/mcp/health";
import type { McpServerHealth } from "@/lib/mcp/views";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>(async (_request, { name }) =>
  Response.json((await serverHealth(name)) satisfies McpServerHealth),
);
