import { type McpCallRow, mcpCallsOf } from "@/lib/db/queries/mcp-calls";
import { findMcpServer } from "@/lib/db/queries/mcp-servers";
import { ApiError } from "@/lib/errors";
import { serverState } from "./sessions";
import { type McpServerHealth, type McpToolHealth, serverView } from "./views";

/** How far back the health view looks. */
export const HEALTH_WINDOW_DAYS = 30;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/**
 * Per-tool figures from a server's calls (newest first), with a zero row for each approved tool
 * not called in the window, so an unused tool shows as such.
 */
export function toolHealth(
  server: string,
  calls: readonly McpCallRow[],
  offered: readonly string[],
): McpToolHealth[] {
  const prefix = `${server}__`;
  const byTool = new Map<string, McpCallRow[]>();
  for (const name of offered) byTool.set(name, []);
  for (const call of calls) {
    const tool = call.tool.startsWith(prefix) ? call.tool.slice(prefix.length) : call.tool;
    byTool.set(tool, [...(byTool.get(tool) ?? []), call]);
  }
  return [...byTool]
    .map(([tool, rows]) => {
      const durations = rows.map((r) => r.durationMs).sort((a, b) => a - b);
      const failed = rows.find((r) => !r.ok);
      return {
        tool,
        calls: rows.length,
        failures: rows.filter((r) => !r.ok).length,
        p50Ms: percentile(durations, 50),
        p95Ms: percentile(durations, 95),
        lastUsedAt: rows[0]?.createdAt.toISOString() ?? null,
        lastError: failed
          ? {
              at: failed.createdAt.toISOString(),
              errorClass: failed.errorClass,
              message: failed.errorMessage,
            }
          : null,
      };
    })
    .sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
}

/** GET /api/mcp-servers/:name/health: the server's state and its tools' figures. */
export async function serverHealth(name: string, now = new Date()): Promise<McpServerHealth> {
  const row = await findMcpServer(name);
  if (!row) throw new ApiError("not_found", `No MCP server named ${name}.`);
  const since = new Date(now.getTime() - HEALTH_WINDOW_DAYS * 86_400_000);
  const state = serverState(name);
  const view = serverView(row, state.running);
  const offered = view.tools.filter((t) => !t.kind && t.status === "active").map((t) => t.name);
  return {
    name,
    status: view.status,
    ...state,
    since: since.toISOString(),
    tools: toolHealth(name, await mcpCallsOf(name, since), offered),
  };
}
