import { env } from "@/lib/env";
import { type Db, driver } from "../client";
import type { Query } from "../statements";

/**
 * Statements sent straight to the driver connection under Prisma's client, for the turn start's
 * hot path. A Prisma query costs 0.7–2 ms of CPU (its client and its query compiler in
 * WebAssembly) where the same point read costs 0.05–0.1 ms through the driver
 * (docs/benchmarks.md §23); a turn start sent about twenty. The SQL is written once for both
 * providers (quoted identifiers, `?` placeholders numbered `$n` for PostgreSQL) and every value is
 * bound as a parameter, never spliced into the text.
 *
 * Same connection and same transaction lock as Prisma's own queries (lib/db/client.ts `driver`).
 */

/** A parameter's value as the drivers bind it. */
export type SqlValue = string | number | boolean | Date | null;

/** SQL text with its parameters, built by the `sql` tag; fragments nest. */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly (SqlValue | Sql)[],
  ) {}
}

/**
 * `sql\`SELECT … WHERE "id" = ${id}\``: every interpolated value becomes a parameter; a nested
 * `Sql` (another `sql` fragment, `list`, `trusted`) is spliced in with its own parameters.
 */
export function sql(strings: TemplateStringsArray, ...values: (SqlValue | Sql)[]): Sql {
  return new Sql([...strings], values);
}

/** `(?, ?, ?)` for `IN`: one parameter per value. An empty list matches nothing (`IN (NULL)`). */
export function list(values: readonly SqlValue[]): Sql {
  if (values.length === 0) return trusted("(NULL)");
  return new Sql(["(", ...values.slice(1).map(() => ", "), ")"], values);
}

/** Text written in the code (a column list, a table name): never a value from outside. */
export function trusted(text: string): Sql {
  return new Sql([text], []);
}

/**
 * A statement composed with Prisma's `Prisma.sql` (the telemetry statements, built from shared
 * fragments), sent through the driver like the others. Its values were bound as parameters there
 * too; one of a kind the drivers do not take is refused here.
 */
export function fromPrisma(query: { strings: readonly string[]; values: readonly unknown[] }): Sql {
  const values = query.values.map((value): SqlValue => {
    if (value === null || value instanceof Date) return value;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    throw new Error(`a statement parameter of type ${typeof value} cannot be bound`);
  });
  return new Sql(query.strings, values);
}

/** The statement for the connected provider: `?` for SQLite, `$1…` for PostgreSQL. */
export function render(query: Sql, provider: string): Query {
  const args: unknown[] = [];
  const argTypes: Query["argTypes"] = [];
  const numbered = provider === "postgres";
  const walk = (part: Sql): string => {
    let text = part.strings[0] ?? "";
    part.values.forEach((value, i) => {
      if (value instanceof Sql) text += walk(value);
      else {
        args.push(value);
        argTypes.push({ scalarType: scalarTypeOf(value), arity: "scalar" });
        text += numbered ? `$${args.length}` : "?";
      }
      text += part.strings[i + 1] ?? "";
    });
    return text;
  };
  return { sql: walk(query), args, argTypes };
}

function scalarTypeOf(value: SqlValue): Query["argTypes"][number]["scalarType"] {
  if (value instanceof Date) return "datetime";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "boolean") return "boolean";
  return value === null ? "unknown" : "string";
}

/** What a column is read as. JSON columns come back as text on both providers: read them as `string`. */
export type ColumnKind = "string" | "int" | "float" | "bool" | "datetime";
/** A column's kind, `?` when it may be NULL. */
export type ColumnType = ColumnKind | `${ColumnKind}?`;
/** The columns a statement returns, in order, by the names they are read as. */
export type Shape = Readonly<Record<string, ColumnType>>;

type KindValue<K> = K extends "string"
  ? string
  : K extends "int" | "float"
    ? number
    : K extends "bool"
      ? boolean
      : K extends "datetime"
        ? Date
        : never;
type ColumnValue<C> = C extends `${infer K}?` ? KindValue<K> | null : KindValue<C>;
export type RowOf<S extends Shape> = { -readonly [K in keyof S]: ColumnValue<S[K]> };

/** `"a", "b", …` for a shape's columns, each prefixed with `alias.` when given. */
export function columns(shape: Shape, alias?: string): Sql {
  const prefix = alias ? `"${alias}".` : "";
  return trusted(
    Object.keys(shape)
      .map((name) => `${prefix}"${name}"`)
      .join(", "),
  );
}

/**
 * The rows a SELECT returns, read by `shape`: its columns must be selected in the shape's order
 * (`columns(shape)`). A value that is not what its column says (a NULL in a column that may not be
 * NULL, text in a number) throws rather than reaching the caller as something else.
 */
export async function selectRows<S extends Shape>(shape: S, query: Sql): Promise<RowOf<S>[]> {
  const connection = await driver();
  const result = await connection.queryRaw(render(query, connection.provider));
  const names = Object.keys(shape);
  if (result.columnNames.length !== names.length)
    throw new Error(`expected ${names.length} columns, the statement returned ${result.columnNames.length}`);
  const types = names.map((name) => shape[name] as ColumnType);
  return result.rows.map((row) => {
    const out: Record<string, unknown> = {};
    names.forEach((name, i) => {
      out[name] = readValue(row[i], types[i] as ColumnType, name);
    });
    return out as RowOf<S>;
  });
}

/** The first row, or null. */
export async function selectRow<S extends Shape>(shape: S, query: Sql): Promise<RowOf<S> | null> {
  return (await selectRows(shape, query))[0] ?? null;
}

/** Runs a statement that returns no rows; resolves with how many rows it changed. */
export async function execute(query: Sql): Promise<number> {
  const connection = await driver();
  return connection.executeRaw(render(query, connection.provider));
}

/** Stored JSON text read back; text that does not parse reads as undefined (no value of any shape). */
export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The same statement through another Prisma client: tests that play a second instance in one
 * process give it a client of its own, on the provider this process uses.
 */
export function executeWith(client: Db, query: Sql): Promise<number> {
  const { sql: text, args } = render(query, env().databaseProvider === "postgresql" ? "postgres" : "sqlite");
  return client.$executeRawUnsafe(text, ...args);
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

function readValue(value: unknown, type: ColumnType, name: string): unknown {
  const nullable = type.endsWith("?");
  if (value === null || value === undefined) {
    if (nullable) return null;
    throw new Error(`column ${name} is NULL`);
  }
  const kind = (nullable ? type.slice(0, -1) : type) as ColumnKind;
  switch (kind) {
    case "string":
      if (typeof value === "string") return value;
      break;
    case "int":
    case "float": {
      // SQLite's adapter returns integers as text (read as BigInt, then turned into strings), as
      // PostgreSQL's returns 64-bit integers and numerics
      // only a number's own spelling: Number() would also take "", " ", "0x1f" and "Infinity"
      const n =
        typeof value === "number"
          ? value
          : typeof value === "string" && NUMBER.test(value)
            ? Number(value)
            : Number.NaN;
      if (Number.isFinite(n)) return n;
      break;
    }
    case "bool":
      // SQLite stores booleans as 0 and 1, which its adapter returns as text (it reads integers as
      // BigInt, and turns those into strings)
      if (typeof value === "boolean") return value;
      if (value === 0 || value === "0" || value === 1 || value === "1") return value === 1 || value === "1";
      break;
    case "datetime":
      return readDate(value, name);
  }
  throw new Error(`column ${name} is not ${kind}: ${typeof value}`);
}

/**
 * Both adapters return timestamps as ISO text with an offset (`…T19:49:18.123+00:00`); a row
 * written by SQLite's `CURRENT_TIMESTAMP` default has `YYYY-MM-DD HH:MM:SS`, which is UTC, and a
 * file written with the `unixepoch-ms` format has milliseconds.
 */
function readDate(value: unknown, name: string): Date {
  let date: Date | null = null;
  if (typeof value === "number") date = new Date(value);
  else if (typeof value === "string") {
    const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value.replace(" ", "T")}Z`;
    date = new Date(zoned);
  }
  if (date && !Number.isNaN(date.getTime())) return date;
  throw new Error(`column ${name} is not a timestamp: ${String(value)}`);
}
