import { z } from "zod";
import { db } from "../client";

export const skippedFilesSchema = z.array(z.object({ path: z.string(), bytes: z.number() }));

export interface CheckpointRow {
  id: string;
  sessionId: string;
  turnId: string | null;
  kind: "turn-start" | "step" | "revert";
  step: number;
  commit: string;
  tree: string;
  skipped: z.infer<typeof skippedFilesSchema>;
  createdAt: Date;
}

type Raw = Awaited<ReturnType<ReturnType<typeof db>["checkpoint"]["findFirst"]>>;

/** The row with its JSON parsed: a malformed `skipped` reads as none rather than a wrong shape. */
function parse(row: NonNullable<Raw>): CheckpointRow {
  const skipped = skippedFilesSchema.safeParse(row.skipped);
  const kind = row.kind === "turn-start" || row.kind === "revert" ? row.kind : "step";
  return { ...row, kind, skipped: skipped.success ? skipped.data : [] };
}

export async function recordCheckpoint(
  data: Omit<CheckpointRow, "id" | "createdAt">,
): Promise<CheckpointRow> {
  return parse(await db().checkpoint.create({ data }));
}

export async function latestCheckpoint(sessionId: string): Promise<CheckpointRow | null> {
  const row = await db().checkpoint.findFirst({ where: { sessionId }, orderBy: { createdAt: "desc" } });
  return row ? parse(row) : null;
}

export async function listCheckpoints(sessionId: string): Promise<CheckpointRow[]> {
  const rows = await db().checkpoint.findMany({ where: { sessionId }, orderBy: { createdAt: "asc" } });
  return rows.map(parse);
}

/** The session's turns in order: turn N of the API is the N-th of these. */
export function listTurns(sessionId: string) {
  return db().turn.findMany({
    where: { sessionId },
    orderBy: { startedAt: "asc" },
    select: { id: true, status: true, startedAt: true, endedAt: true, rewoundAt: true },
  });
}

export function markTurnsRewound(ids: string[], at: Date) {
  if (ids.length === 0) return Promise.resolve({ count: 0 });
  return db().turn.updateMany({ where: { id: { in: ids }, rewoundAt: null }, data: { rewoundAt: at } });
}
