import { route } from "@/lib/api/handler";
import { reflectionList } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const url = new URL(request.url);
  const status = url.searchParams.get("status") ?? undefined;
  const q = url.searchParams.get("q") ?? undefined;
  return Response.json(await reflectionList({ ...(status ? { status } : {}), ...(q ? { q } : {}) }));
});
