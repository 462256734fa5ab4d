import { dynamicTool, type ToolSet } from "ai";
import { recordToolCall } from "@/lib/db/queries/tool-calls";
import type { SessionEventBody } from "@/lib/events/types";
import { maskSecrets } from "@/lib/sandbox";

/** Masks every string inside a tool's input before it is stored or shown. */
function maskInput(value: unknown, secrets: string[]): unknown {
  if (typeof value === "string") return maskSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => maskInput(v, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskInput(v, secrets)]));
  }
  return value;
}

import type { ToolPart } from "./parts";
import type { BuiltinTool, ErrorClass, ToolContext, ToolOutcome } from "./tools/types";

export interface ToolSetDeps {
  sessionId: string;
  turnId: string;
  secrets: string[];
  emit(body: SessionEventBody): Promise<void>;
  /** Adds a tool part to the assistant message, returning a function that saves updates to it. */
  addToolPart(part: ToolPart): Promise<(update: Partial<ToolPart>) => Promise<void>>;
  context(callId: string, signal: AbortSignal): ToolContext;
}

function errorClassFor(outcome: ToolOutcome): ErrorClass | null {
  if (outcome.errorClass) return outcome.errorClass;
  return outcome.state === "error" ? "tool_error" : null;
}

/** Records a finished call: its telemetry row (off the hot path) and the live result event. */
async function finishCall(
  deps: ToolSetDeps,
  call: { callId: string; tool: string; summary: string },
  outcome: ToolOutcome,
  durationMs: number,
): Promise<void> {
  recordToolCall({
    sessionId: deps.sessionId,
    turnId: deps.turnId,
    callId: call.callId,
    tool: call.tool,
    inputSummary: call.summary.slice(0, 500),
    ok: outcome.state === "completed",
    exitCode: outcome.exitCode ?? null,
    errorClass: errorClassFor(outcome),
    durationMs,
    outputBytes: outcome.outputBytes ?? Buffer.byteLength(outcome.output),
  }).catch((error) => console.error("[ratchet] telemetry write failed", error));
  await deps.emit({
    type: "tool-result",
    callId: call.callId,
    tool: call.tool,
    state: outcome.state,
    ok: outcome.state === "completed" && (outcome.exitCode ?? 0) === 0,
    exitCode: outcome.exitCode ?? null,
    durationMs,
    summary: outcome.summary,
  });
}

/** The one place built-in tools become AI SDK tools: events, parts, telemetry and masking for every call. */
export function buildToolSet(
  tools: readonly BuiltinTool[],
  deps: ToolSetDeps,
): { tools: ToolSet; started: Set<string> } {
  const started = new Set<string>();
  const set: ToolSet = {};
  for (const def of tools) {
    set[def.name] = dynamicTool({
      description: def.description,
      inputSchema: def.inputSchema,
      execute: async (rawInput, { toolCallId, abortSignal }) => {
        const input = def.inputSchema.parse(rawInput);
        const summary = maskSecrets(def.summarize(input), deps.secrets);
        started.add(toolCallId);
        const shown = maskInput(input, deps.secrets);
        const update = await deps.addToolPart({
          type: "tool",
          callId: toolCallId,
          tool: def.name,
          input: shown,
          state: "running",
          summary,
        });
        await deps.emit({ type: "tool-call", callId: toolCallId, tool: def.name, input: shown, summary });
        const signal = abortSignal ?? new AbortController().signal;
        const startedAt = performance.now();
        let outcome: ToolOutcome;
        try {
          outcome = await def.execute(input, deps.context(toolCallId, signal));
        } catch (error) {
          outcome = {
            state: "error",
            output: `${def.name} failed: ${(error as Error).message}`,
            summary: "tool error",
            errorClass: "tool_error",
          };
        }
        const durationMs = Math.round(performance.now() - startedAt);
        const output = maskSecrets(outcome.output, deps.secrets);
        await update({
          state: outcome.state,
          output,
          durationMs,
          exitCode: outcome.exitCode ?? null,
          summary: outcome.summary,
        });
        await finishCall(
          deps,
          { callId: toolCallId, tool: def.name, summary },
          { ...outcome, output },
          durationMs,
        );
        if (outcome.state === "error") throw new Error(output);
        return output;
      },
    });
  }
  return { tools: set, started };
}

/** A call the SDK refused before execution (unknown tool, input that fails the schema). */
export async function recordRejectedCall(
  deps: ToolSetDeps,
  call: { callId: string; tool: string; input: unknown; error: unknown },
): Promise<void> {
  const message = maskSecrets((call.error as Error)?.message ?? String(call.error), deps.secrets);
  const summary = maskSecrets(JSON.stringify(call.input ?? {}).slice(0, 200), deps.secrets);
  const input = maskInput(call.input, deps.secrets);
  const update = await deps.addToolPart({
    type: "tool",
    callId: call.callId,
    tool: call.tool,
    input,
    state: "running",
    summary,
  });
  await deps.emit({ type: "tool-call", callId: call.callId, tool: call.tool, input, summary });
  await update({ state: "error", output: message, durationMs: 0, summary: "rejected" });
  await finishCall(
    deps,
    { callId: call.callId, tool: call.tool, summary },
    {
      state: "error",
      output: message,
      summary: `rejected: ${message.slice(0, 160)}`,
      errorClass: "tool_error",
    },
    0,
  );
}
