import { sessionPromptList, sessionPromptText } from "@/lib/agent/mcp-prompts";
import { promptInput } from "@/lib/agent/mcp-resources";
import { readJson, route } from "@/lib/api/handler";
import type { McpPromptList, McpPromptText } from "@/lib/mcp/views";

export const dynamic = "force-dynamic";

/** The approved MCP prompts a person may insert in this session's composer. */
export const GET = route<{ id: string }>(async (_request, { id }) =>
  Response.json((await sessionPromptList(id)) satisfies McpPromptList),
);

/** One prompt's text, for the composer: its server is started in the session's sandbox like for a turn. */
export const POST = route<{ id: string }>(
  async (request, { id }, { audit }) => {
    const input = await readJson(request, promptInput);
    const prompt = await sessionPromptText(id, input, request.signal);
    await audit(id, { server: input.server, name: input.name });
    return Response.json(prompt satisfies McpPromptText);
  },
  { action: "session.mcpPrompt" },
);
