import { BUILTIN_NAMES } from "@/lib/agent/tools/builtin-names";
import { route } from "@/lib/api/handler";
import { syncToolsFromDisk } from "@/lib/tools/lifecycle";

export const dynamic = "force-dynamic";

/** Re-checks the tools folder: edited or new files become proposals that need approval. */
export const POST = route(
  async (_request, _params, { audit }) => {
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    if (sync.needsApproval.length) await audit(null, { needsApproval: sync.needsApproval });
    return Response.json(sync);
  },
  { action: "tool.sync" },
);
