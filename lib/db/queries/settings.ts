import type { z } from "zod";
import { db, type Prisma } from "../client";

/**
 * A setting's stored value, read through the schema its owner writes it with: undefined when it
 * was never saved, and also when what is stored does not fit the schema (written by hand or by a
 * version with another shape), so the caller falls back to its default instead of using it.
 */
export async function readSetting<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const row = await db().setting.findUnique({ where: { key } });
  if (!row) return undefined;
  const parsed = schema.safeParse(row.value);
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
