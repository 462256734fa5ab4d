import {
  type AskRow,
  type AskStatus,
  createAsk,
  findAsk,
  sessionGrants,
  settleAsk,
} from "@/lib/db/queries/permission-asks";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { subscribe } from "@/lib/events/bus";
import { listenForEvents } from "@/lib/events/fanout";
import { appendEvent } from "@/lib/events/log";
import type { SessionEventBody } from "@/lib/events/types";
import { evaluate, ruleLabel } from "./rules";
import { loadPermissions } from "./settings";

/**
 * An *ask* pauses the tool call until a person answers, the ask times out (a deny), or the turn is
 * stopped (cancelled). The ask is a database row, so any instance can answer it: the answer moves
 * the row out of `pending` with a conditional update and appends `ask-answered` to the session's
 * log, which reaches the waiting turn on its own instance through the bus (lib/events/fanout.ts
 * carries it there from another instance; waiting subscribes to the session, so fanout reads its
 * events). A re-read of the row every few seconds covers a notice lost while fanout reconnects.
 */

export type AskDecision = "allow" | "allow_session" | "deny";
const RECHECK_MS = 3000;
export const MAX_REASON_CHARS = 2000;

/** A tool call as the permission check sees it. */
export interface PermitCall {
  sessionId: string;
  turnId: string;
  callId: string;
  tool: string;
  /** The input the tool runs with: what the rules read. */
  input: unknown;
  /** The input as stored and shown (masked). */
  shownInput: unknown;
  /** One line for the prompt and telemetry (masked). */
  summary: string;
}

export type Permit =
  | { ok: true }
  | { ok: false; output: string; summary: string; errorClass: "permission_denied" | "cancelled" };

const STATUS_FOR: Record<AskDecision, Exclude<AskStatus, "pending">> = {
  allow: "allowed",
  allow_session: "allowed_session",
  deny: "denied",
};

/** The decision as the `ask-answered` event names it. */
function decisionOf(status: AskStatus): "allow" | "allow_session" | "deny" | "timeout" | "cancelled" {
  switch (status) {
    case "allowed":
      return "allow";
    case "allowed_session":
      return "allow_session";
    case "denied":
      return "deny";
    case "timed_out":
      return "timeout";
    default:
      return "cancelled";
  }
}

function minutes(seconds: number): string {
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

function cancelled(tool: string): Permit {
  return {
    ok: false,
    output: `${tool} did not run: the turn was stopped while it waited for permission.`,
    summary: "cancelled while waiting for permission",
    errorClass: "cancelled",
  };
}

/** What the model reads when a call did not run: what happened and what to do instead. */
function refusal(row: AskRow, timeoutSeconds: number): Permit {
  if (row.status === "cancelled") return cancelled(row.tool);
  if (row.status === "timed_out")
    return {
      ok: false,
      output:
        `${row.tool} did not run: it needs a person's permission (rule "${row.rule}") and nobody answered ` +
        `within ${minutes(timeoutSeconds)}, which counts as a deny. Do not retry it; carry on without it ` +
        "or tell the user what you wanted to run and why.",
      summary: "permission timed out (denied)",
      errorClass: "permission_denied",
    };
  const reason = row.reason?.trim();
  return {
    ok: false,
    output:
      `${row.tool} did not run: ${row.answeredBy ?? "the user"} denied it` +
      (reason ? ` with this reason: "${reason}".` : " without giving a reason.") +
      " Do not retry the same call; take the reason into account.",
    summary: `denied by ${row.answeredBy ?? "the user"}`,
    errorClass: "permission_denied",
  };
}

/**
 * Whether a tool call may run, asking a person when a rule says so. Resolves when it is decided:
 * at once for allow and deny, after the answer, the timeout or the turn's abort for an ask.
 */
export async function permit(
  call: PermitCall,
  signal: AbortSignal,
  emit: (body: SessionEventBody) => Promise<void>,
): Promise<Permit> {
  const settings = await loadPermissions();
  const verdict = evaluate(settings, { tool: call.tool, input: call.input });
  if (verdict.action === "allow") return { ok: true };
  const labels = verdict.rules.length ? verdict.rules.map(ruleLabel) : [`${call.tool} (default: ask)`];
  if (verdict.action === "deny")
    return {
      ok: false,
      output:
        `${call.tool} did not run: the permission rule "${labels[0]}" denies it. ` +
        "Do not retry it in another spelling; carry on without it or ask the user.",
      summary: `denied by rule ${labels[0]}`,
      errorClass: "permission_denied",
    };
  const grants = await sessionGrants(call.sessionId);
  if (labels.every((label) => grants.has(label))) return { ok: true };
  if (signal.aborted) return cancelled(call.tool);
  const ask = await createAsk({
    sessionId: call.sessionId,
    turnId: call.turnId,
    callId: call.callId,
    tool: call.tool,
    input: call.shownInput,
    summary: call.summary,
    rule: labels[0] as string,
    rules: labels,
    expiresAt: new Date(Date.now() + settings.askTimeoutSeconds * 1000),
  });
  await emit({
    type: "ask-opened",
    askId: ask.id,
    callId: call.callId,
    tool: call.tool,
    summary: call.summary,
    input: call.shownInput,
    rule: ask.rule,
    expiresAt: ask.expiresAt.toISOString(),
  });
  const settled = await waitForAnswer(ask, signal, emit);
  if (settled.status === "allowed" || settled.status === "allowed_session") return { ok: true };
  return refusal(settled, settings.askTimeoutSeconds);
}

/** Resolves with the ask's row once it is out of `pending`, ending it itself on timeout or abort. */
async function waitForAnswer(
  ask: AskRow,
  signal: AbortSignal,
  emit: (body: SessionEventBody) => Promise<void>,
): Promise<AskRow> {
  await listenForEvents().catch(() => {}); // without it, the re-read still finds the answer
  return new Promise<AskRow>((resolve) => {
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (row: AskRow) => {
      if (done) return;
      done = true;
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      clearInterval(recheck);
      signal.removeEventListener("abort", onAbort);
      resolve(row);
    };
    const reread = async () => {
      const row = await findAsk(ask.id).catch(() => null);
      if (row && row.status !== "pending") finish(row);
    };
    /** Ends the ask ourselves; if someone answered first, theirs stands. */
    const end = async (status: "timed_out" | "cancelled") => {
      if (done) return;
      try {
        if (await settleAsk(ask.id, { status })) {
          await emit({
            type: "ask-answered",
            askId: ask.id,
            callId: ask.callId,
            decision: decisionOf(status),
            reason: null,
            by: null,
          });
        }
      } catch (error) {
        console.error("[ratchet] could not end an ask", error);
      }
      const row = await findAsk(ask.id).catch(() => null);
      finish(row && row.status !== "pending" ? row : { ...ask, status });
    };
    const onAbort = () => void end("cancelled");
    const unsubscribe = subscribe(ask.sessionId, (event) => {
      if (event.type === "ask-answered" && event.askId === ask.id) void reread();
    });
    signal.addEventListener("abort", onAbort, { once: true });
    const recheck = setInterval(() => void reread(), RECHECK_MS);
    recheck.unref();
    const delay = Math.max(0, ask.expiresAt.getTime() - Date.now());
    // setTimeout holds at most ~24.8 days; asks are capped at a day
    timers.push(setTimeout(() => void end("timed_out"), delay));
    if (signal.aborted) onAbort();
    // an answer that came between the row's creation and the subscription
    void reread();
  });
}

/** A person's answer (POST /api/sessions/:id/asks/:askId): 404 unknown, 409 answered or expired. */
export async function answerAsk(
  sessionId: string,
  askId: string,
  answer: { decision: AskDecision; reason?: string; by: string },
): Promise<AskRow> {
  const ask = await findAsk(askId);
  if (!ask || ask.sessionId !== sessionId)
    throw new ApiError("not_found", `No ask ${askId} in this session.`);
  // a turn that died with its instance left its ask pending: nothing waits for the answer any more
  if (ask.status === "pending" && (await findSession(sessionId))?.status !== "running")
    await settleAsk(askId, { status: "cancelled" });
  const reason =
    answer.decision === "deny" ? (answer.reason?.trim().slice(0, MAX_REASON_CHARS) ?? null) : null;
  const status = STATUS_FOR[answer.decision];
  if (!(await settleAsk(askId, { status, reason, by: answer.by }, { beforeExpiry: new Date() }))) {
    const now = await findAsk(askId);
    const why =
      now?.status === "pending" || now?.status === "timed_out"
        ? "it timed out"
        : now?.status === "cancelled"
          ? "the turn was stopped"
          : `it was already answered (${decisionOf(now?.status ?? "cancelled")})`;
    throw new ApiError("conflict", `This ask can no longer be answered: ${why}.`);
  }
  await appendEvent(sessionId, {
    type: "ask-answered",
    askId,
    callId: ask.callId,
    decision: answer.decision,
    reason,
    by: answer.by,
  });
  return { ...ask, status, reason, answeredBy: answer.by, answeredAt: new Date() };
}
