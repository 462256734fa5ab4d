import { route } from "@/lib/api/handler";
import { evaluateHypotheses } from "@/lib/learning/hypotheses";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const rows = await evaluateHypotheses();
  return Response.json({
    hypotheses: rows.map((h) => ({
      ...h,
      startedAt: h.startedAt.toISOString(),
      evaluatedAt: h.evaluatedAt?.toISOString() ?? null,
    })),
  });
});
