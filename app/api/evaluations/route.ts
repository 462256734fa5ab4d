import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { startEvaluation } from "@/lib/evaluation/engine";
import { toolEvaluations } from "@/lib/evaluation/present";
import { type EvaluationList, startEvaluationSchema } from "@/lib/evaluation/views";

export const dynamic = "force-dynamic";

const listQuery = z.object({
  tool: z.string().min(1).max(64),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters"),
});

export const GET = route(async (request) => {
  const { tool, sha256 } = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json({ evaluations: await toolEvaluations(tool, sha256) } satisfies EvaluationList);
});

export const POST = route(
  async (request, _params, { actor, audit }) => {
    const body = await readJson(request, startEvaluationSchema);
    const started = await startEvaluation(body, actor.name);
    await audit(started.id, { subject: body.subject, estimateUsd: started.estimate.costUsd });
    return Response.json(started, { status: 202 });
  },
  { action: "evaluation.start" },
);
