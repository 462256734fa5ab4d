import { dynamicTool, type ToolSet } from "ai";
import { z } from "zod";
import type { OfferedMcpTool } from "@/lib/mcp/sessions";
import { mcpTool } from "./mcp-tools";
import type { CallSpec } from "./tool-call";

/**
 * Progressive disclosure: up to this many approved MCP tools are offered as they are; past it the
 * model gets one tool, `mcp_load_tools`, whose description names each server in one line, and a
 * server's tools join the tool set when it loads them (the tool set is read at every request, so
 * from its next step on, and for the rest of the session).
 */
export const MCP_EAGER_LIMIT = Number(process.env.RATCHET_MCP_EAGER_TOOLS) || 20;
export const LOAD_TOOL = "mcp_load_tools";

type Execute = (spec: CallSpec, toolCallId: string, abortSignal: AbortSignal | undefined) => Promise<string>;

function byServer(offered: readonly OfferedMcpTool[]): Map<string, OfferedMcpTool[]> {
  const servers = new Map<string, OfferedMcpTool[]>();
  for (const tool of offered) servers.set(tool.server, [...(servers.get(tool.server) ?? []), tool]);
  return servers;
}

/** One line per server: how many tools and their names (descriptions stay out until loaded). */
export function serverIndex(offered: readonly OfferedMcpTool[]): string {
  return [...byServer(offered)]
    .map(([server, tools]) => {
      const names = tools.map((t) => t.tool).join(", ");
      return `- ${server}: ${tools.length} tools (${names.length > 160 ? `${names.slice(0, 157)}…` : names})`;
    })
    .join("\n");
}

function loaderDescription(offered: readonly OfferedMcpTool[]): string {
  return `Loads the tools of an MCP server, so you can call them as <server>__<tool> from your next step on. Servers:\n${serverIndex(offered)}`;
}

/** Adds the session's MCP tools to `tools`: all of them, or the loader and the servers already loaded. */
export function installMcp(
  tools: ToolSet,
  offered: readonly OfferedMcpTool[],
  loaded: Set<string>,
  execute: Execute,
): void {
  const add = (list: readonly OfferedMcpTool[]) => {
    for (const tool of list) if (!tools[tool.name]) tools[tool.name] = mcpTool(tool, execute);
  };
  if (offered.length <= MCP_EAGER_LIMIT) {
    add(offered);
    return;
  }
  const servers = byServer(offered);
  for (const server of loaded) add(servers.get(server) ?? []);
  if (tools[LOAD_TOOL]) return;
  const input = z.object({ server: z.string().max(64) });
  tools[LOAD_TOOL] = dynamicTool({
    description: loaderDescription(offered),
    inputSchema: input,
    execute: (raw, { toolCallId, abortSignal }) => {
      const { server } = input.parse(raw);
      return execute(
        {
          tool: LOAD_TOOL,
          version: "builtin",
          input: { server },
          summary: server,
          run: async () => {
            const list = servers.get(server);
            if (!list)
              return {
                state: "error",
                output: `No approved MCP server named ${server}. Servers: ${[...servers.keys()].join(", ")}`,
                summary: "unknown server",
                errorClass: "tool_error",
              };
            add(list);
            loaded.add(server);
            const lines = list.map((t) => `${t.name}: ${t.description.split("\n")[0]?.slice(0, 200) ?? ""}`);
            return { state: "completed", output: lines.join("\n"), summary: `${list.length} tools loaded` };
          },
        },
        toolCallId,
        abortSignal,
      );
    },
  });
}
