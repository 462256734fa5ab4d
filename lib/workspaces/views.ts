/**
 * What the workspace folder routes answer (app/api/workspaces/**); components import them with
 * `import type`.
 */
import type { FolderListing } from "./browse";

export type { FolderEntry, FolderGit, FolderListing } from "./browse";

/** GET /api/workspaces/folders[?path=]: a folder's sub-folders, or the roots and recent workspaces. */
export interface FolderListingView extends FolderListing {
  /** Folders sessions worked in lately (only without `path`). */
  recent: string[];
}

/** POST /api/workspaces/folders. */
export interface FolderCreated {
  path: string;
}
