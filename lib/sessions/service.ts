import path from "node:path";
import { z } from "zod";
import { createSession, findSession, updateSessionRow } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { loadDefaultBudget } from "@/lib/settings/budget";
import { loadModelConfig } from "@/lib/settings/model-config";
import { workspaceForNewSession } from "@/lib/workspaces/session";

export const createSessionSchema = z.object({
  title: z.string().trim().max(200).optional(),
  workspace: z.string().trim().max(4096).optional(),
  budgetUsd: z.number().positive().max(100_000).nullable().optional(),
});

export const updateSessionSchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  budgetUsd: z.number().positive().max(100_000).nullable().optional(),
});

export async function openSession(input: z.infer<typeof createSessionSchema>) {
  const workspace = await workspaceForNewSession(input.workspace);
  const config = await loadModelConfig();
  const budgetUsd = input.budgetUsd === undefined ? await loadDefaultBudget() : input.budgetUsd;
  const title = input.title || `Session in ${path.basename(workspace) || workspace}`;
  return createSession({ title, workspace, budgetUsd, model: config.model });
}

export async function updateSession(id: string, input: z.infer<typeof updateSessionSchema>) {
  if (!(await findSession(id))) throw new ApiError("not_found", `No session ${id}.`);
  return updateSessionRow(id, input);
}
