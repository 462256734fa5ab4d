import { takeLearningsForPrompt } from "@/lib/db/queries/learning-events";
import { currentWorkingMemory } from "@/lib/db/queries/working-memory";

export interface PromptMemory {
  workingMemory: { version: number; content: string } | null;
  /** Recent corrections and preferences from other sessions, newest first. */
  learnings: Array<{ id: string; type: string; description: string }>;
}

const RECENT_LEARNINGS = 5;

/**
 * What later sessions know: the working memory the last battery change wrote, plus the newest
 * learnings since. Each learning included is counted as used, so the UI can show it reached a prompt;
 * not in an evaluation's replay (`countUse: false`), which is no one's real use.
 */
export async function loadPromptMemory(
  sessionId: string,
  opts: { countUse?: boolean } = {},
): Promise<PromptMemory> {
  const memory = await currentWorkingMemory();
  const learnings = await takeLearningsForPrompt(
    sessionId,
    memory?.createdAt ?? null,
    RECENT_LEARNINGS,
    opts,
  );
  return { workingMemory: memory ? { version: memory.version, content: memory.content } : null, learnings };
}
