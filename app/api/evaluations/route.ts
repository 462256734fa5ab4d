import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { previewEvaluation, startEvaluation } from "@/lib/evaluation/engine";
import {
  type EvaluationList,
  type EvaluationStarted,
  startEvaluationSchema,
  toolEvaluations,
} from "@/lib/evaluation/views";

export const dynamic = "force-dynamic";

const listQuery = z.object({
  tool: z.string().min(1).max(64),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters"),
});

export const GET = route(async (request) => {
  const { tool, sha256 } = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const subject = { kind: "tool" as const, name: tool, sha256 };
  const [evaluations, preview] = await Promise.all([
    toolEvaluations(tool, sha256),
    previewEvaluation(subject),
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
