import { route } from "@/lib/api/handler";
import { listReflections, reflectionCoverage } from "@/lib/db/queries/reflections";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const url = new URL(request.url);
  const status = url.searchParams.get("status") ?? undefined;
  const q = url.searchParams.get("q") ?? undefined;
  const [rows, coverage] = await Promise.all([
    listReflections({ ...(status ? { status } : {}), ...(q ? { q } : {}) }),
    reflectionCoverage(),
  ]);
  return Response.json({
    coverage,
    reflections: rows.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      session: {
        title: r.session.title,
        status: r.session.status,
        createdAt: r.session.createdAt.toISOString(),
      },
      status: r.status,
      trigger: r.trigger,
      summary: r.summary,
      wentWell: r.wentWell,
      slow: r.slow,
      nextTime: r.nextTime,
      error: r.error,
      model: r.model,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
  });
});
