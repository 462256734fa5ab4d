import { db } from "../client";
import { insertRows } from "./insert-rows";

export interface ModelStepRecord {
  sessionId: string;
  turnId: string | null;
  step: number;
  model: string;
  /** "fast" or "strong" when model tiers are set; null without. */
  tier?: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMs: number | null;
}

export function recordModelStep(record: ModelStepRecord) {
  return db().modelStep.create({ data: record });
}

/** A step stamped by the batching recorder. */
export interface StampedModelStep extends ModelStepRecord {
  tier: string | null;
  id: string;
  createdAt: Date;
}

const COLUMNS = [
  "id",
  "sessionId",
  "turnId",
  "step",
  "model",
  "tier",
  "inputTokens",
  "outputTokens",
  "costUsd",
  "durationMs",
  "createdAt",
] as const satisfies readonly (keyof StampedModelStep)[];

/** Writes a batch of steps in one statement. */
export function insertModelSteps(rows: readonly StampedModelStep[]): Promise<number> {
  return insertRows("ModelStep", COLUMNS, rows);
}
