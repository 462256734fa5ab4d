import { describeTierChange, nextTier, startTier, type Tier, type TierSignal, type TierStep } from "../tiers";
import type { TurnState } from "./state";

/** The model of a tier: the fast one is the configured model unless Settings names another. */
export function modelOfTier(turn: Pick<TurnState, "config">, tier: Tier): string {
  return tier === "strong" ? (turn.config.tiers.strong ?? turn.config.tiers.fast) : turn.config.tiers.fast;
}

/** With a strong model set, the turn starts on the tier the rules say, and the transcript says which. */
export async function startTiers(turn: TurnState): Promise<void> {
  if (!turn.config.tiers.strong) return;
  await apply(turn, startTier({ kind: turn.kind, override: turn.tierOverride }));
}

/** A signal from the turn (a call's result, a friction, a step's end) through the rules. */
export async function noteTier(turn: TurnState, signal: TierSignal): Promise<void> {
  if (!turn.tiers) return;
  await apply(turn, nextTier(turn.tiers, signal));
}

async function apply(turn: TurnState, step: TierStep): Promise<void> {
  turn.tiers = step.state;
  const { change } = step;
  if (!change) return;
  const model = modelOfTier(turn, change.to);
  turn.model = model;
  turn.client = turn.clientFor(model);
  await turn.emit({
    type: "tier",
    tier: change.to,
    from: change.from,
    model,
    reason: change.reason,
    message: describeTierChange(change, model),
  });
}
