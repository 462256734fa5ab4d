import { randomBytes } from "node:crypto";
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

/** A row id in the shape of Prisma's cuid() default, for rows written without Prisma's create. */
export function newRowId(): string {
  return `c${Date.now().toString(36)}${randomBytes(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase()}`;
}

/**
 * A unique constraint refused the write: P2002 from Prisma's own queries; from a raw statement,
 * P2010 with the driver adapter's provider-neutral kind of the error.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  return error.code === "P2010" && adapterErrorKind(error.meta) === "UniqueConstraintViolation";
}

function adapterErrorKind(meta: unknown): unknown {
  const field = (value: unknown, key: string): unknown =>
    typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return field(field(field(meta, "driverAdapterError"), "cause"), "kind");
}
