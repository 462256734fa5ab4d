import { db } from "@/lib/db/client";
import { frictionConversion } from "@/lib/db/queries/frictions";
import { lastMaintenanceRun } from "@/lib/db/queries/maintenance";
import { reflectionCoverage } from "@/lib/db/queries/reflections";

export async function learningHealth() {
  const [conversion, coverage, bySource, sessions, last] = await Promise.all([
    frictionConversion(),
    reflectionCoverage(),
    db().learningEvent.groupBy({ by: ["source"], _count: { _all: true } }),
    db().session.count({ where: { kind: "agent" } }),
    lastMaintenanceRun(),
  ]);
  const learnings = Object.fromEntries(bySource.map((r) => [r.source, r._count._all]));
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
