import { readJson, route } from "@/lib/api/handler";
import { syncBranchSchema, syncSessionBranch } from "@/lib/sessions/service";
import type { BranchSynced } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

/** A worktree session's branch into the repository it was made from: fast-forward only unless `force`. */
export const POST = route<{ id: string }>(
  async (request, { id }, { audit }) => {
    const body = await readJson(request, syncBranchSchema);
    const result = await syncSessionBranch(id, body);
    await audit(id, { ...result });
    return Response.json(result satisfies BranchSynced);
  },
  { action: "session.syncBranch" },
);
