import { checkArguments } from "./arguments";
import type { CallableTool } from "./catalog";
import { runResultSchema } from "./expect";
import { describeThrown } from "./failure";
import { runInHost } from "./host";
import { wantsNetwork } from "./manifest";
import type { ToolOutcome } from "./types";

export const AGENT_TOOL_TIMEOUT_MS = 120_000;

export interface AgentCallContext {
  workspace: string;
  signal: AbortSignal;
  secrets: string[];
  /** A promise it returns holds the command back until it settles (runProcess). */
  onOutput(chunk: string): unknown;
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
      error: argProblem,
      // it never ran
      outputBytes: null,
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
  // what the tool printed; its result's size is added where it returned one
  const printed = result.process.outputBytes;
  const base = { outputBytes: printed };
  const response = result.response;
  if (response?.phase === "load")
    return {
      ...base,
      state: "error",
      output: `${tool.name} could not be loaded, so it did not run: ${response.error.name}: ${response.error.message}`,
      summary: "refused at load",
      errorClass: "tool_error",
      error: `could not be loaded: ${response.error.name}: ${response.error.message}`,
    };
  if (response?.phase !== "call") {
    const status = result.process.status;
    return {
      ...base,
      state: "error",
      output: `${tool.name} failed: ${result.problem ?? "no result"}${denial}`,
      error: `${result.problem ?? "no result"}${denial}`,
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
  if ("thrown" in response) {
    // the model gets the frames too: they say which line of its tool to fix
    const thrown = describeThrown(response.thrown, tool.name);
    return {
      ...base,
      state: "error",
      output: `${tool.name} threw ${thrown}${denial}`,
      summary: "threw",
      errorClass: denied.length ? "sandbox_denial" : "tool_error",
      error: `${thrown}${denial}`,
    };
  }
  if ("unserializable" in response)
    return {
      ...base,
      state: "error",
      output: `${tool.name} returned a value that is not JSON: ${response.unserializable}`,
      summary: "bad result",
      errorClass: "tool_error",
      error: `returned a value that is not JSON: ${response.unserializable}`,
    };
  const returned = render(response.returned);
  const withResult = { outputBytes: printed + Buffer.byteLength(returned) };
  const parsed = runResultSchema.safeParse(response.returned);
  if (!parsed.success)
    return {
      ...withResult,
      state: "error",
      output: `${tool.name} must return { ok: true, result } or { ok: false, error }; it returned ${returned.slice(0, 300)}`,
      summary: "bad result",
      errorClass: "tool_error",
      error: `must return { ok: true, result } or { ok: false, error }; it returned ${returned.slice(0, 300)}`,
    };
  if (!parsed.data.ok)
    return {
      ...withResult,
      state: "error",
      output: `${parsed.data.error}${denial}`,
      summary: `error · ${took}`,
      errorClass: denied.length ? "sandbox_denial" : "tool_error",
    };
  const output = render(parsed.data.result ?? null);
  const sized = { outputBytes: printed + Buffer.byteLength(output) };
  // a tool that caught a refused request still worked, but the denial is recorded and shown
  if (denied.length)
    return {
      ...sized,
      state: "completed",
      output: `${output}${denial}`,
      summary: `ok · ${took} · network blocked`,
      errorClass: "sandbox_denial",
      error: denial.trim(),
    };
  return { ...sized, state: "completed", output, summary: `ok · ${took}` };
}
