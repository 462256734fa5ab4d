import { processState } from "@/lib/process-state";

export type StopReason = "user" | "budget" | "shutdown";

export interface ActiveTurn {
  turnId: string;
  controller: AbortController;
  done: Promise<void>;
  stopReason?: StopReason;
  /** The turn has told viewers it ended and is only releasing the session. */
  finishing?: boolean;
}

/** Turns running in this process, by session id: at most one per session. */
export const activeTurns = processState("agent.turns", () => new Map<string, ActiveTurn>());

/** Aborts a turn (model call and its processes) and waits until it has wound down. */
export async function stopTurn(sessionId: string, reason: StopReason): Promise<boolean> {
  const turn = activeTurns().get(sessionId);
  if (!turn) return false;
  turn.stopReason ??= reason;
  turn.controller.abort(new Error(`stopped: ${reason}`));
  await turn.done;
  return true;
}
