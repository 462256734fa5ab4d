import type { z } from "zod";
import { db, type Prisma } from "../client";
import { list, selectRows, sql } from "./driver-sql";

/**
 * Several settings' stored values, read in one statement: what a turn start needs was three reads
 * (the model, the workspace roots, then friction, prices and endpoint figures together). A key that
 * was asked for and is not in `values` was never saved. It is read when asked for and kept by the
 * one caller that asked, never shared between requests: a snapshot is as fresh as a read.
 */
export interface SettingsSnapshot {
  readonly keys: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, unknown>;
}

export async function readSettings(keys: readonly string[]): Promise<SettingsSnapshot> {
  // through the driver: a turn start's first read (lib/db/queries/driver-sql.ts)
  const rows = await selectRows(
    { key: "string", value: "string" },
    sql`SELECT "key", "value" FROM "Setting" WHERE "key" IN ${list(keys)}`,
  );
  const values = new Map<string, unknown>();
  for (const row of rows) {
    try {
      values.set(row.key, JSON.parse(row.value));
    } catch {
      // as a value of the wrong shape (readSetting): the caller falls back to its default
      console.error(`[ratchet] setting ${row.key} is not JSON and was ignored`);
    }
  }
  return { keys: new Set(keys), values };
}

/**
 * A setting's stored value, read through the schema its owner writes it with: undefined when it
 * was never saved, and also when what is stored does not fit the schema (written by hand or by a
 * version with another shape), so the caller falls back to its default instead of using it. From
 * `from` when it holds the key (read together with others), else read now.
 */
export async function readSetting<T>(
  key: string,
  schema: z.ZodType<T>,
  from?: SettingsSnapshot,
): Promise<T | undefined> {
  const stored = from?.keys.has(key)
    ? from.values.get(key)
    : (await db().setting.findUnique({ where: { key } }))?.value;
  if (stored === undefined) return undefined;
  const parsed = schema.safeParse(stored);
  if (parsed.success) return parsed.data;
  console.error(
    `[ratchet] setting ${key} is not in the expected shape and was ignored: ${parsed.error.message}`,
  );
  return undefined;
}

export async function writeSettings(values: Record<string, unknown>): Promise<void> {
  await db().$transaction(
    Object.entries(values).map(([key, value]) => {
      const json = value as Prisma.InputJsonValue;
      return db().setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    }),
  );
}
