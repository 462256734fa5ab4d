import { frictionConversion } from "@/lib/db/queries/frictions";
import { countLearningEventsBySource } from "@/lib/db/queries/learning-events";
import { lastMaintenanceRun } from "@/lib/db/queries/maintenance";
import { reflectionCoverage } from "@/lib/db/queries/reflections";
import { countAgentSessions } from "@/lib/db/queries/sessions";

export async function learningHealth() {
  const [conversion, coverage, learnings, sessions, last] = await Promise.all([
    frictionConversion(),
    reflectionCoverage(),
    countLearningEventsBySource(),
    countAgentSessions(),
    lastMaintenanceRun(),
  ]);
  return {
    frictionConversion: conversion,
    reflectionCoverage: coverage,
    learningEvents: {
      bySource: learnings,
      perSession: sessions ? Object.values(learnings).reduce((a, b) => a + b, 0) / sessions : null,
    },
    smallItemsActedLastPass: last ? last.smallItemsActed : null,
  };
}
