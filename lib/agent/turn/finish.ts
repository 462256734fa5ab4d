import { finishTurn, setSessionStatus } from "@/lib/db/queries/sessions";
import { refreshFrictionFigures } from "@/lib/learning/friction-monitor";
import { forgetLearningFigures } from "@/lib/telemetry/learning-cache";
import { refreshTelemetrySummary } from "@/lib/telemetry/prompt-summary";
import { flushTelemetry } from "@/lib/telemetry/recorder";
import { activeTurns } from "../active-turns";
import { syncBranchAfterTurn } from "./branch";
import { afterStep } from "./checkpoints";
import { failTurn, type TurnState } from "./state";

/** How long a stopped turn waits for its tools to record their (killed) results. */
const SETTLE_MS = 5000;

/**
 * The fourth part of a turn, however the others went: running tools get a moment to record their
 * results, telemetry is written and frictions settled, a stopped turn's status follows why it was
 * stopped, the transcript and the turn are closed, the session is idle again and viewers are told.
 */
export async function finish(turn: TurnState): Promise<void> {
  await turn.tools?.settled(SETTLE_MS);
  // a turn that ended before its first request still records the state it started from
  turn.markRequestOut();
  // the last step's changes are recorded before the turn says it has ended
  afterStep(turn);
  await turn.checkpoints;
  await turn.requests;
  await syncBranchAfterTurn(turn).catch((error) => console.error("[ratchet] branch sync failed", error));
  await flushTelemetry().catch((error) => console.error("[ratchet] telemetry flush failed", error));
  await turn.friction?.settle().catch((error) => console.error("[ratchet] friction outcome failed", error));
  await settleStopped(turn);
  await turn.transcript?.close();
  const { sessionId, turnId, status, failure } = turn;
  await finishTurn(turnId, { status, error: failure ?? null, steps: turn.steps });
  const sessionStatus = status === "interrupted" ? "interrupted" : "idle";
  const note = status === "interrupted" ? "The server shut down during a turn." : null;
  await setSessionStatus(sessionId, sessionStatus, note);
  // the turn's tokens, status and frictions are written: this instance's telemetry page shows them at once
  forgetLearningFigures();
  const active = activeTurns().get(sessionId);
  if (active) active.finishing = true;
  await turn.emit({
    type: "turn-end",
    turnId,
    status,
    ...(failure ? { error: failure } : {}),
    ...(turn.cut && status === "completed" ? { cut: turn.cut } : {}),
  });
  await turn.emit({ type: "status", status: sessionStatus, ...(note ? { note } : {}) });
  refreshTurnCaches(sessionId);
}

/** A stopped turn: a shutdown interrupts it, a spent budget fails it, anything else cancels it. */
async function settleStopped(turn: TurnState): Promise<void> {
  const reason = activeTurns().get(turn.sessionId)?.stopReason;
  if (!turn.controller.signal.aborted) return;
  if (reason === "budget") {
    const message = `Stopped: the session's budget of $${turn.budgetUsd?.toFixed(2)} is spent.`;
    await failTurn(turn, { code: "budget_exhausted", message });
  } else {
    turn.status = reason === "shutdown" ? "interrupted" : "cancelled";
  }
}

/** What the next turn reads from telemetry is rebuilt now, while nobody waits for it, not at its start. */
function refreshTurnCaches(sessionId: string): void {
  Promise.all([refreshTelemetrySummary(), refreshFrictionFigures(sessionId)]).catch((error) =>
    console.error("[ratchet] refreshing telemetry caches failed", error),
  );
}
