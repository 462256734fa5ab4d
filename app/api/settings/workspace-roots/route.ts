import { readJson, route } from "@/lib/api/handler";
import type { WorkspacesView } from "@/lib/settings/views";
import { saveWorkspaceRoots, workspaceRootsSchema, workspacesView } from "@/lib/workspaces/roots";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json((await workspacesView()) satisfies WorkspacesView));

/** Admin only: the roots decide which folders every member's commands may write. */
export const PUT = route(
  async (request, _params, { audit }) => {
    const { roots } = await readJson(request, workspaceRootsSchema);
    const { previous, saved } = await saveWorkspaceRoots(roots);
    await audit(null, { roots: saved, previous });
    return Response.json((await workspacesView()) satisfies WorkspacesView);
  },
  { action: "workspaceRoots.update" },
);
