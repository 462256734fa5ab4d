import { db } from "../client";

/** What an evaluation reads of a subject that is not a tool: skill versions, hypotheses, memory. */

export function findSkillVersionById(id: string) {
  return db().skillVersion.findUnique({ where: { id } });
}

/** The version before `version` (null: `version` is the skill's first). */
export function previousSkillVersion(name: string, version: number) {
  return db().skillVersion.findFirst({
    where: { name, version: { lt: version } },
    orderBy: { version: "desc" },
  });
}

/** The newest version saved at or before a time (the edit a hypothesis recorded then is about). */
export function skillVersionAsOf(name: string, at: Date) {
  return db().skillVersion.findFirst({
    where: { name, createdAt: { lte: at } },
    orderBy: { version: "desc" },
  });
}

/** The working-memory version before `version` (null: it is the first). */
export function previousWorkingMemory(version: number) {
  return db().workingMemory.findFirst({ where: { version: { lt: version } }, orderBy: { version: "desc" } });
}

/** The working memory in force at a time. */
export function workingMemoryAsOf(at: Date) {
  return db().workingMemory.findFirst({ where: { createdAt: { lte: at } }, orderBy: { version: "desc" } });
}

const RECENT_USES = 200;

/**
 * The turns of agent sessions where a skill was suggested or loaded, newest first, and the
 * workspace of the newest of them: the turns a change to the skill would have changed.
 */
export async function skillUseBehind(name: string): Promise<{ turnIds: string[]; workspace: string | null }> {
  const rows = await db().skillLoad.findMany({
    where: { skill: name, turnId: { not: null }, session: { kind: "agent" } },
    orderBy: { createdAt: "desc" },
    take: RECENT_USES,
    select: { turnId: true, session: { select: { workspace: true } } },
  });
  return {
    turnIds: [...new Set(rows.flatMap((r) => (r.turnId ? [r.turnId] : [])))],
    workspace: rows[0]?.session?.workspace ?? null,
  };
}

export function findHypothesis(id: string) {
  return db().hypothesis.findUnique({ where: { id } });
}
