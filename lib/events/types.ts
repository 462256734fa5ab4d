/** Every event a session's live view and its replay are made of. */
export type SessionEventBody =
  | { type: "user-message"; messageId: string; text: string }
  | { type: "turn-start"; turnId: string; model: string }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "tool-call"; callId: string; tool: string; input: unknown; summary: string }
  | { type: "tool-output"; callId: string; chunk: string }
  | {
      type: "tool-result";
      callId: string;
      tool: string;
      state: "completed" | "error";
      ok: boolean;
      exitCode?: number | null;
      durationMs: number;
      summary: string;
    }
  | { type: "step-finish"; step: number; inputTokens: number; outputTokens: number; costUsd: number }
  | { type: "usage"; inputTokens: number; outputTokens: number; costUsd: number; budgetUsd: number | null }
  | { type: "notice"; level: "info" | "warn"; message: string }
  | {
      type: "tool-decision";
      tool: string;
      version: number;
      decision: "approved" | "rejected";
      by: string;
      reason?: string;
    }
  | { type: "friction"; frictionId: string; kind: string; detail: string }
  | {
      type: "learning";
      learningType: "correction" | "preference" | "pattern";
      description: string;
      source: "agent" | "detector" | "user";
    }
  | { type: "reflection"; status: "success" | "empty" | "error" | "skipped"; summary: string }
  | { type: "retry"; attempt: number; delayMs: number; message: string }
  | { type: "error"; code: string; message: string }
  | { type: "status"; status: SessionStatus; note?: string }
  | { type: "turn-end"; turnId: string; status: TurnStatus; error?: string }
  /** The workspace was recorded (lib/checkpoints): the Changes panel reloads what it shows. */
  | {
      type: "checkpoint";
      turnId: string | null;
      kind: "turn-start" | "step" | "revert";
      step: number;
      commit: string;
    }
  /** A person put the workspace back to before turn `fromTurn` (numbered from 1); those turns stay, marked. */
  | { type: "turns-rewound"; fromTurn: number; turnIds: string[]; by: string }
  | { type: "reverted"; turn: number; paths: string[]; hunk: number | null; by: string };

export type SessionStatus = "idle" | "running" | "ended" | "interrupted";
export type TurnStatus = "completed" | "cancelled" | "error" | "interrupted";

export type SessionEvent = SessionEventBody & { seq: number; at: string };
