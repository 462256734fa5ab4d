import { z } from "zod";
import { writeSettings } from "@/lib/db/queries/settings";
import { ApiError } from "@/lib/errors";
import { checkRoot, expandHome, guardFor, loadWorkspacePolicy, ROOTS_SETTING } from "./policy";

export const MAX_ROOTS = 20;

/** PUT /api/settings/workspace-roots: `null` or `[]` drops the saved roots (the environment applies). */
export const workspaceRootsSchema = z.object({
  roots: z.array(z.string().trim().min(1).max(4096)).max(MAX_ROOTS).nullable(),
});

/** What Settings shows: the roots in force, where they come from, the default workspace, problems. */
export async function workspacesView() {
  const policy = await loadWorkspacePolicy();
  return {
    roots: policy.roots,
    source: policy.source,
    variable: policy.variable,
    saved: policy.saved,
    defaultWorkspace: policy.defaultWorkspace,
    problems: policy.problems,
  };
}
export type WorkspacesView = Awaited<ReturnType<typeof workspacesView>>;

/**
 * Saves the roots after checking every one (an existing folder that could itself be a workspace);
 * one refused root refuses the whole change (400 naming each reason) and nothing is saved.
 * Saved as real paths: what is enforced is what is shown.
 */
export async function saveWorkspaceRoots(
  roots: string[] | null,
): Promise<{ previous: string[] | null; saved: string[] | null }> {
  const previous = (await loadWorkspacePolicy()).saved;
  if (!roots || roots.length === 0) {
    await writeSettings({ [ROOTS_SETTING]: [] });
    return { previous, saved: null };
  }
  const guard = guardFor();
  const checks = await Promise.all(roots.map((root) => checkRoot(expandHome(root, guard.home), guard)));
  const problems = checks.flatMap((check) => (check.ok ? [] : [check.reason]));
  if (problems.length > 0)
    throw new ApiError("bad_request", `Workspace roots not saved. ${problems.join(" ")}`);
  const saved = [...new Set(checks.flatMap((check) => (check.ok ? [check.folder] : [])))];
  await writeSettings({ [ROOTS_SETTING]: saved });
  return { previous, saved };
}
