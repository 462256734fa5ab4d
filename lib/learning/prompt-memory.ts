import { db } from "@/lib/db/client";
import { currentWorkingMemory } from "@/lib/db/queries/working-memory";

export interface PromptMemory {
  workingMemory: { version: number; content: string } | null;
  /** Recent corrections and preferences from other sessions, newest first. */
  learnings: Array<{ id: string; type: string; description: string }>;
}

const RECENT_LEARNINGS = 5;

/**
 * What later sessions know: the working memory the last battery change wrote, plus the newest
 * learnings since. Each learning included is counted as used, so the UI can show it reached a prompt.
 */
export async function loadPromptMemory(sessionId: string): Promise<PromptMemory> {
  const memory = await currentWorkingMemory();
  const learnings = await db().learningEvent.findMany({
    where: {
      type: { in: ["correction", "preference"] },
      NOT: { sessionId },
      ...(memory ? { createdAt: { gt: memory.createdAt } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: RECENT_LEARNINGS,
    select: { id: true, type: true, description: true },
  });
  if (learnings.length) {
    await db().learningEvent.updateMany({
      where: { id: { in: learnings.map((l) => l.id) } },
      data: { usedCount: { increment: 1 }, lastUsedAt: new Date() },
    });
  }
  return { workingMemory: memory ? { version: memory.version, content: memory.content } : null, learnings };
}
