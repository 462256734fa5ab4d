import { normalizeCommand } from "@/lib/telemetry/normalize-command";
import { toolStatsBetween } from "@/lib/telemetry/overview";
import type { ToolStats } from "@/lib/telemetry/types";
import { db } from "../client";

const FAR_FUTURE = Date.UTC(9999, 11, 31);

export interface ToolCallRecord {
  sessionId: string;
  turnId: string | null;
  callId: string;
  tool: string;
  /** "builtin", or the agent tool's version number. */
  toolVersion: string;
  inputSummary: string;
  ok: boolean;
  exitCode: number | null;
  errorClass: string | null;
  durationMs: number;
  outputBytes: number;
}

/** Writes one call at once (the batching writer is lib/telemetry/recorder.ts). */
export function recordToolCall(record: ToolCallRecord) {
  return db().toolCall.create({ data: { ...record, commandKey: commandKeyOf(record) } });
}

/** run_command's command, normalized, so failing commands group in SQL (npm test -- a ≡ npm test -- b). */
export function commandKeyOf(record: { tool: string; inputSummary: string }): string | null {
  return record.tool === "run_command" ? normalizeCommand(record.inputSummary) || null : null;
}

export type { ToolStats };

/**
 * Per-tool calls, successes, p50/p95 duration and last use, for calls since `since` (all time
 * without). Served from the telemetry day rollups (lib/telemetry/rollup-cache.ts): closed days are
 * aggregated once, today is read live. Percentiles come from duration histograms (exact below 256 ms,
 * at most 2.2 % high above; lib/telemetry/histogram.ts).
 */
export function toolStats(since?: Date): Promise<ToolStats[]> {
  return toolStatsBetween(since ?? new Date(0), new Date(FAR_FUTURE));
}
