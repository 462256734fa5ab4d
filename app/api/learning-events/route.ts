import { route } from "@/lib/api/handler";
import { listLearningEvents } from "@/lib/db/queries/learning-events";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const events = await listLearningEvents();
  return Response.json({
    learningEvents: events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
  });
});
