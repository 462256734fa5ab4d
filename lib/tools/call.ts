import { checkArguments } from "./arguments";
import type { CallableTool } from "./catalog";
import { runResultSchema } from "./expect";
import { runInHost } from "./host";
import { wantsNetwork } from "./manifest";
import type { ToolOutcome } from "./types";

export const AGENT_TOOL_TIMEOUT_MS = 120_000;

export interface AgentCallContext {
  workspace: string;
  signal: AbortSignal;
  secrets: string[];
  onOutput(chunk: string): void;
  onSpawn(info: { pid: number; pgid: number; marker: string }): void;
}

/** Environment a person approved for this tool; trial calls get none. */
function declaredEnv(tool: CallableTool): Record<string, string> {
  if (tool.trial) return {};
  const env: Record<string, string> = {};
  for (const name of tool.manifest.capabilities.env) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function render(result: unknown): string {
  if (typeof result === "string") return result;
  return JSON.stringify(result, null, 2) ?? "null";
}

/** One sandboxed call of an agent-written tool, arguments checked first. */
export async function callAgentTool(
  tool: CallableTool,
  args: unknown,
  ctx: AgentCallContext,
): Promise<ToolOutcome> {
  const argProblem = checkArguments(tool.sha256, tool.manifest.schema, args);
  if (argProblem) {
    return {
      state: "error",
      output: `${argProblem}. Fix the arguments and call ${tool.name} again.`,
      summary: "bad arguments",
      errorClass: "tool_error",
    };
  }
  const caps = tool.manifest.capabilities;
  const result = await runInHost({
    source: tool.source,
    sha256: tool.sha256,
    subprocess: caps.subprocess,
    request: { mode: "call", args },
    cwd: ctx.workspace,
    writeCwd: caps.filesystem === "project",
    network: wantsNetwork(caps),
    env: declaredEnv(tool),
    timeoutMs: AGENT_TOOL_TIMEOUT_MS,
    signal: ctx.signal,
    secrets: [...ctx.secrets, ...Object.values(declaredEnv(tool))],
    onOutput: ctx.onOutput,
    onSpawn: ctx.onSpawn,
  });
  const took = `${Math.round(result.process.durationMs)}ms`;
  const denied = [...new Set(result.process.sandboxDenials)];
  const denial = denied.length
    ? `\n[sandbox] network requests blocked by the network policy (Settings → Sandbox): ${denied.slice(0, 5).join("; ")}`
    : "";
  const base = { outputBytes: result.process.outputBytes };
  const response = result.response;
  if (response?.phase === "load")
    return {
      ...base,
      state: "error",
      output: `${tool.name} could not be loaded, so it did not run: ${response.error.name}: ${response.error.message}`,
      summary: "refused at load",
      errorClass: "tool_error",
    };
  if (response?.phase !== "call") {
    const status = result.process.status;
    return {
      ...base,
      state: "error",
      output: `${tool.name} failed: ${result.problem ?? "no result"}${denial}`,
      summary: status === "timeout" ? "timed out" : status === "cancelled" ? "cancelled" : "failed",
      errorClass:
        status === "timeout"
          ? "timeout"
          : status === "cancelled"
            ? "cancelled"
            : denied.length || status === "sandbox-unavailable"
              ? "sandbox_denial"
              : "tool_error",
    };
  }
  if ("thrown" in response)
    return {
      ...base,
      state: "error",
      output: `${tool.name} threw ${response.thrown.name}: ${response.thrown.message}${denial}`,
      summary: "threw",
      errorClass: denied.length ? "sandbox_denial" : "tool_error",
    };
  if ("unserializable" in response)
    return {
      ...base,
      state: "error",
      output: `${tool.name} returned a value that is not JSON: ${response.unserializable}`,
      summary: "bad result",
      errorClass: "tool_error",
    };
  const parsed = runResultSchema.safeParse(response.returned);
  if (!parsed.success)
    return {
      ...base,
      state: "error",
      output: `${tool.name} must return { ok: true, result } or { ok: false, error }; it returned ${render(response.returned).slice(0, 300)}`,
      summary: "bad result",
      errorClass: "tool_error",
    };
  if (!parsed.data.ok)
    return {
      ...base,
      state: "error",
      output: `${parsed.data.error}${denial}`,
      summary: `error · ${took}`,
      errorClass: denied.length ? "sandbox_denial" : "tool_error",
    };
  // a tool that caught a refused request still worked, but the denial is recorded and shown
  if (denied.length)
    return {
      ...base,
      state: "completed",
      output: `${render(parsed.data.result ?? null)}${denial}`,
      summary: `ok · ${took} · network blocked`,
      errorClass: "sandbox_denial",
    };
  return { ...base, state: "completed", output: render(parsed.data.result ?? null), summary: `ok · ${took}` };
}
