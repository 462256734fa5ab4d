import { route } from "@/lib/api/handler";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { syncToolsFromDisk } from "@/lib/tools/disk-sync";
import type { ToolsFolderSync } from "@/lib/tools/views";

export const dynamic = "force-dynamic";

/** Re-checks the tools folders: edited or new files become proposals that need approval. */
export const POST = route(
  async (_request, _params, { audit }) => {
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    if (sync.needsApproval.length || sync.refused.length || sync.requeued.length || sync.moved.length)
      await audit(null, {
        needsApproval: sync.needsApproval,
        refused: sync.refused.map((r) => r.name),
        requeued: sync.requeued,
        moved: sync.moved,
      });
    return Response.json(sync satisfies ToolsFolderSync);
  },
  { action: "tool.sync" },
);
