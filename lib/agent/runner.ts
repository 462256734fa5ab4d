/**
 * A turn, from the user's message to the end of the model's answer, in four parts:
 *
 * 1. Reserve (here): the session is taken in this process before anything else awaits, then its
 *    lease across instances (./lease.ts); the turn row, the user's message and the `running` status
 *    are written, and the POST returns 202 while the turn runs on without anyone watching.
 * 2. Prepare (./turn/prepare.ts): the checked workspace, skills and tools, the prompt, the history
 *    fitted to the context window, the tool set.
 * 3. The model steps (./turn/steps.ts): one request per step. The stream processor
 *    (./turn/processor.ts) turns each stream part into stored parts, events and usage, and says how
 *    the step ended: continue, compact, stop or fail.
 * 4. Finish (./turn/finish.ts): running tools settle, telemetry and frictions are written, the turn
 *    and the session are closed and viewers told; then (here) the lease and the session are let go.
 *
 * The state a turn carries between the parts is one object, `TurnState` (./turn/state.ts). Every
 * event goes into the session's log (lib/events/log.ts), from where the bus and the SSE stream carry
 * it to the session page's xterm.
 */

import { lastUserMessage, openTurnWithMessage, supersedeFrom } from "@/lib/db/queries/messages";
import { findSession, setSessionStatus } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { appendEvent } from "@/lib/events/log";
import type { TurnStatus } from "@/lib/events/types";
import { afterMaintenanceTurn, type Turns } from "@/lib/learning/maintenance/pass";
import { queueReflection } from "@/lib/learning/reflection";
import { stopSessionMcp } from "@/lib/mcp/sessions";
import { loadModelConfig, type ModelConfig } from "@/lib/settings/model-config";
import { type ActiveTurn, activeTurns, stopTurn } from "./active-turns";
import { acquireTurnLease, releaseTurnLease } from "./lease";
import { parseTierOverride } from "./tiers";
import { runTurn } from "./turn/run";
import { readTurnSettings } from "./turn/settings";
import type { TurnInput } from "./turn/state";

type Session = NonNullable<Awaited<ReturnType<typeof findSession>>>;

/**
 * Starts a turn for a user message; the turn runs on the server whether or not anyone watches.
 * With `replaces` (the conversation's last user message), that message and what followed it are
 * left out of the conversation (kept, marked superseded) first: edit and resend, or retry.
 */
export async function sendMessage(
  sessionId: string,
  text: string,
  opts: { replaces?: string } = {},
): Promise<{ turnId: string }> {
  const [session, settings] = await Promise.all([findSession(sessionId), readTurnSettings()]);
  const config = await loadModelConfig(settings);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  assertCanStart(session, config);
  const reservation = await reserve(sessionId);
  try {
    if (!(await acquireTurnLease(sessionId))) {
      throw new ApiError(
        "conflict",
        "A turn is already running in this session on another Ratchet instance.",
      );
    }
    // checked once the session is this turn's, so no other turn answers the message in between
    if (opts.replaces) await replaceLastMessage(sessionId, opts.replaces);
    const turnId = await openTurn(sessionId, text, reservation.active);
    launch(
      {
        sessionId,
        turnId,
        userText: text,
        kind: session.kind === "maintenance" || session.kind === "evaluation" ? session.kind : "agent",
        workspace: session.workspace,
        budgetUsd: session.budgetUsd,
        controller: reservation.active.controller,
        config,
        tierOverride: parseTierOverride(session.tierOverride),
        settings,
      },
      reservation.release,
    );
    return { turnId };
  } catch (error) {
    await releaseTurnLease(sessionId).catch(() => {});
    reservation.release();
    throw error;
  }
}

function assertCanStart(session: Session, config: ModelConfig): void {
  if (session.status === "ended") throw new ApiError("conflict", "This session has ended; start a new one.");
  if (session.budgetUsd !== null && session.costUsd >= session.budgetUsd) {
    throw new ApiError(
      "conflict",
      `The session's budget of $${session.budgetUsd.toFixed(2)} is spent; raise it to continue.`,
    );
  }
  if (!config.configured) {
    throw new ApiError(
      "not_configured",
      "No model is configured. Set an OpenAI-compatible endpoint in Settings.",
    );
  }
}

interface Reservation {
  active: ActiveTurn;
  /** Gives the session back: the next message may start a turn. */
  release(): void;
}

/** Takes the session in this process before any await of its own, so a second message is refused. */
async function reserve(sessionId: string): Promise<Reservation> {
  const turns = activeTurns();
  // A message sent the moment the last turn showed "idle" waits for it to let go of the session.
  const previous = turns.get(sessionId);
  if (previous?.finishing) await previous.done;
  if (turns.has(sessionId)) throw new ApiError("conflict", "A turn is already running in this session.");
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const active: ActiveTurn = { turnId: "", controller: new AbortController(), done };
  turns.set(sessionId, active);
  return {
    active,
    release: () => {
      turns.delete(sessionId);
      resolve();
    },
  };
}

async function replaceLastMessage(sessionId: string, messageId: string): Promise<void> {
  const last = await lastUserMessage(sessionId);
  if (last?.id !== messageId)
    throw new ApiError("conflict", "Only the last message you sent can be edited or retried.");
  await supersedeFrom(sessionId, messageId);
}

/** The turn row, the user's message and the `running` status: what viewers see before the model starts. */
async function openTurn(sessionId: string, text: string, active: ActiveTurn): Promise<string> {
  const { turnId, messageId } = await openTurnWithMessage(sessionId, [{ type: "text", text }]);
  active.turnId = turnId;
  await appendEvent(sessionId, { type: "user-message", messageId, text });
  await setSessionStatus(sessionId, "running");
  await appendEvent(sessionId, { type: "status", status: "running" });
  return turnId;
}

/** Runs the turn on its own; when it has ended, the lease and the session are let go. */
function launch(input: TurnInput, release: () => void): void {
  const { sessionId } = input;
  // The turn's database reads hold the thread (better-sqlite3 is synchronous): the 202 goes first.
  void new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => runTurn(input))
    .catch((error): TurnStatus => {
      console.error("[ratchet] turn crashed", error);
      return "error";
    })
    .then(async (status) => {
      await releaseTurnLease(sessionId).catch((error) =>
        console.error("[ratchet] lease release failed", error),
      );
      release();
      if (input.kind === "maintenance")
        void afterMaintenanceTurn(sessionId, status, sendMessage).catch((error) =>
          console.error("[ratchet] battery change bookkeeping failed", error),
        );
    });
}

export function cancelTurn(sessionId: string): Promise<boolean> {
  return stopTurn(sessionId, "user");
}

export async function endSession(sessionId: string): Promise<void> {
  const session = await findSession(sessionId);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  if (session.status === "ended") return;
  await stopTurn(sessionId, "user");
  await setSessionStatus(sessionId, "ended");
  await stopSessionMcp(sessionId);
  await appendEvent(sessionId, { type: "status", status: "ended" });
  void queueReflection(sessionId, "end");
}

/** An ended session open again: a person resumes it, and the next message starts a turn. */
export async function resumeSession(sessionId: string): Promise<void> {
  const session = await findSession(sessionId);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  if (session.status !== "ended") return;
  await setSessionStatus(sessionId, "idle");
  await appendEvent(sessionId, { type: "status", status: "idle", note: "Resumed." });
}

/** The turns as the battery change drives them (lib/learning takes them as a parameter, never imports them). */
export const agentTurns: Turns = {
  send: sendMessage,
  running: (sessionId) => activeTurns().has(sessionId),
};
