import { mkdir } from "node:fs/promises";
import { ApiError } from "@/lib/errors";
import { checkWorkspace, loadWorkspacePolicy } from "./policy";

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
export async function workspaceForTurn(stored: string): Promise<string> {
  const check = await checkWorkspace(stored, await loadWorkspacePolicy());
  if (check.ok) return check.folder;
  throw new WorkspaceRefusedError(
    `this session's workspace may no longer be used. ${check.reason} Nothing was run; start a new session in an allowed folder (its transcript stays readable here).`,
  );
}
