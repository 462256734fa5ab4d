import { z } from "zod";
import { normalizeCommand } from "@/lib/telemetry/normalize-command";

/**
 * The harness, not the model, notices friction. Rules (thresholds in Settings → Learning):
 *   repeated_failure  the same command (or tool + input) fails `repeatFailures` times in a session
 *   tool_error        a tool call fails as a tool (not a command's own non-zero exit), or is denied
 *   timeout           a tool call times out
 *   repeated_pattern  the same command pattern (see normalizeCommand) runs `repeatPattern` times,
 *                     counting this session and the recent ones
 *   slow_call         a call takes longer than `slowFactor` × that tool's p95 (with ≥ `minSamples`
 *                     earlier calls, and at least `slowMinMs`)
 *   correction        the user corrects the agent (see correction-detector.ts)
 * Each rule fires once per session and key, so one problem yields one nudge.
 */

export const frictionSettingsSchema = z.object({
  repeatFailures: z.number().int().min(2).max(20).default(2),
  repeatPattern: z.number().int().min(2).max(50).default(3),
  slowFactor: z.number().min(1).max(20).default(1),
  minSamples: z.number().int().min(5).max(10_000).default(20),
  slowMinMs: z.number().int().min(0).max(600_000).default(1000),
});
export type FrictionSettings = z.infer<typeof frictionSettingsSchema>;
export const DEFAULT_FRICTION_SETTINGS: FrictionSettings = frictionSettingsSchema.parse({});

export type FrictionKind =
  | "repeated_failure"
  | "tool_error"
  | "timeout"
  | "repeated_pattern"
  | "slow_call"
  | "correction";

export interface CallObservation {
  tool: string;
  /** The command for run_command; the one-line input summary otherwise. */
  input: string;
  ok: boolean;
  errorClass: string | null;
  /** Why it failed, when the call says (absent for calls read back from telemetry). */
  error?: string | null;
  durationMs: number;
  exitCode: number | null;
}

export interface FrictionHit {
  kind: FrictionKind;
  /** Once per session per key. */
  key: string;
  detail: string;
}

/** Tools whose own work is the improvement loop: friction there is not a reason to build a tool. */
const LOOP_TOOLS = new Set(["propose_tool", "reload_tools", "log_learning_event", "load_skill"]);

function failed(call: CallObservation): boolean {
  return (
    !call.ok || (call.errorClass !== null && call.errorClass !== undefined) || (call.exitCode ?? 0) !== 0
  );
}

function exactKey(call: CallObservation): string {
  return `${call.tool}:${call.input.trim()}`;
}

function patternOf(call: CallObservation): string | null {
  if (call.tool !== "run_command") return null;
  const pattern = normalizeCommand(call.input);
  return pattern ? pattern : null;
}

export interface FrictionContext {
  /** Earlier calls of this session, oldest first. */
  history: CallObservation[];
  /** p95 and sample count of each tool's duration, from telemetry. */
  p95: Map<string, { p95Ms: number; calls: number }>;
  /** How often each command pattern ran in recent earlier sessions. */
  recentPatterns: Map<string, number>;
  settings: FrictionSettings;
}

function shorten(text: string, max = 120): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The message and the first frame from the tool's own file, on one line. */
function failureLine(error: string): string {
  const [message = "", ...rest] = error.trim().split("\n");
  const frame = rest.map((l) => l.trim()).find((l) => l.startsWith("at "));
  return shorten(frame ? `${message.trim()} ${frame}` : message, 240);
}

export function detectFriction(call: CallObservation, ctx: FrictionContext): FrictionHit[] {
  if (LOOP_TOOLS.has(call.tool)) return [];
  const hits: FrictionHit[] = [];
  const s = ctx.settings;
  const shown = shorten(call.input);
  if (call.errorClass === "timeout") {
    hits.push({
      kind: "timeout",
      key: `timeout:${exactKey(call)}`,
      detail: `${call.tool} timed out: ${shown}`,
    });
  } else if (call.errorClass === "tool_error" || call.errorClass === "sandbox_denial") {
    const what = call.errorClass === "sandbox_denial" ? "was blocked by the sandbox" : "failed as a tool";
    // the error first: an input such as "{}" says nothing about what went wrong
    const why = call.error ? failureLine(call.error) : "";
    hits.push({
      kind: "tool_error",
      key: `tool_error:${exactKey(call)}`,
      detail: why
        ? `${call.tool} ${what}: ${why}${shown ? ` (input: ${shown})` : ""}`
        : `${call.tool} ${what}: ${shown}`,
    });
  }
  if (failed(call)) {
    const same = ctx.history.filter((h) => exactKey(h) === exactKey(call) && failed(h)).length + 1;
    if (same >= s.repeatFailures)
      hits.push({
        kind: "repeated_failure",
        key: `repeated_failure:${exactKey(call)}`,
        detail: `the same ${call.tool === "run_command" ? "command" : `${call.tool} call`} failed ${same} times: ${shown}`,
      });
  }
  const pattern = patternOf(call);
  if (pattern) {
    const inSession = ctx.history.filter((h) => patternOf(h) === pattern).length + 1;
    const total = inSession + (ctx.recentPatterns.get(pattern) ?? 0);
    if (total >= s.repeatPattern && inSession >= 2)
      hits.push({
        kind: "repeated_pattern",
        key: `repeated_pattern:${pattern}`,
        detail: `"${pattern}" ran ${inSession} times in this session${total > inSession ? ` and ${total - inSession} times in recent sessions` : ""}`,
      });
  }
  const stats = ctx.p95.get(call.tool);
  if (
    call.ok &&
    stats &&
    stats.calls >= s.minSamples &&
    call.durationMs >= s.slowMinMs &&
    call.durationMs > stats.p95Ms * s.slowFactor
  ) {
    hits.push({
      kind: "slow_call",
      key: `slow_call:${call.tool}`,
      detail: `${call.tool} took ${(call.durationMs / 1000).toFixed(1)} s, slower than its p95 of ${(stats.p95Ms / 1000).toFixed(1)} s: ${shown}`,
    });
  }
  return hits;
}

/** The text injected into the very next model step. */
export function nudgeFor(hits: Array<{ kind: FrictionKind; detail: string }>): string {
  const lines = hits.map((h) => `- ${h.kind.replace("_", " ")}: ${h.detail}`);
  return [
    "## Friction just now (noticed by the harness)",
    ...lines,
    "Can you fix this in under 5 minutes? If yes, build the tool now with propose_tool (with examples), then use it for the task at hand. If not, say why in one sentence and continue.",
  ].join("\n");
}
