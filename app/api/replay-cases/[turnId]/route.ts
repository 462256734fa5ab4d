import { readJson, route } from "@/lib/api/handler";
import { chooseCase } from "@/lib/evaluation/replay-set";
import { type ReplayChoice, replayChoiceSchema } from "@/lib/evaluation/views";

export const dynamic = "force-dynamic";

export const PATCH = route<{ turnId: string }>(
  async (request, { turnId }, { actor, audit }) => {
    const { included } = await readJson(request, replayChoiceSchema);
    const { workspace } = await chooseCase(turnId, included, actor.name);
    await audit(turnId, { included, workspace });
    return Response.json({ turnId, workspace, included } satisfies ReplayChoice);
  },
  { action: "replayCase.update" },
);
