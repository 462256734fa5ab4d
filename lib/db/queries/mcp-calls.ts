import { db } from "../client";

/** One recorded call of an MCP server's tools, prompts or resources (telemetry row `toolVersion: "mcp:<server>"`). */
export interface McpCallRow {
  tool: string;
  ok: boolean;
  errorClass: string | null;
  errorMessage: string | null;
  durationMs: number;
  createdAt: Date;
}

/** A server's calls since `since`, newest first, at most `take` (the health view's window). */
export function mcpCallsOf(server: string, since: Date, take = 10_000): Promise<McpCallRow[]> {
  return db().toolCall.findMany({
    where: { toolVersion: `mcp:${server}`, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      tool: true,
      ok: true,
      errorClass: true,
      errorMessage: true,
      durationMs: true,
      createdAt: true,
    },
  });
}
