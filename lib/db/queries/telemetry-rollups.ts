import "server-only";
import { db } from "../client";
import { selectRow, selectRows, sql } from "./driver-sql";
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
  // through the driver: a start reads ≈ 2 MB of them (30 days at 10M calls), which Prisma's client
  // would carry through its own result processing first (docs/benchmarks.md §23)
  const before = beforeDay === undefined ? sql`` : sql` AND "day" < ${beforeDay}`;
  const rows = await selectRows(
    { day: "string", data: "string", createdAt: "datetime" },
    sql`SELECT "day", "data", "createdAt" FROM "TelemetryRollup"
      WHERE "format" = ${format} AND "day" >= ${fromDay}${before} ORDER BY "day"`,
  );
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
  const row = await selectRow(
    { days: "int", last: "datetime?" },
    sql`SELECT COUNT(*), MAX("createdAt") FROM "TelemetryRollup" WHERE "format" = ${format} AND "day" < ${beforeDay}`,
  );
  return { days: row?.days ?? 0, last: row?.last?.getTime() ?? 0 };
}

/** Forgets stored days (all of them, or those in [fromDay, toDay]): they are computed again from the calls. */
export async function deleteStoredRollups(range?: { fromDay: string; toDay: string }): Promise<number> {
  const where = range ? { day: { gte: range.fromDay, lte: range.toDay } } : {};
  return (await db().telemetryRollup.deleteMany({ where })).count;
}

/** One day's stored rollup of this format (an open day's kept part), or null. */
export async function storedRollup(day: string, format: number): Promise<StoredRollup | null> {
  return selectRow(
    { day: "string", data: "string" },
    sql`SELECT "day", "data" FROM "TelemetryRollup" WHERE "day" = ${day} AND "format" = ${format}`,
  );
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
