import { findSession } from "@/lib/db/queries/sessions";
import { hasOwnRepository, syncBranch } from "@/lib/workspaces/branch-sync";
import type { TurnState } from "./state";

/**
 * After a turn of a worktree session, its branch is brought back to the repository it was made
 * from (lib/workspaces/branch-sync.ts), fast-forward only: what the agent committed is on the
 * branch there without anyone pressing a button. What cannot be brought back is said as a notice;
 * a person can force it from the session page. Sessions whose worktree predates their own
 * repository are left alone (their git lives in the main checkout already).
 */
export async function syncBranchAfterTurn(turn: TurnState): Promise<void> {
  if (turn.kind !== "agent" || turn.steps === 0) return;
  const session = await findSession(turn.sessionId);
  if (!session?.worktreeOf || !session.branch) return;
  if (!(await hasOwnRepository(turn.workspace))) return;
  try {
    const result = await syncBranch({
      workspace: turn.workspace,
      worktreeOf: session.worktreeOf,
      branch: session.branch,
    });
    if (result.result === "updated")
      await turn.emit({
        type: "notice",
        level: "info",
        message: `${result.branch} in ${session.worktreeOf} is now at ${result.to.slice(0, 12)}, the session's last commit.`,
      });
  } catch (error) {
    await turn.emit({
      type: "notice",
      level: "warn",
      message: `The session's branch was not brought back to ${session.worktreeOf}: ${(error as Error).message}`,
    });
  }
}
