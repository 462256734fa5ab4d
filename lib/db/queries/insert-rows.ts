import { randomBytes } from "node:crypto";
import { db, driver } from "../client";
import { Prisma } from "../generated/sqlite/client";
import type { Adapter, Query } from "../statements";

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

/** How the driver binds a column's values: text as is, a Date as the provider's timestamp. */
export type ColumnKind = "string" | "int" | "datetime";

const NO_ARGS = { args: [], argTypes: [] };

export type Column = readonly [name: string, kind: ColumnKind];

/** Rows for one table, each row's values in `columns` order. */
export interface RowsWrite {
  table: string;
  columns: readonly Column[];
  rows: readonly (readonly unknown[])[];
  /** Rows per INSERT statement; all in one when not given. */
  rowsPerStatement?: number;
  /** A row whose `key` columns match one already there sets that row's `update` columns instead. */
  onConflict?: { key: readonly string[]; update: readonly string[] };
}

/**
 * Writes rows through the driver connection under Prisma's client, all or none: multi-row INSERTs,
 * in one transaction when there are several statements. For writes of large values (a command's
 * output flood, a tool's output in the transcript and the model request): Prisma's queries
 * serialize every argument to JSON for its query compiler (whose WebAssembly memory grows to the
 * largest and never shrinks) and back, several copies of each value, and its debug history keeps
 * them (below); the driver binds the values as they are (docs/benchmarks.md §19).
 * Throws the driver's error (see isUniqueViolation).
 */
export async function writeRows(...writes: RowsWrite[]): Promise<void> {
  const connection = await driver();
  const statements = writes.flatMap((write) => statementsOf(connection.provider, write));
  if (statements.length === 0) return;
  try {
    await run(connection, statements);
  } finally {
    // The adapters pass each query to @prisma/debug, which keeps the arguments of its last 100
    // calls, logging on or not: a flood's batches would stay reachable long after their write.
    for (const statement of statements) statement.args = [];
  }
}

function statementsOf(provider: string, write: RowsWrite): Query[] {
  const { table, columns, rows, onConflict } = write;
  const per = Math.max(1, write.rowsPerStatement ?? rows.length);
  const statements: Query[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const statement = insertStatement(provider, table, columns, rows.slice(i, i + per));
    if (onConflict) {
      const key = onConflict.key.map((name) => `"${name}"`).join(", ");
      const set = onConflict.update.map((name) => `"${name}" = excluded."${name}"`).join(", ");
      statement.sql += ` ON CONFLICT (${key}) DO UPDATE SET ${set}`;
    }
    statements.push(statement);
  }
  return statements;
}

async function run(connection: Adapter, statements: Query[]): Promise<void> {
  const [only] = statements;
  if (only && statements.length === 1) {
    await connection.executeRaw(only);
    return;
  }
  const tx = await connection.startTransaction();
  try {
    for (const statement of statements) await tx.executeRaw(statement);
    // both adapters leave COMMIT and ROLLBACK to their caller (no phantom queries)
    if (!tx.options.usePhantomQuery) await tx.executeRaw({ sql: "COMMIT", ...NO_ARGS });
    await tx.commit();
  } catch (error) {
    try {
      if (!tx.options.usePhantomQuery) await tx.executeRaw({ sql: "ROLLBACK", ...NO_ARGS });
    } finally {
      await tx.rollback();
    }
    throw error;
  }
}

function insertStatement(
  provider: string,
  table: string,
  columns: readonly Column[],
  rows: readonly (readonly unknown[])[],
): Query {
  const names = columns.map(([name]) => `"${name}"`).join(", ");
  const numbered = provider === "postgres";
  let n = 0;
  const tuples = rows.map(() => `(${columns.map(() => (numbered ? `$${++n}` : "?")).join(", ")})`);
  const argTypes = rows.flatMap(() =>
    columns.map(([, kind]) => ({ scalarType: kind, arity: "scalar" as const })),
  );
  return {
    sql: `INSERT INTO "${table}" (${names}) VALUES ${tuples.join(", ")}`,
    args: rows.flat(),
    argTypes,
  };
}

/** A row id in the shape of Prisma's cuid() default, for rows written without Prisma's create. */
export function newRowId(): string {
  return `c${Date.now().toString(36)}${randomBytes(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase()}`;
}

/**
 * A unique constraint refused the write: P2002 from Prisma's own queries; from a raw statement,
 * P2010 with the driver adapter's provider-neutral kind of the error; from writeRows, the driver
 * adapter's error itself.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Error && error.name === "DriverAdapterError")
    return adapterErrorKind({ driverAdapterError: error }) === "UniqueConstraintViolation";
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  return error.code === "P2010" && adapterErrorKind(error.meta) === "UniqueConstraintViolation";
}

function adapterErrorKind(meta: unknown): unknown {
  const field = (value: unknown, key: string): unknown =>
    typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return field(field(field(meta, "driverAdapterError"), "cause"), "kind");
}
