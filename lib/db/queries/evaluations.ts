import { db } from "../client";
import type { Prisma } from "../generated/sqlite/client";

export interface NewEvaluation {
  workspace: string;
  subjectKind: string;
  subjectRef: string;
  inputs: Prisma.InputJsonValue;
  estimateUsd: number;
  budgetUsd: number;
  total: number;
  createdBy: string;
}

export function createEvaluation(data: NewEvaluation) {
  return db().evaluation.create({ data });
}

export function findEvaluation(id: string) {
  return db().evaluation.findUnique({
    where: { id },
    include: { runs: { orderBy: [{ repeat: "asc" }, { createdAt: "asc" }] } },
  });
}

export type EvaluationRecord = NonNullable<Awaited<ReturnType<typeof findEvaluation>>>;

/** A subject's evaluations, newest first. */
export function listEvaluationsOf(subjectKind: string, subjectRef: string, take = 10) {
  return db().evaluation.findMany({
    where: { subjectKind, subjectRef },
    orderBy: { createdAt: "desc" },
    take,
    include: { runs: { orderBy: [{ repeat: "asc" }, { createdAt: "asc" }] } },
  });
}

/** Moves an evaluation on from one of the given states only: a finished one is never reopened. */
export async function advanceEvaluation(
  id: string,
  from: readonly string[],
  data: {
    status?: string;
    spentUsd?: number;
    done?: number;
    summary?: Prisma.InputJsonValue;
    error?: string | null;
    finishedAt?: Date;
  },
): Promise<boolean> {
  const { count } = await db().evaluation.updateMany({ where: { id, status: { in: [...from] } }, data });
  return count === 1;
}

/** Evaluations a previous process left queued or running: they cannot resume, they failed. */
export function failAbandonedEvaluations(before: Date, note: string) {
  return db().evaluation.updateMany({
    where: { status: { in: ["queued", "running"] }, createdAt: { lt: before } },
    data: { status: "failed", error: note, finishedAt: new Date() },
  });
}

export interface NewEvaluationRun {
  evaluationId: string;
  caseTurnId: string;
  arm: string;
  repeat: number;
  sessionId: string | null;
  passed: boolean | null;
  verification: Prisma.InputJsonValue;
  steps: number;
  tokens: number;
  costUsd: number;
  wallMs: number;
  failedCalls: number;
  frictions: number;
}

/** A replay's result: written once, never updated (the unique key refuses a second). */
export function recordEvaluationRun(data: NewEvaluationRun) {
  return db().evaluationRun.create({ data });
}

/**
 * A replay's session, once measured: removed with its transcript, calls, steps and frictions, so the
 * tool telemetry, skill loads and the battery change's analysis never count a replay as real use.
 */
export async function discardReplaySession(sessionId: string): Promise<void> {
  await db().skillLoad.deleteMany({ where: { sessionId } });
  await db().session.deleteMany({ where: { id: sessionId, kind: "evaluation" } });
}

/** What a replay session measured: its turns' steps, its tokens and cost, failed tool calls, frictions. */
export async function replayMeasures(sessionId: string) {
  const [session, steps, failedCalls, frictions, answer] = await Promise.all([
    db().session.findUnique({
      where: { id: sessionId },
      select: { inputTokens: true, outputTokens: true, costUsd: true },
    }),
    db().turn.aggregate({ where: { sessionId }, _sum: { steps: true } }),
    db().toolCall.count({ where: { sessionId, ok: false } }),
    db().friction.count({ where: { sessionId } }),
    db().message.findFirst({
      where: { sessionId, role: "assistant" },
      orderBy: { createdAt: "desc" },
      select: { parts: { orderBy: { idx: "asc" }, select: { type: true, data: true } } },
    }),
  ]);
  return {
    steps: steps._sum.steps ?? 0,
    tokens: (session?.inputTokens ?? 0) + (session?.outputTokens ?? 0),
    costUsd: session?.costUsd ?? 0,
    failedCalls,
    frictions,
    /** The last answer's parts as stored (the judge reads its text). */
    answerParts: answer?.parts ?? [],
  };
}
