import { mkdir } from "node:fs/promises";
import type { SettingsSnapshot } from "@/lib/db/queries/settings";
import { ApiError } from "@/lib/errors";
import { processState } from "@/lib/process-state";
import { checkWorkspace, loadWorkspacePolicy } from "./policy";

/**
 * Folders the server made for its own evaluations' scratch copies (lib/evaluation), by real path.
 * They are outside every workspace root on purpose, so no person's session can work in, see or
 * change a replay's copy; only an evaluation's own turns may work inside one, and only while the
 * evaluation holds it.
 */
const scratchRoots = processState("workspaces.scratchRoots", () => new Set<string>());

export function holdScratchRoot(realPath: string): () => void {
  scratchRoots().add(realPath);
  return () => void scratchRoots().delete(realPath);
}

/** A turn refused because its session's folder may no longer be a workspace. */
export class WorkspaceRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkspaceRefusedError";
  }
}

/**
 * The real folder a new session works in: the one requested, or the default workspace (created
 * when missing). 422 when it does not exist, 400 with the reason when it may not be a workspace;
 * nothing is created in either case.
 */
export async function workspaceForNewSession(requested: string | undefined): Promise<string> {
  const policy = await loadWorkspacePolicy();
  let target = requested;
  if (!target) {
    if (!policy.defaultWorkspace)
      throw new ApiError("bad_request", `There is no default workspace. ${policy.problems.join(" ")}`);
    target = policy.defaultWorkspace;
    // a root was checked; a failure to create shows up in the check below as a missing folder
    await mkdir(/*turbopackIgnore: true*/ target, { recursive: true, mode: 0o700 }).catch(() => {});
  }
  const check = await checkWorkspace(target, policy);
  if (!check.ok) throw new ApiError(check.missing ? "unprocessable" : "bad_request", check.reason);
  return check.folder;
}

/**
 * The real folder a turn works in, checked again at every turn: since the session was created the
 * folder may have been swapped for a link, a root removed, or Ratchet upgraded from a release that
 * let sessions work in its own folder.
 */
export async function workspaceForTurn(
  stored: string,
  opts: { scratch?: boolean; settings?: SettingsSnapshot } = {},
): Promise<string> {
  const policy = await loadWorkspacePolicy(opts.settings);
  // an evaluation's replay: inside a scratch folder the server holds, never a root; the same
  // protections apply (no link out, no protected folder, no other instance's data)
  const check = await checkWorkspace(
    stored,
    opts.scratch ? { ...policy, roots: [...scratchRoots()] } : policy,
  );
  if (check.ok) return check.folder;
  throw new WorkspaceRefusedError(
    `this session's workspace may no longer be used. ${check.reason} Nothing was run; start a new session in an allowed folder (its transcript stays readable here).`,
  );
}
