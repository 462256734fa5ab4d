import { pruneOldRequests, storeModelRequest } from "@/lib/model/requests";
import type { TurnState } from "./state";

/**
 * What the model saw: each request a step sends is stored as it left (masked), beside the call and
 * never in front of it; a request that cannot be stored is logged, and the turn goes on.
 */
export function recordRequest(turn: TurnState, body: string): void {
  // sent while step `steps + 1` runs: `steps` counts the finished ones
  const at = { sessionId: turn.sessionId, turnId: turn.turnId, step: turn.steps + 1 };
  turn.requests = turn.requests
    .then(() => storeModelRequest(at, body))
    .catch((error) => console.error("[ratchet] could not store a model request", error));
}

/** Requests past their retention go, once a turn (two indexed deletes), beside the turn's start. */
export function pruneRequests(): void {
  pruneOldRequests().catch((error) => console.error("[ratchet] could not prune model requests", error));
}
