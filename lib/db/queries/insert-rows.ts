import { db } from "../client";
import { Prisma } from "../generated/sqlite/client";

/**
 * Writes `rows` into `table` as one multi-row INSERT statement (both providers), each row's values in
 * `columns` order; resolves with the number of rows written. The batching telemetry recorder's
 * write (docs/benchmarks.md): one statement, however many rows, and no Prisma row objects.
 */
export function insertRows<T>(table: string, columns: readonly (keyof T & string)[], rows: readonly T[]) {
  const names = Prisma.raw(columns.map((c) => `"${c}"`).join(", "));
  const tuples = rows.map((row) => Prisma.sql`(${Prisma.join(columns.map((c) => row[c]))})`);
  return db().$executeRaw`INSERT INTO ${Prisma.raw(`"${table}"`)} (${names}) VALUES ${Prisma.join(tuples)}`;
}
