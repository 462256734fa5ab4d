import { z } from "zod";
import { runProcess } from "@/lib/sandbox";
import { defineTool, type ToolOutcome } from "@/lib/tools/types";

export const RUN_COMMAND_DEFAULTS = {
  timeoutMs: 120_000,
  modelCapBytes: 1024 * 1024,
  streamCapBytes: 16 * 1024 * 1024,
};

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** The proxy's refusals, turned into something the model can act on. */
export function describeDenials(lines: string[]): string {
  if (lines.length === 0) return "";
  const shown = [...new Set(lines)].slice(0, 10).map((l) => `  ${l}`);
  return `\n[sandbox] network requests blocked by the network policy (Settings → Sandbox):\n${shown.join("\n")}`;
}

/** What the workspace guard undid after the command, said so the model stops trying. */
export function describeGuarded(lines: string[]): string {
  return lines.map((line) => `\n[sandbox] ${line}`).join("");
}

export const runCommand = defineTool({
  name: "run_command",
  description:
    "Run a bash command in the session's workspace and return its combined stdout/stderr and exit code. " +
    "Non-interactive: stdin is closed. Long output is truncated for you (the user still sees it all). " +
    "Do not start servers in the background: every process the command started is killed when it returns.",
  inputSchema: z.object({
    command: z.string().min(1, "command must not be empty").max(100_000),
    timeout_ms: z.number().int().min(1).max(3_600_000).optional().describe("Default 120000 (2 minutes)."),
  }),
  summarize: (input) => input.command.split("\n")[0]?.slice(0, 200) ?? "",
  async execute(input, ctx): Promise<ToolOutcome> {
    const timeoutMs = input.timeout_ms ?? RUN_COMMAND_DEFAULTS.timeoutMs;
    const tracked: string[] = [];
    const result = await runProcess({
      command: input.command,
      cwd: ctx.workspace,
      privateTmp: true,
      // the next command of the session finds its sandbox started (lib/sandbox/prestart.ts)
      prestart: true,
      sandbox: { writable: [ctx.workspace], network: "policy", workspace: ctx.workspace },
      timeoutMs,
      modelCapBytes: RUN_COMMAND_DEFAULTS.modelCapBytes,
      streamCapBytes: RUN_COMMAND_DEFAULTS.streamCapBytes,
      signal: ctx.signal,
      secrets: ctx.secrets,
      onOutput: (chunk) => ctx.emit({ type: "tool-output", callId: ctx.callId, chunk }),
      onSpawn: (info) => {
        tracked.push(info.marker);
        void ctx.trackProcess(info);
      },
    });
    for (const marker of tracked) await ctx.untrackProcess(marker);
    const took = seconds(result.durationMs);
    const base = { outputBytes: result.outputBytes, exitCode: result.exitCode };
    const blocked = describeDenials(result.sandboxDenials);
    const guarded = describeGuarded(result.workspaceGuard);
    const denials = blocked + guarded;
    switch (result.status) {
      case "exited":
        return {
          ...base,
          state: "completed",
          output: `exit code ${result.exitCode} (${took})\n${result.output}${denials}`,
          summary: `exit ${result.exitCode} · ${took}${blocked ? " · network blocked" : ""}${guarded ? " · protected files undone" : ""}`,
          errorClass: result.exitCode === 0 ? null : denials ? "sandbox_denial" : "command_failed",
        };
      case "sandbox-unavailable":
        return {
          ...base,
          state: "error",
          output: result.error ?? "Refused: the sandbox is unavailable.",
          summary: "refused: sandbox unavailable",
          errorClass: "sandbox_denial",
        };
      case "timeout":
        return {
          ...base,
          state: "error",
          output: `Timed out after ${seconds(timeoutMs)}; the command and everything it started were killed.\n${result.output}`,
          summary: `timed out after ${seconds(timeoutMs)}`,
          errorClass: "timeout",
        };
      case "cancelled":
        return {
          ...base,
          state: "error",
          output: "Cancelled by the user.",
          summary: "cancelled",
          errorClass: "cancelled",
        };
      case "output-cap":
        return {
          ...base,
          state: "error",
          output: `Killed: the command printed more than ${RUN_COMMAND_DEFAULTS.streamCapBytes / 1024 / 1024} MiB. Redirect large output to a file and inspect it with head/grep.\n${result.output}`,
          summary: `killed at the output cap · ${took}`,
          errorClass: "tool_error",
        };
      default:
        return {
          ...base,
          state: "error",
          output: `Could not start the command: ${result.error ?? "unknown error"}`,
          summary: "failed to start",
          errorClass: "tool_error",
        };
    }
  },
});
