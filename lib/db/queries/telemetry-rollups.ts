import "server-only";
import { db } from "../client";
import { isUniqueViolation } from "./insert-rows";

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

/** One day's stored rollup of this format (an open day's kept part), or null. */
export async function storedRollup(day: string, format: number): Promise<StoredRollup | null> {
  return db().telemetryRollup.findFirst({ where: { day, format }, select: { day: true, data: true } });
}

/**
 * Keeps an open day's part under its own format, never over a closed day stored meanwhile (its
 * format differs, so the update finds nothing and the create is refused).
 */
export async function storeOpenRollup(day: string, format: number, data: string): Promise<void> {
  const { count } = await db().telemetryRollup.updateMany({ where: { day, format }, data: { data } });
  if (count > 0) return;
  try {
    await db().telemetryRollup.create({ data: { day, format, data } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}
