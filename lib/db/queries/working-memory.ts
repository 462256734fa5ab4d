import { db } from "../client";
import { columns, type RowOf, type Shape, selectRow, sql } from "./driver-sql";

const WORKING_MEMORY_ROW = {
  id: "string",
  version: "int",
  content: "string",
  source: "string",
  runId: "string?",
  createdAt: "datetime",
} as const satisfies Shape;

/** The newest version, or null. Through the driver: every turn start's prompt reads it. */
export function currentWorkingMemory(): Promise<RowOf<typeof WORKING_MEMORY_ROW> | null> {
  return selectRow(
    WORKING_MEMORY_ROW,
    sql`SELECT ${columns(WORKING_MEMORY_ROW)} FROM "WorkingMemory" ORDER BY "version" DESC LIMIT 1`,
  );
}

export function findWorkingMemory(version: number) {
  return db().workingMemory.findUnique({ where: { version } });
}

export function listWorkingMemory(limit = 50) {
  return db().workingMemory.findMany({ orderBy: { version: "desc" }, take: limit });
}

/** Every change is a new version; the newest is injected into every session's prompt. */
export function saveWorkingMemory(
  content: string,
  source: "maintenance" | "user",
  runId: string | null = null,
) {
  return db().$transaction(async (tx) => {
    const last = await tx.workingMemory.findFirst({ orderBy: { version: "desc" } });
    return tx.workingMemory.create({ data: { version: (last?.version ?? 0) + 1, content, source, runId } });
  });
}

/** The newest working memory version a battery change wrote, or null. */
export async function workingMemoryVersionOfRun(runId: string): Promise<number | null> {
  const row = await db().workingMemory.findFirst({
    where: { runId },
    orderBy: { version: "desc" },
    select: { version: true },
  });
  return row?.version ?? null;
}
