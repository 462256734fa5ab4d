import { dynamicTool, type JSONSchema7, jsonSchema, type Tool } from "ai";
import { type McpOffer, type OfferedMcpTool, sessionMcp } from "@/lib/mcp/sessions";
import type { CallSpec } from "./tool-call";

/** Most time one MCP call may take; a hung server's call ends as a timeout, the turn goes on. */
export const MCP_CALL_TIMEOUT_MS = Number(process.env.RATCHET_MCP_CALL_TIMEOUT_MS) || 120_000;

type Execute = (spec: CallSpec, toolCallId: string, abortSignal: AbortSignal | undefined) => Promise<string>;

function summarize(args: unknown): string {
  return JSON.stringify(args ?? {}).slice(0, 200);
}

/**
 * An approved MCP tool as an SDK tool. It runs through the same executeCall as every other tool
 * (events, telemetry, masking, cancel); the server's own name for it is behind `<server>__`.
 */
export function mcpTool(tool: OfferedMcpTool, execute: Execute): Tool {
  return dynamicTool({
    description: `[MCP server ${tool.server}] ${tool.description}`,
    inputSchema: jsonSchema(tool.inputSchema as JSONSchema7),
    execute: (args, { toolCallId, abortSignal }) =>
      execute(
        {
          tool: tool.name,
          version: `mcp:${tool.server}`,
          input: args,
          summary: summarize(args),
          run: (signal) => tool.call(args, { signal, timeoutMs: MCP_CALL_TIMEOUT_MS }),
        },
        toolCallId,
        abortSignal,
      ),
  });
}

/** The session's approved MCP tools, prompts and resources; a server that fails is reported and left out. */
export async function loadMcpTools(
  sessionId: string,
  workspace: string,
  notice: (message: string) => Promise<void>,
): Promise<McpOffer> {
  try {
    return await sessionMcp(sessionId, workspace);
  } catch (error) {
    await notice(`MCP servers not available: ${error instanceof Error ? error.message : String(error)}`);
    return { tools: [], prompts: [], resources: [] };
  }
}
