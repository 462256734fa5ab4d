import { readJson, route } from "@/lib/api/handler";
import { previewEvaluation, startEvaluation } from "@/lib/evaluation/engine";
import {
  type EvaluationList,
  type EvaluationStarted,
  listQuerySchema,
  startEvaluationSchema,
  subjectEvaluations,
  subjectOfQuery,
} from "@/lib/evaluation/views";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const query = listQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const subject = subjectOfQuery(query);
  const [evaluations, preview] = await Promise.all([
    subjectEvaluations(subject),
    previewEvaluation(subject, 2, query.workspace),
  ]);
  return Response.json({ evaluations, preview } satisfies EvaluationList);
});

export const POST = route(
  async (request, _params, { actor, audit }) => {
    const body = await readJson(request, startEvaluationSchema);
    const started = await startEvaluation(body, actor.name);
    await audit(started.id, { subject: body.subject, estimateUsd: started.estimate.costUsd });
    return Response.json(started satisfies EvaluationStarted, { status: 202 });
  },
  { action: "evaluation.start" },
);
