import { BUILTIN_TOOLS } from "@/lib/agent/tools/registry";
import { route } from "@/lib/api/handler";
import { type ToolList, toolList } from "@/lib/tools/views";

export const dynamic = "force-dynamic";

export const GET = route(async () =>
  Response.json({ tools: await toolList(BUILTIN_TOOLS) } satisfies ToolList),
);
