import type { TurnStatus } from "@/lib/events/types";
import { WorkspaceRefusedError } from "@/lib/workspaces/session";
import { finish } from "./finish";
import { prepare } from "./prepare";
import { failTurn, letGoOfTurn, newTurnState, type TurnInput, type TurnState } from "./state";
import { runSteps } from "./steps";

/** A reserved turn, from its first event to its last: prepare, the model steps, finish. */
export async function runTurn(input: TurnInput): Promise<TurnStatus> {
  const turn = newTurnState(input);
  try {
    await runSteps(turn, await prepare(turn));
  } catch (error) {
    await failed(turn, error);
  } finally {
    await finish(turn).finally(() => letGoOfTurn(turn));
  }
  return turn.status;
}

/** A turn that threw: before the model was called it is Ratchet's own failure, after it the model's. */
async function failed(turn: TurnState, error: unknown): Promise<void> {
  if (!turn.calledModel) {
    if (error instanceof WorkspaceRefusedError) console.warn(`[ratchet] turn refused: ${error.message}`);
    else console.error("[ratchet] turn failed before calling the model", error);
    const message = `The turn could not start: ${error instanceof Error ? error.message : String(error)}`;
    await failTurn(turn, { code: "turn_failed", message });
  } else if (!turn.controller.signal.aborted) {
    await failTurn(turn, turn.client.describe(error));
  }
}
