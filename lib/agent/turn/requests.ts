import { pruneOldRequests, storeModelRequest } from "@/lib/model/requests";
import { processState } from "@/lib/process-state";
import type { TurnState } from "./state";

/**
 * What the model saw: each request a step sends is stored as it left (masked), beside the call and
 * never in front of it; a request that cannot be stored is logged, and the turn goes on.
 */
export function recordRequest(turn: TurnState, body: string): void {
  // sent while step `steps + 1` runs: `steps` counts the finished ones
  const at = { sessionId: turn.sessionId, turnId: turn.turnId, step: turn.steps + 1 };
  // told as the body leaves, before `fetch` has written it: one macrotask later the request is out,
  // and storing it (splitting, hashing, three statements) and the turn-start checkpoint (a sandboxed
  // process, two statements) no longer go in front of it
  const out = new Promise<void>((resolve) => setImmediate(resolve));
  void out.then(turn.markRequestOut);
  turn.requests = turn.requests
    .then(() => out)
    .then(() => storeModelRequest(at, body))
    .catch((error) => console.error("[ratchet] could not store a model request", error));
}

/** Retention is counted in days: pruning once an hour keeps the table as small as once a turn does. */
export const PRUNE_EVERY_MS = 60 * 60_000;

const pruned = processState("agent.requests-pruned", () => ({ at: Number.NEGATIVE_INFINITY }));

/**
 * Requests past their retention go (two indexed deletes) beside a turn's start, at most once per
 * PRUNE_EVERY_MS in a process: two statements fewer on most turn starts.
 */
export function pruneRequests(now = Date.now()): void {
  const state = pruned();
  if (now - state.at < PRUNE_EVERY_MS) return;
  state.at = now;
  pruneOldRequests(new Date(now)).catch((error) => {
    // the next turn tries again
    state.at = Number.NEGATIVE_INFINITY;
    console.error("[ratchet] could not prune model requests", error);
  });
}
