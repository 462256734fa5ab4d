import type { z } from "zod";
import type { SessionEventBody } from "@/lib/events/types";

// The contract between a tool and the turn that calls it: what a tool gets and what it returns, for
// the built-ins (lib/agent/tools) and the agent-written tools (./call.ts) alike.

export type ErrorClass =
  | "tool_error"
  | "timeout"
  | "sandbox_denial"
  | "command_failed"
  | "cancelled"
  /** A permission rule denied the call, or a person did (lib/permissions): it never ran. */
  | "permission_denied";

/** What a built-in tool gets from the turn that calls it. */
export interface ToolContext {
  sessionId: string;
  turnId: string;
  callId: string;
  workspace: string;
  signal: AbortSignal;
  secrets: string[];
  emit(body: SessionEventBody): Promise<void>;
  trackProcess(info: { pgid: number; marker: string }): Promise<void>;
  untrackProcess(marker: string): Promise<void>;
  reload(): Promise<string>;
}

/**
 * A tool's result. `state: "error"` is a tool failure (timeout, spawn failure, bad state);
 * a command that ran and exited non-zero is `completed` with its exit code.
 */
export interface ToolOutcome {
  state: "completed" | "error";
  output: string;
  summary: string;
  exitCode?: number | null;
  errorClass?: ErrorClass | null;
  /** Bytes the call produced; null when nothing ran (refused before it started). */
  outputBytes?: number | null;
  /**
   * Why it failed, in a few lines for people (the transcript, the friction line, the tool-call row);
   * `output` when absent. An agent tool's thrown error comes with the frames from its own file.
   */
  error?: string;
}

export interface BuiltinTool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  inputSchema: S;
  /** One line for the transcript: `▸ run_command  npm test`. */
  summarize(input: z.infer<S>): string;
  execute(input: z.infer<S>, ctx: ToolContext): Promise<ToolOutcome>;
}

export function defineTool<S extends z.ZodType>(tool: BuiltinTool<S>): BuiltinTool<S> {
  return tool;
}
