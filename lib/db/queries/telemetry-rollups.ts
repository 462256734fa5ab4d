import "server-only";
import { db } from "../client";
import { isUniqueViolation } from "./insert-rows";

/** A stored day rollup: its JSON as written, parsed by the telemetry layer that owns the shape. */
export interface StoredRollup {
  day: string;
  data: string;
}

/** A stored day and when it was stored (epoch ms): what the stored all-time aggregate is checked against. */
export interface StoredDay extends StoredRollup {
  storedAt: number;
}

/**
 * Every stored day of this format in [fromDay, beforeDay) (YYYY-MM-DD sorts as text; no upper
 * bound without beforeDay): one query for the days a start needs.
 */
export async function storedRollups(
  format: number,
  fromDay: string,
  beforeDay?: string,
): Promise<StoredDay[]> {
  const rows = await db().telemetryRollup.findMany({
    where: { format, day: beforeDay === undefined ? { gte: fromDay } : { gte: fromDay, lt: beforeDay } },
    select: { day: true, data: true, createdAt: true },
    orderBy: { day: "asc" },
  });
  return rows.map((r) => ({ day: r.day, data: r.data, storedAt: r.createdAt.getTime() }));
}

/**
 * Keeps a closed day's rollup; a day stored meanwhile (another instance) is overwritten with the same
 * figures. `createdAt` is when it was stored, also on an overwrite: the stored all-time aggregate
 * checks it. Returns that time (epoch ms).
 */
export async function storeRollup(day: string, format: number, data: string): Promise<number> {
  const createdAt = new Date();
  await db().telemetryRollup.upsert({
    where: { day },
    create: { day, format, data, createdAt },
    update: { format, data, createdAt },
  });
  return createdAt.getTime();
}

/**
 * How many days of this format are stored before `beforeDay`, and when the latest of them was
 * stored: a day deleted (a session deleted, a repair) or stored again since changes one of the two.
 */
export async function storedDaysStamp(
  format: number,
  beforeDay: string,
): Promise<{ days: number; last: number }> {
  const { _count, _max } = await db().telemetryRollup.aggregate({
    where: { format, day: { lt: beforeDay } },
    _count: { _all: true },
    _max: { createdAt: true },
  });
  return { days: _count._all, last: _max.createdAt?.getTime() ?? 0 };
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
