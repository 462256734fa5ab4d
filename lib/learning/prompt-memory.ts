import { takeLearningsForPrompt } from "@/lib/db/queries/learning-events";
import { currentWorkingMemory } from "@/lib/db/queries/working-memory";
import { processState } from "@/lib/process-state";

/** A working-memory version an evaluation's replay sees instead of the current one (lib/evaluation). */
export interface MemoryOverride {
  version: number;
  content: string;
  createdAt: Date;
}

/** An override for "no working memory at all" (the baseline of an evaluation of the first version). */
export const NO_MEMORY: MemoryOverride = { version: 0, content: "", createdAt: new Date(0) };

const overrides = processState("learning.memoryOverrides", () => new Map<string, MemoryOverride>());

/** Set by the server for its own replay sessions only; null takes the override away. */
export function overridePromptMemory(sessionId: string, memory: MemoryOverride | null): void {
  if (memory) overrides().set(sessionId, memory);
  else overrides().delete(sessionId);
}

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
  const memory = overrides().get(sessionId) ?? (await currentWorkingMemory());
  const learnings = await takeLearningsForPrompt(
    sessionId,
    memory?.createdAt ?? null,
    RECENT_LEARNINGS,
    opts,
  );
  const shown = memory && memory.version > 0 ? { version: memory.version, content: memory.content } : null;
  return { workingMemory: shown, learnings };
}
