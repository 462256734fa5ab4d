import path from "node:path";
import { z } from "zod";
import { parsePart, type StoredPart } from "@/lib/agent/parts";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { listMessages } from "@/lib/db/queries/messages";
import { findReflection } from "@/lib/db/queries/reflections";
import { createSession, findSession } from "@/lib/db/queries/sessions";
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
  return db().session.update({ where: { id }, data: input });
}

/** The contract's session shape, plus live counters the UI shows. */
export async function sessionView(id: string) {
  const session = await findSession(id);
  if (!session) throw new ApiError("not_found", `No session ${id}.`);
  const [messages, reflection] = await Promise.all([listMessages(id), findReflection(id)]);
  return {
    id: session.id,
    kind: session.kind,
    title: session.title,
    status: session.status,
    statusNote: session.statusNote,
    workspace: session.workspace,
    model: session.model,
    inputTokens: session.inputTokens,
    outputTokens: session.outputTokens,
    costUsd: session.costUsd,
    budgetUsd: session.budgetUsd,
    createdAt: session.createdAt.toISOString(),
    updatedAt: session.updatedAt.toISOString(),
    messages: messages.map((m) => ({
      id: m.id,
      role: m.role,
      createdAt: m.createdAt.toISOString(),
      parts: m.parts
        .map((p) => parsePart(p.data))
        .filter((p): p is StoredPart => p !== null && p.type !== "reasoning"),
    })),
    reflection: reflection
      ? {
          status: reflection.status,
          trigger: reflection.trigger,
          summary: reflection.summary,
          wentWell: reflection.wentWell,
          slow: reflection.slow,
          nextTime: reflection.nextTime,
          error: reflection.error,
          updatedAt: reflection.updatedAt.toISOString(),
        }
      : null,
  };
}
