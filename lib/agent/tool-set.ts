import { dynamicTool, type JSONSchema7, jsonSchema, type ToolSet } from "ai";
import type { SessionEventBody } from "@/lib/events/types";
import { maskSecrets } from "@/lib/sandbox";
import { recordToolCall } from "@/lib/telemetry/recorder";
import { callAgentTool } from "@/lib/tools/call";
import type { Catalog } from "@/lib/tools/catalog";

/** Masks every string inside a tool's input before it is stored or shown. */
function maskInput(value: unknown, secrets: string[]): unknown {
  if (typeof value === "string") return maskSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => maskInput(v, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskInput(v, secrets)]));
  }
  return value;
}

import type { BuiltinTool, ErrorClass, ToolContext, ToolOutcome } from "@/lib/tools/types";
import type { ToolPart } from "./parts";

export interface ToolSetDeps {
  sessionId: string;
  turnId: string;
  secrets: string[];
  emit(body: SessionEventBody): Promise<void>;
  /** Adds a tool part to the assistant message, returning a function that saves updates to it. */
  addToolPart(part: ToolPart): Promise<(update: Partial<ToolPart>) => Promise<void>>;
  context(callId: string, signal: AbortSignal): ToolContext;
  /** Every finished call, for the friction detector. */
  onCallFinished?(call: FinishedCall): Promise<void>;
}

export interface FinishedCall {
  tool: string;
  input: string;
  ok: boolean;
  errorClass: ErrorClass | null;
  durationMs: number;
  exitCode: number | null;
}

function errorClassFor(outcome: ToolOutcome): ErrorClass | null {
  if (outcome.errorClass) return outcome.errorClass;
  return outcome.state === "error" ? "tool_error" : null;
}

/** Records a finished call: its telemetry row (off the hot path) and the live result event. */
async function finishCall(
  deps: ToolSetDeps,
  call: { callId: string; tool: string; summary: string; version: string },
  outcome: ToolOutcome,
  durationMs: number,
): Promise<void> {
  recordToolCall({
    sessionId: deps.sessionId,
    turnId: deps.turnId,
    callId: call.callId,
    tool: call.tool,
    toolVersion: call.version,
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
  try {
    await deps.onCallFinished?.({
      tool: call.tool,
      input: call.summary,
      ok: outcome.state === "completed",
      errorClass: errorClassFor(outcome),
      durationMs,
      exitCode: outcome.exitCode ?? null,
    });
  } catch (error) {
    console.error("[ratchet] friction check failed", error);
  }
}

/** What every tool call shares, whatever runs it: a part, live events, telemetry and masking. */
export interface CallSpec {
  tool: string;
  /** Telemetry label: "builtin" or the agent tool's version. */
  version: string;
  input: unknown;
  summary: string;
  run(signal: AbortSignal): Promise<ToolOutcome>;
}

export interface ToolSetHandle {
  tools: ToolSet;
  /** Call ids whose execution began (the rest were refused by the SDK). */
  started: Set<string>;
  /** Runs a call through the shared bookkeeping and tracks it until it settles. */
  execute(spec: CallSpec, toolCallId: string, abortSignal: AbortSignal | undefined): Promise<string>;
  /** Waits (bounded) for running executions, so a cancelled turn records their results first. */
  settled(timeoutMs: number): Promise<void>;
  /** Names of the agent-written tools currently in `tools`. */
  agentTools: Set<string>;
}

async function executeCall(
  deps: ToolSetDeps,
  spec: CallSpec,
  toolCallId: string,
  signal: AbortSignal,
): Promise<string> {
  const summary = maskSecrets(spec.summary, deps.secrets);
  const shown = maskInput(spec.input, deps.secrets);
  const update = await deps.addToolPart({
    type: "tool",
    callId: toolCallId,
    tool: spec.tool,
    input: shown,
    state: "running",
    summary,
  });
  await deps.emit({ type: "tool-call", callId: toolCallId, tool: spec.tool, input: shown, summary });
  const startedAt = performance.now();
  let outcome: ToolOutcome;
  try {
    outcome = await spec.run(signal);
  } catch (error) {
    outcome = {
      state: "error",
      output: `${spec.tool} failed: ${error instanceof Error ? error.message : String(error)}`,
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
    { callId: toolCallId, tool: spec.tool, summary, version: spec.version },
    { ...outcome, output },
    durationMs,
  );
  if (outcome.state === "error") throw new Error(output);
  return output;
}

/** The one place tools become AI SDK tools. Built-ins are added here; agent tools join later. */
export function buildToolSet(builtins: readonly BuiltinTool[], deps: ToolSetDeps): ToolSetHandle {
  const started = new Set<string>();
  const inflight = new Set<Promise<unknown>>();
  const handle: ToolSetHandle = {
    tools: {},
    started,
    agentTools: new Set(),
    execute(spec, toolCallId, abortSignal) {
      started.add(toolCallId);
      const work = executeCall(deps, spec, toolCallId, abortSignal ?? new AbortController().signal);
      inflight.add(work);
      void work.then(
        () => inflight.delete(work),
        () => inflight.delete(work),
      );
      return work;
    },
    async settled(timeoutMs) {
      if (inflight.size === 0) return;
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    },
  };
  for (const def of builtins) {
    handle.tools[def.name] = dynamicTool({
      description: def.description,
      inputSchema: def.inputSchema,
      execute: (rawInput, { toolCallId, abortSignal }) => {
        const input = def.inputSchema.parse(rawInput);
        return handle.execute(
          {
            tool: def.name,
            version: "builtin",
            input,
            summary: def.summarize(input),
            run: (signal) => def.execute(input, deps.context(toolCallId, signal)),
          },
          toolCallId,
          abortSignal,
        );
      },
    });
  }
  return handle;
}

function summarizeArgs(args: unknown): string {
  if (args && typeof args === "object") {
    const values = Object.values(args).filter((v) => typeof v === "string" || typeof v === "number");
    if (values.length) return values.map(String).join(" ").split("\n")[0]?.slice(0, 200) ?? "";
  }
  return JSON.stringify(args ?? {}).slice(0, 200);
}

/**
 * Swaps the agent-written tools in the live tool set. The SDK reads the same object every step,
 * so a tool proposed in this turn is callable from the next step on.
 */
export function installAgentTools(handle: ToolSetHandle, catalog: Catalog, deps: ToolSetDeps): void {
  for (const name of handle.agentTools) delete handle.tools[name];
  handle.agentTools.clear();
  for (const tool of catalog.callable) {
    if (handle.tools[tool.name]) continue; // a built-in; names are refused at proposal anyway
    handle.agentTools.add(tool.name);
    const description = tool.trial
      ? `${tool.manifest.description} (trial: your own proposal v${tool.version}, not yet approved)`
      : tool.manifest.description;
    handle.tools[tool.name] = dynamicTool({
      description,
      inputSchema: jsonSchema(tool.manifest.schema as JSONSchema7),
      execute: (args, { toolCallId, abortSignal }) =>
        handle.execute(
          {
            tool: tool.name,
            version: `v${tool.version}`,
            input: args,
            summary: summarizeArgs(args),
            run: async (signal) => {
              const ctx = deps.context(toolCallId, signal);
              const tracked: string[] = [];
              try {
                return await callAgentTool(tool, args, {
                  workspace: ctx.workspace,
                  signal,
                  secrets: ctx.secrets,
                  onOutput: (chunk) => void ctx.emit({ type: "tool-output", callId: toolCallId, chunk }),
                  onSpawn: (info) => {
                    tracked.push(info.marker);
                    void ctx.trackProcess(info);
                  },
                });
              } finally {
                for (const marker of tracked) await ctx.untrackProcess(marker);
              }
            },
          },
          toolCallId,
          abortSignal,
        ),
    });
  }
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
    { callId: call.callId, tool: call.tool, summary, version: "builtin" },
    {
      state: "error",
      output: message,
      summary: `rejected: ${message.slice(0, 160)}`,
      errorClass: "tool_error",
    },
    0,
  );
}
