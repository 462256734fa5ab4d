import type { SessionEventBody } from "@/lib/events/types";
import type { Permit, PermitCall } from "@/lib/permissions/asks";
import { maskSecrets } from "@/lib/sandbox";
import { recordToolCall } from "@/lib/telemetry/recorder";
import { clipFailure } from "@/lib/tools/failure";
import type { ErrorClass, ToolContext, ToolOutcome } from "@/lib/tools/types";
import type { ToolPart } from "./parts";

/** What a tool call needs of the turn that makes it. */
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
  /** Awaited before a tool runs (the turn's last checkpoint is then recorded). */
  beforeRun?(tool: string): Promise<void>;
  /**
   * The permission rules' say (lib/permissions): allowed, refused, or — for an *ask* — whatever a
   * person answers, the timeout or the turn's abort decides. Awaited after the call is shown and
   * before it runs.
   */
  permit?(call: Omit<PermitCall, "sessionId" | "turnId">, signal: AbortSignal): Promise<Permit>;
}

export interface FinishedCall {
  tool: string;
  input: string;
  ok: boolean;
  errorClass: ErrorClass | null;
  /** Why it failed, masked and clipped; null when it did not. */
  error: string | null;
  durationMs: number;
  exitCode: number | null;
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

/** Masks every string inside a tool's input before it is stored or shown. */
function maskInput(value: unknown, secrets: string[]): unknown {
  if (typeof value === "string") return maskSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => maskInput(v, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskInput(v, secrets)]));
  }
  return value;
}

function errorClassFor(outcome: ToolOutcome): ErrorClass | null {
  if (outcome.errorClass) return outcome.errorClass;
  return outcome.state === "error" ? "tool_error" : null;
}

/**
 * Why a call failed, for people: the tool's own account when it gave one, else what the model was
 * told. Null for a call that worked (a command's non-zero exit is its exit code, not an error).
 * Masked before it is clipped, so a secret cut in two is masked whole.
 */
function failureOf(outcome: ToolOutcome, secrets: string[]): string | null {
  const text = outcome.error ?? (outcome.state === "error" ? outcome.output : null);
  if (!text?.trim()) return null;
  return clipFailure(maskSecrets(text, secrets));
}

/** Records a finished call: its telemetry row (off the hot path) and the live result event. */
async function finishCall(
  deps: ToolSetDeps,
  call: { callId: string; tool: string; summary: string; version: string },
  outcome: ToolOutcome,
  durationMs: number,
): Promise<void> {
  const error = failureOf(outcome, deps.secrets);
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
    errorMessage: error,
    durationMs,
    // null stays null: a call that never ran produced nothing, which is not "0 bytes of output"
    outputBytes: outcome.outputBytes !== undefined ? outcome.outputBytes : Buffer.byteLength(outcome.output),
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
    ...(error ? { error } : {}),
  });
  try {
    await deps.onCallFinished?.({
      tool: call.tool,
      input: call.summary,
      ok: outcome.state === "completed",
      errorClass: errorClassFor(outcome),
      error,
      durationMs,
      exitCode: outcome.exitCode ?? null,
    });
  } catch (error) {
    console.error("[ratchet] friction check failed", error);
  }
}

/**
 * The one path every tool call takes, built-in or agent-written: a masked part and `tool-call`
 * event first, then the run, then its masked result stored, shown and recorded. A failed run is
 * thrown back to the SDK, which hands it to the model as an error result.
 */
export async function executeCall(
  deps: ToolSetDeps,
  spec: CallSpec,
  toolCallId: string,
  signal: AbortSignal,
): Promise<string> {
  // the turn's previous checkpoint is recorded first, so the call's events come in a fixed order
  await deps.beforeRun?.(spec.tool);
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
  // the call is on screen before it waits for a person's answer; the wait is not its duration
  let permission: Permit;
  try {
    permission = deps.permit
      ? await deps.permit(
          { callId: toolCallId, tool: spec.tool, input: spec.input, shownInput: shown, summary },
          signal,
        )
      : { ok: true };
  } catch (error) {
    // fails closed: a call whose rules could not be checked does not run
    const detail = error instanceof Error ? error.message : String(error);
    permission = {
      ok: false,
      output: `${spec.tool} did not run: its permission could not be checked (${detail}).`,
      summary: "permission check failed",
      errorClass: "permission_denied",
    };
  }
  const startedAt = performance.now();
  let outcome: ToolOutcome;
  try {
    outcome = permission.ok
      ? await spec.run(signal)
      : {
          state: "error",
          output: permission.output,
          summary: permission.summary,
          errorClass: permission.errorClass,
        };
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
  // a result's summary is often its output's first line: masked like the output
  const resultSummary = maskSecrets(outcome.summary, deps.secrets);
  await update({
    state: outcome.state,
    output,
    durationMs,
    exitCode: outcome.exitCode ?? null,
    summary: resultSummary,
  });
  await finishCall(
    deps,
    { callId: toolCallId, tool: spec.tool, summary, version: spec.version },
    { ...outcome, output, summary: resultSummary },
    durationMs,
  );
  if (outcome.state === "error") throw new Error(output);
  return output;
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
      outputBytes: null,
    },
    0,
  );
}
