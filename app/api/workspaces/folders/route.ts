import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { createFolder, listFolders, recentWorkspaces } from "@/lib/workspaces/browse";
import type { FolderCreated, FolderListingView } from "@/lib/workspaces/views";

export const dynamic = "force-dynamic";

/** Whoever may open a session may browse where it could work (the roots), and nothing else. */
export const GET = route(
  async (request) => {
    const requested = new URL(request.url).searchParams.get("path") ?? "";
    const listing = await listFolders(requested || undefined);
    const recent = requested ? [] : await recentWorkspaces();
    return Response.json({ ...listing, recent } satisfies FolderListingView);
  },
  { action: "workspace.browse" },
);

const createBody = z.object({
  parent: z.string().min(1).max(4096),
  name: z.string().min(1).max(200),
});

export const POST = route(
  async (request, _params, { audit }) => {
    const { parent, name } = await readJson(request, createBody);
    const folder = await createFolder(parent, name);
    await audit(folder);
    return Response.json({ path: folder } satisfies FolderCreated, { status: 201 });
  },
  { action: "workspace.newFolder" },
);
