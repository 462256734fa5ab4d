/** The activity stream's kinds and row shapes. Plain data: safe to import in client code. */

export const ACTIVITY_KINDS = [
  "tool_call",
  "model_step",
  "skill_load",
  "friction",
  "learning",
  "reflection",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export function isActivityKind(value: string): value is ActivityKind {
  return (ACTIVITY_KINDS as readonly string[]).includes(value);
}

/** Each kind's own fields, named as in its table. */
export interface ActivityData {
  tool_call: {
    tool: string;
    toolVersion: string;
    ok: boolean;
    errorClass: string | null;
    exitCode: number | null;
    durationMs: number;
    inputSummary: string;
  };
  model_step: {
    model: string;
    step: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    durationMs: number | null;
  };
  /** kind: suggested (its triggers matched) | loaded (the model loaded it). */
  skill_load: { skill: string; kind: string; trigger: string | null };
  friction: { kind: string; detail: string; outcome: string; toolName: string | null };
  learning: { type: string; source: string; description: string; context: string | null };
  reflection: {
    status: string;
    trigger: string;
    summary: string | null;
    error: string | null;
    model: string | null;
  };
}

interface RowOf<K extends ActivityKind> {
  id: string;
  /** ISO-8601, millisecond precision. */
  at: string;
  kind: K;
  sessionId: string | null;
  sessionTitle: string | null;
  turnId: string | null;
  /** One human-readable line. */
  summary: string;
  data: ActivityData[K];
}

export type ActivityRow = { [K in ActivityKind]: RowOf<K> }[ActivityKind];

export interface ActivityPage {
  rows: ActivityRow[];
  /** Pass as ?cursor= for the next (older) page; null at the end. */
  nextCursor: string | null;
}
