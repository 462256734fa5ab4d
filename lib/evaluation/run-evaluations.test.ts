import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createEvaluation, recordEvaluationRun } from "@/lib/db/queries/evaluations";
import { maintenanceRunView } from "@/lib/learning/views";
import type { EvaluationInputs } from "./inputs";
import { withRunEvaluations } from "./views";

async function hypothesis(claim: string) {
  return db().hypothesis.create({
    data: {
      claim,
      subjectType: "skill",
      subjectRef: "counting@v2",
      metric: "frictions_per_session",
      target: 1,
    },
  });
}

async function evaluation(
  hypothesisId: string,
  status: string,
  steps: Record<"baseline" | "candidate", number[]>,
) {
  const inputs: EvaluationInputs = {
    subject: { kind: "hypothesis", id: hypothesisId },
    change: { kind: "skill", name: "counting", version: 2 },
    cases: [
      {
        turnId: "t1",
        workspace: "/w",
        tree: "0".repeat(40),
        message: "count",
        verification: { kind: "rubric", rubric: "r" },
        tokens: 10,
        costUsd: 0,
      },
    ],
    model: "m",
    api: "chat",
    repeats: 2,
    budgetUsd: 1,
    sampling: "defaults",
  };
  const row = await createEvaluation({
    workspace: "/w",
    subjectKind: "hypothesis",
    subjectRef: hypothesisId,
    inputs,
    estimateUsd: 0,
    budgetUsd: 1,
    total: 4,
    createdBy: "t",
  });
  for (const arm of ["baseline", "candidate"] as const)
    for (const [i, n] of steps[arm].entries())
      await recordEvaluationRun({
        evaluationId: row.id,
        caseTurnId: "t1",
        arm,
        repeat: i + 1,
        sessionId: null,
        passed: true,
        verification: {},
        steps: n,
        tokens: 100,
        costUsd: 0,
        wallMs: 10,
        failedCalls: 0,
        frictions: 0,
      });
  await db().evaluation.update({ where: { id: row.id }, data: { status } });
}

describe("a battery change's analysis lists the evaluations of its hypotheses", () => {
  it("evaluated: 1 of 3, with the figures of each finished one", async () => {
    const [h1, h2, h3] = await Promise.all([hypothesis("one"), hypothesis("two"), hypothesis("three")]);
    if (!h1 || !h2 || !h3) throw new Error("no hypotheses");
    await evaluation(h1.id, "completed", { baseline: [6, 7], candidate: [3, 3] });
    // still running, no run yet: not evaluated
    await evaluation(h2.id, "running", { baseline: [], candidate: [] });
    const run = await db().maintenanceRun.create({
      data: {
        status: "completed",
        analysis: {},
        results: {
          hypotheses: [h1, h2, h3].map((h) => ({ id: h.id, claim: h.claim })),
        },
      },
    });
    const view = await withRunEvaluations(maintenanceRunView(run));
    expect(view.evaluations?.line).toBe("evaluated: 1 of 3; H1 3.0 steps vs 6.5, within noise: no");
    expect(view.evaluations?.hypotheses.map((h) => [h.label, h.status, h.figures])).toEqual([
      ["H1", "completed", "3.0 steps vs 6.5, within noise: no"],
      ["H2", "running", null],
      ["H3", null, null],
    ]);
    // a run that recorded no hypothesis has nothing to add
    const none = await db().maintenanceRun.create({
      data: { status: "completed", analysis: {}, results: {} },
    });
    expect((await withRunEvaluations(maintenanceRunView(none))).evaluations).toBeUndefined();
  });
});
