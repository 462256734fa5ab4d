import { z } from "zod";

/**
 * Every event a session's live view and its replay are made of, as stored in Event.data (JSON,
 * without `type`, `seq` and `at`, which have columns). The types the rest of the app uses are
 * inferred from here (lib/events/types.ts), so the stored shape and the live one cannot drift.
 */
const text = z.string();
const count = z.number();

export const sessionStatusSchema = z.enum(["idle", "running", "ended", "interrupted"]);
export const turnStatusSchema = z.enum(["completed", "cancelled", "error", "interrupted"]);

export const sessionEventBodySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("user-message"), messageId: text, text }),
  z.object({ type: z.literal("turn-start"), turnId: text, model: text }),
  z.object({ type: z.literal("text-delta"), text }),
  z.object({ type: z.literal("reasoning-delta"), text }),
  z.object({ type: z.literal("tool-call"), callId: text, tool: text, input: z.unknown(), summary: text }),
  z.object({ type: z.literal("tool-output"), callId: text, chunk: text }),
  // one file an edit tool changed, with its unified diff (untrusted text: the file's own lines)
  z.object({
    type: z.literal("file-diff"),
    callId: text,
    path: text,
    status: z.enum(["added", "modified", "deleted", "renamed"]),
    from: text.nullable(),
    additions: count,
    deletions: count,
    diff: text,
    omittedLines: count,
  }),
  z.object({
    type: z.literal("tool-result"),
    callId: text,
    tool: text,
    state: z.enum(["completed", "error"]),
    ok: z.boolean(),
    exitCode: z.number().nullable().optional(),
    durationMs: count,
    summary: text,
    /** Why it failed, masked, in a few lines (events stored before it was recorded have none). */
    error: text.optional(),
  }),
  z.object({
    type: z.literal("step-finish"),
    step: count,
    inputTokens: count,
    outputTokens: count,
    // of the output tokens, those the model spent reasoning, when the endpoint counts them
    reasoningTokens: count.optional(),
    costUsd: count,
    // the model that answered and its tier, when model tiers are set (lib/agent/tiers.ts)
    model: text.optional(),
    tier: z.enum(["fast", "strong"]).optional(),
    // false: nobody priced the model (Settings, the endpoint, the table); costUsd is then 0 by default, not a price
    costKnown: z.boolean().optional(),
  }),
  z.object({
    // the tier the next step goes to, and why: at a turn's start and at every change
    type: z.literal("tier"),
    tier: z.enum(["fast", "strong"]),
    from: z.enum(["fast", "strong"]).nullable(),
    model: text,
    reason: text,
    message: text,
  }),
  z.object({
    type: z.literal("usage"),
    inputTokens: count,
    outputTokens: count,
    costUsd: count,
    budgetUsd: count.nullable(),
  }),
  z.object({ type: z.literal("notice"), level: z.enum(["info", "warn"]), message: text }),
  z.object({
    type: z.literal("tool-decision"),
    tool: text,
    version: count,
    decision: z.enum(["approved", "rejected"]),
    by: text,
    reason: text.optional(),
  }),
  z.object({ type: z.literal("friction"), frictionId: text, kind: text, detail: text }),
  z.object({
    type: z.literal("learning"),
    learningType: z.enum(["correction", "preference", "pattern"]),
    description: text,
    source: z.enum(["agent", "detector", "user"]),
  }),
  z.object({
    type: z.literal("reflection"),
    status: z.enum(["success", "empty", "error", "skipped"]),
    summary: text,
  }),
  z.object({ type: z.literal("retry"), attempt: count, delayMs: count, message: text }),
  z.object({ type: z.literal("error"), code: text, message: text }),
  z.object({ type: z.literal("status"), status: sessionStatusSchema, note: text.optional() }),
  // `cut`: the turn completed, but the endpoint ended its last answer early (output limit, content policy)
  z.object({
    type: z.literal("turn-end"),
    turnId: text,
    status: turnStatusSchema,
    error: text.optional(),
    cut: z.enum(["length", "content-filter"]).optional(),
  }),
  // the workspace was recorded (lib/checkpoints): the Changes panel reloads what it shows
  z.object({
    type: z.literal("checkpoint"),
    turnId: text.nullable(),
    kind: z.enum(["turn-start", "step", "revert"]),
    step: count,
    commit: text,
  }),
  // a person put the workspace back to before turn `fromTurn` (numbered from 1); those turns stay, marked
  z.object({ type: z.literal("turns-rewound"), fromTurn: count, turnIds: z.array(text), by: text }),
  // a tool call waits for a person under an *ask* permission rule (lib/permissions/asks.ts)
  z.object({
    type: z.literal("ask-opened"),
    askId: text,
    callId: text,
    tool: text,
    summary: text,
    input: z.unknown(),
    rule: text,
    expiresAt: text,
  }),
  // how it ended: a person's answer, the timeout (a deny) or the turn's Stop
  z.object({
    type: z.literal("ask-answered"),
    askId: text,
    callId: text,
    decision: z.enum(["allow", "allow_session", "deny", "timeout", "cancelled"]),
    reason: text.nullable(),
    by: text.nullable(),
  }),
  z.object({
    type: z.literal("reverted"),
    turn: count,
    paths: z.array(text),
    hunk: count.nullable(),
    by: text,
  }),
]);

export type SessionEventBody = z.infer<typeof sessionEventBodySchema>;
export type SessionStatus = z.infer<typeof sessionStatusSchema>;
export type TurnStatus = z.infer<typeof turnStatusSchema>;
export type SessionEvent = SessionEventBody & { seq: number; at: string };

/**
 * A stored event read back. One that is not an event any more (written by hand, or by a version
 * with other shapes) keeps its place in the sequence as a warning, so replay cursors still advance
 * past it and the viewer sees that something is missing instead of a part of the stream.
 */
export function parseStoredEvent(row: {
  type: string;
  data: unknown;
  seq: number;
  at: string;
}): SessionEvent {
  const data = typeof row.data === "object" && row.data !== null ? row.data : {};
  const parsed = sessionEventBodySchema.safeParse({ ...data, type: row.type });
  const body: SessionEventBody = parsed.success
    ? parsed.data
    : {
        type: "notice",
        level: "warn",
        message: `Event ${row.seq} (${row.type.slice(0, 40)}) could not be read.`,
      };
  return { ...body, seq: row.seq, at: row.at };
}
