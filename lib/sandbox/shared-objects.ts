import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { workspaceStateDir } from "./prepare";
import { sandboxDataDir } from "./sandbox-runtime";

/**
 * A worktree session's repository is a repository of its own inside its workspace, whose objects
 * are borrowed from the repository it was made from (`objects/info/alternates`). Its commands must
 * read that object store, read-only, at its own path: the server records which store that is here,
 * under the data dir, where no command can write. The alternates file in the workspace is the
 * agent's to rewrite and is never what decides a mount.
 */
const FILE = "shared-objects";

function recordFile(dataDir: string, workspace: string): string {
  return path.join(workspaceStateDir(dataDir, workspace), FILE);
}

/** Records the object store `workspace`'s repository borrows from (both real paths). */
export async function recordSharedObjects(workspace: string, objects: string): Promise<void> {
  const dataDir = sandboxDataDir();
  if (!dataDir) throw new Error("the sandbox is not initialized");
  if (!path.isAbsolute(objects) || /[\0\n:]/.test(objects))
    throw new Error(`${objects} cannot be a shared object store`);
  const file = recordFile(dataDir, workspace);
  await mkdir(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(/*turbopackIgnore: true*/ file, `${objects}\n`, { mode: 0o600 });
}

/** The object store `workspace`'s repository borrows from, or null when the server made none. */
export async function sharedObjectsOf(workspace: string): Promise<string | null> {
  const dataDir = sandboxDataDir();
  if (!dataDir) return null;
  const text = await readFile(/*turbopackIgnore: true*/ recordFile(dataDir, workspace), "utf8").catch(
    () => null,
  );
  const objects = text?.trim();
  return objects && path.isAbsolute(objects) && !/[\0\n:]/.test(objects) ? objects : null;
}
