import path from "node:path";
import { z } from "zod";
import { TIER_OVERRIDES } from "@/lib/agent/tiers";
import { copyMessagesUpTo } from "@/lib/db/queries/messages";
import {
  createSession,
  deleteSessionRow,
  findSession,
  setSessionArchived,
  updateSessionRow,
} from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { loadDefaultBudget } from "@/lib/settings/budget";
import { loadModelConfig } from "@/lib/settings/model-config";
import { forgetRollupsInMemory } from "@/lib/telemetry/rollup-cache";
import { type BranchSync, syncBranch } from "@/lib/workspaces/branch-sync";
import { workspaceForNewSession, workspaceForTurn } from "@/lib/workspaces/session";
import { createWorktree } from "@/lib/workspaces/worktree";

export const MAX_TASK_CHARS = 200_000;
const MAX_TITLE_CHARS = 200;
const DERIVED_TITLE_CHARS = 80;

export const createSessionSchema = z.object({
  /** The first message: sent as the session opens; the title is derived from it unless one is given. */
  task: z.string().trim().max(MAX_TASK_CHARS).optional(),
  title: z.string().trim().max(MAX_TITLE_CHARS).optional(),
  workspace: z.string().trim().max(4096).optional(),
  budgetUsd: z.number().positive().max(100_000).nullable().optional(),
  /** Start on this new branch in a git worktree of the workspace's repository (lib/workspaces/worktree.ts). */
  worktreeBranch: z.string().trim().min(1).max(200).optional(),
});

export const updateSessionSchema = z.object({
  title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
  budgetUsd: z.number().positive().max(100_000).nullable().optional(),
  /** Hidden from the sessions list (kept with everything it holds), or shown again. */
  archived: z.boolean().optional(),
  /** Which model tier answers from the next turn on: the rules (`auto`) or pinned (lib/agent/tiers.ts). */
  tierOverride: z.enum(TIER_OVERRIDES).optional(),
});

export const syncBranchSchema = z.strictObject({
  /** Replace the branch in the main repository although it is not a fast-forward (a person confirmed). */
  force: z.boolean().optional(),
});

export const forkSessionSchema = z.object({ messageId: z.string().trim().min(1).max(100) });

/** A title from a task: its first line that says something, cut at a word near 80 characters. */
export function titleFromTask(task: string): string {
  const line = task
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .find((l) => l.length > 0);
  if (!line) return "";
  if (line.length <= DERIVED_TITLE_CHARS) return line;
  const cut = line.slice(0, DERIVED_TITLE_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > DERIVED_TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export async function openSession(input: z.infer<typeof createSessionSchema>) {
  const config = await loadModelConfig();
  // a task is sent at once: refused before anything is created when no model could answer it
  if (input.task && !config.configured)
    throw new ApiError(
      "not_configured",
      "No model is configured. Set an OpenAI-compatible endpoint in Settings.",
    );
  const picked = await workspaceForNewSession(input.workspace);
  const worktree = input.worktreeBranch ? await createWorktree(picked, input.worktreeBranch) : null;
  const workspace = worktree ? await workspaceForNewSession(worktree.folder) : picked;
  const budgetUsd = input.budgetUsd === undefined ? await loadDefaultBudget() : input.budgetUsd;
  const title =
    input.title ||
    (input.task ? titleFromTask(input.task) : "") ||
    `Session in ${path.basename(workspace) || workspace}`;
  return createSession({
    title,
    workspace,
    budgetUsd,
    model: config.model,
    ...(worktree ? { worktreeOf: worktree.of, branch: worktree.branch } : {}),
  });
}

export async function updateSession(id: string, input: z.infer<typeof updateSessionSchema>) {
  if (!(await findSession(id))) throw new ApiError("not_found", `No session ${id}.`);
  const { archived, ...fields } = input;
  if (archived !== undefined) await setSessionArchived(id, archived);
  return Object.keys(fields).length > 0 ? updateSessionRow(id, fields) : null;
}

/**
 * A new session whose conversation is the original's up to and including `messageId`, in the same
 * folder (checked again: it may no longer be a workspace). The original is left as it is.
 */
export async function forkSession(id: string, messageId: string) {
  const original = await findSession(id);
  if (!original) throw new ApiError("not_found", `No session ${id}.`);
  if (original.kind !== "agent") throw new ApiError("bad_request", "Only agent sessions can be forked.");
  const workspace = await workspaceForNewSession(original.workspace);
  const config = await loadModelConfig();
  const fork = await createSession({
    title: `${original.title} (fork)`.slice(0, MAX_TITLE_CHARS),
    workspace,
    budgetUsd: original.budgetUsd,
    model: config.model ?? original.model ?? "",
    forkedFrom: original.id,
  });
  const copied = await copyMessagesUpTo(original.id, fork.id, messageId);
  if (copied === 0) {
    await deleteSessionRow(fork.id);
    throw new ApiError("not_found", `Session ${id} has no message ${messageId} in its conversation.`);
  }
  return fork;
}

/** Deletes a session with everything it holds; a session whose turn runs is refused (stop it first). */
export async function deleteSession(id: string): Promise<void> {
  const session = await findSession(id);
  if (!session) throw new ApiError("not_found", `No session ${id}.`);
  if (session.status === "running")
    throw new ApiError("conflict", "A turn is running in this session; stop it before deleting the session.");
  await deleteSessionRow(id);
  // the stored days were forgotten with the row; this process's copies go too (others' on restart)
  forgetRollupsInMemory();
}

/**
 * A worktree session's branch brought back to the repository it was made from
 * (lib/workspaces/branch-sync.ts): 400 for a session that is not a worktree session, 409 while a
 * turn runs (its commands may be writing the repository) and for what syncBranch refuses.
 */
export async function syncSessionBranch(id: string, opts: { force?: boolean } = {}): Promise<BranchSync> {
  const session = await findSession(id);
  if (!session) throw new ApiError("not_found", `No session ${id}.`);
  if (!session.worktreeOf || !session.branch)
    throw new ApiError(
      "bad_request",
      "This session is not a worktree session: it has no branch to bring back.",
    );
  if (session.status === "running")
    throw new ApiError(
      "conflict",
      "A turn is running in this session; its branch is brought back when the turn ends.",
    );
  const workspace = await workspaceForTurn(session.workspace).catch((error: Error) => {
    throw new ApiError("bad_request", error.message);
  });
  return syncBranch({ workspace, worktreeOf: session.worktreeOf, branch: session.branch }, opts);
}
