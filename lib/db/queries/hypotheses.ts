import { db } from "../client";

export interface NewHypothesis {
  claim: string;
  subjectType: string;
  subjectRef: string;
  metric: string;
  comparator: string;
  target: number;
  evaluateAfter: number;
  baseline: number | null;
  startedAt: Date;
}

export function createHypothesis(data: NewHypothesis) {
  return db().hypothesis.create({ data });
}

/** The newest hundred, newest first. */
export function listHypotheses() {
  return db().hypothesis.findMany({ orderBy: { startedAt: "desc" }, take: 100 });
}

export function updateHypothesis(
  id: string,
  data: { observed: number; verdict?: string; evaluatedAt?: Date; opportunityId?: string | null },
) {
  return db().hypothesis.update({ where: { id }, data });
}

/** Hypotheses recorded since a time (a battery change's results). */
export function listHypothesesSince(since: Date) {
  return db().hypothesis.findMany({
    where: { startedAt: { gte: since } },
    select: { id: true, claim: true },
  });
}

/** Outcome and duration of every call of `tool` in these sessions. */
export function callOutcomes(sessionIds: string[], tool: string) {
  return db().toolCall.findMany({
    where: { sessionId: { in: sessionIds }, tool },
    select: { ok: true, durationMs: true },
  });
}

export function countFrictionsIn(sessionIds: string[]): Promise<number> {
  return db().friction.count({ where: { sessionId: { in: sessionIds } } });
}

/** Corrections the detector found in these sessions. */
export function countDetectedCorrectionsIn(sessionIds: string[]): Promise<number> {
  return db().learningEvent.count({
    where: { sessionId: { in: sessionIds }, type: "correction", source: "detector" },
  });
}

/** Tool versions the agent proposed in these sessions. */
export function countAgentToolVersionsIn(sessionIds: string[]): Promise<number> {
  return db().toolVersion.count({ where: { sessionId: { in: sessionIds }, origin: "agent" } });
}
