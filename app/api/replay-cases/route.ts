import { route } from "@/lib/api/handler";
import { replaySet } from "@/lib/evaluation/replay-set";
import { type ReplayCaseList, replayCasesQuerySchema, replayCaseView } from "@/lib/evaluation/views";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const query = replayCasesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const subject =
    query.tool && query.sha256
      ? ({ kind: "tool", name: query.tool, sha256: query.sha256 } as const)
      : ({ kind: "none" } as const);
  const cases = await replaySet(query.workspace, subject);
  return Response.json({
    workspace: query.workspace,
    cases: cases.map(replayCaseView),
  } satisfies ReplayCaseList);
});
