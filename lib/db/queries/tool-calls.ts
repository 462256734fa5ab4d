import { db } from "../client";
import { insertRows } from "./insert-rows";

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
  /** Why it failed, masked and clipped (lib/tools/failure.ts); none when it did not. */
  errorMessage?: string | null;
  durationMs: number;
  /** null: not known (the call never ran). */
  outputBytes: number | null;
}

/** A call as stored: with run_command's normalized command (npm test -- a ≡ npm test -- b), for grouping in SQL. */
export interface ToolCallRow extends ToolCallRecord {
  commandKey: string | null;
}

/** Writes one call at once (the batching writer is lib/telemetry/recorder.ts). */
export function recordToolCall(row: ToolCallRow) {
  return db().toolCall.create({ data: row });
}

/** A call stamped by the batching recorder: every column has a value (null for none). */
export interface StampedToolCall extends ToolCallRow {
  id: string;
  errorMessage: string | null;
  createdAt: Date;
}

const COLUMNS = [
  "id",
  "sessionId",
  "turnId",
  "callId",
  "tool",
  "toolVersion",
  "inputSummary",
  "ok",
  "exitCode",
  "errorClass",
  "errorMessage",
  "durationMs",
  "outputBytes",
  "commandKey",
  "createdAt",
] as const satisfies readonly (keyof StampedToolCall)[];

/** Writes a batch of calls in one statement. */
export function insertToolCalls(rows: readonly StampedToolCall[]): Promise<number> {
  return insertRows("ToolCall", COLUMNS, rows);
}

/** The tools called in any of these sessions. */
export async function toolsCalledIn(sessionIds: string[]): Promise<Set<string>> {
  const rows = await db().toolCall.findMany({
    where: { sessionId: { in: sessionIds } },
    distinct: ["tool"],
    select: { tool: true },
  });
  return new Set(rows.map((r) => r.tool));
}

/** The commands run_command ran in these sessions (up to `take`), each with its session. */
export function runCommandsIn(sessionIds: string[], take: number) {
  return db().toolCall.findMany({
    where: { sessionId: { in: sessionIds }, tool: "run_command" },
    select: { inputSummary: true, sessionId: true },
    take,
  });
}
