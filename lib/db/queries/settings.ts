import { db, type Prisma } from "../client";

export async function readSetting<T>(key: string): Promise<T | undefined> {
  const row = await db().setting.findUnique({ where: { key } });
  return row ? (row.value as T) : undefined;
}

export async function writeSettings(values: Record<string, unknown>): Promise<void> {
  await db().$transaction(
    Object.entries(values).map(([key, value]) => {
      const json = value as Prisma.InputJsonValue;
      return db().setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    }),
  );
}
