import { route } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { cancelEvaluation } from "@/lib/evaluation/engine";
import type { EvaluationCancelled } from "@/lib/evaluation/views";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(
  async (_request, { id }) => {
    if (!(await cancelEvaluation(id)))
      throw new ApiError("conflict", `Evaluation ${id} is not queued or running.`);
    return Response.json({ id, cancelled: true } satisfies EvaluationCancelled);
  },
  { action: "evaluation.cancel" },
);
