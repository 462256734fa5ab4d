import "server-only";
import { db } from "../client";

/** A stored day rollup: its JSON as written, parsed by the telemetry layer that owns the shape. */
export interface StoredRollup {
  day: string;
  data: string;
}

/** Every stored day of this format from `fromDay` on (YYYY-MM-DD sorts as text): one query at start. */
export function storedRollups(format: number, fromDay: string): Promise<StoredRollup[]> {
  return db().telemetryRollup.findMany({
    where: { format, day: { gte: fromDay } },
    select: { day: true, data: true },
    orderBy: { day: "asc" },
  });
}

/** Keeps a closed day's rollup; a day stored meanwhile (another instance) is overwritten with the same figures. */
export async function storeRollup(day: string, format: number, data: string): Promise<void> {
  await db().telemetryRollup.upsert({
    where: { day },
    create: { day, format, data },
    update: { format, data },
  });
}

/** Forgets stored days (all of them, or those in [fromDay, toDay]): they are computed again from the calls. */
export async function deleteStoredRollups(range?: { fromDay: string; toDay: string }): Promise<number> {
  const where = range ? { day: { gte: range.fromDay, lte: range.toDay } } : {};
  return (await db().telemetryRollup.deleteMany({ where })).count;
}
