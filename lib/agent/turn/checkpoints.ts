import { checkpointStep, checkpointTurnStart } from "@/lib/checkpoints/service";
import type { TurnState } from "./state";

/**
 * The turn's checkpoints (lib/checkpoints): the workspace as it was before the turn, and after each
 * step whose tools may have written. Recording runs beside the model request, never in front of it;
 * a tool waits for the previous recording before it runs, so what it writes is never counted in the
 * state before it. A checkpoint that cannot be taken costs a notice, never the turn.
 */

/** Built-ins that write nothing in the workspace: a step that called only these needs no checkpoint. */
const READS_ONLY = new Set(["load_skill", "log_learning_event", "reload_tools", "propose_tool"]);

export function startCheckpoints(turn: TurnState): void {
  // an evaluation's scratch copy is thrown away: nothing to undo, no store to leave in the data dir
  if (turn.kind === "evaluation") return;
  // nothing writes in the workspace before the model has answered: recorded once the request is out
  turn.checkpoints = turn.firstRequestOut.then(() =>
    record(turn, () => checkpointTurnStart(turn.sessionId, turn.workspace, turn.turnId)),
  );
}

/** Before a tool runs: the last recording is done; the step now counts as one that may write. */
export async function beforeTool(turn: TurnState, tool: string): Promise<void> {
  if (!READS_ONLY.has(tool)) turn.stepMayWrite = true;
  await turn.checkpoints;
}

/** After a step: record what its tools wrote, beside the next model request. */
export function afterStep(turn: TurnState): void {
  if (!turn.stepMayWrite || turn.kind === "evaluation") return;
  turn.stepMayWrite = false;
  const step = turn.steps;
  const previous = turn.checkpoints;
  turn.checkpoints = previous.then(() =>
    record(turn, () => checkpointStep(turn.sessionId, turn.workspace, turn.turnId, step)),
  );
}

async function record(turn: TurnState, take: () => Promise<unknown>): Promise<void> {
  try {
    await take();
  } catch (error) {
    if (turn.checkpointFailed) return;
    turn.checkpointFailed = true;
    const detail = error instanceof Error ? error.message : String(error);
    console.error("[ratchet] checkpoint failed", error);
    await turn.emit({
      type: "notice",
      level: "warn",
      message: `The workspace could not be recorded for undo in this turn (${detail}); its changes cannot be reverted from the Changes panel.`,
    });
  }
}
