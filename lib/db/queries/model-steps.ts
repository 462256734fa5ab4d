import { db } from "../client";

export interface ModelStepRecord {
  sessionId: string;
  turnId: string | null;
  step: number;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMs: number | null;
}

export function recordModelStep(record: ModelStepRecord) {
  return db().modelStep.create({ data: record });
}
