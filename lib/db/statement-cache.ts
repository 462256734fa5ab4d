import Database from "better-sqlite3";

/** Distinct SQL texts kept prepared per connection; past it the least recently used is let go. */
export const CACHED_STATEMENTS = 256;

type Native = Database.Statement<unknown[], unknown>;

/** What may be kept prepared: statements that read or write rows, and transaction control. */
const KEPT = /^\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * What Prisma's SQLite adapter does with a statement (`prepare(sql).bind(args)`, then `reader`,
 * `columns()`, `raw().all()` or `run()`), with the parameters kept here and handed to a statement
 * prepared once. A better-sqlite3 statement binds once for good (`bind()` may be called only once),
 * so the prepared one cannot be given to the adapter itself.
 */
class Run {
  #params: unknown[] = [];
  #raw = false;

  constructor(private readonly statement: Native) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  bind(...params: unknown[]): this {
    this.#params = params;
    return this;
  }

  raw(on = true): this {
    this.#raw = on;
    return this;
  }

  columns(): Database.ColumnDefinition[] {
    return this.statement.columns();
  }

  all(): unknown[] {
    // the mode is the statement's own, left as the last run set it: set it for this run
    return this.statement.raw(this.#raw).all(...this.#params);
  }

  get(): unknown {
    return this.statement.raw(this.#raw).get(...this.#params);
  }

  run(): Database.RunResult {
    return this.statement.run(...this.#params);
  }
}

/**
 * Keeps the connection's statements prepared. Prisma's SQLite adapter prepares every statement it
 * sends again (`client.prepare(sql)` per query): SQLite parses and plans the text each time, 10–25
 * µs a statement, ≈ 1.5 ms over a warm turn start's 21 (docs/benchmarks.md §27). The adapter takes
 * no cache and makes its connection itself, so the connection's `prepare` is replaced with one that
 * prepares each SQL text once (up to CACHED_STATEMENTS of them, least recently used let go) and
 * returns a `Run`.
 * Every value is still bound as a parameter; the text is the cache's key, never a value in it.
 *
 * A kept statement is only as good as the schema it was prepared against: SQLite prepares it again
 * when the schema changes, but better-sqlite3 keeps the columns it read the first time, so a kept
 * `SELECT *` would go on naming the old ones. Only statements that read or write rows, or mark a
 * transaction, are kept (KEPT, by their first word); any other (CREATE, ALTER, DROP, PRAGMA, …) is
 * prepared each time and lets every kept statement go, as does a script (`exec`, the migrations).
 * A schema changed by another connection reaches a kept statement that names its columns (every
 * statement Prisma and lib/db/queries send) through SQLite's own prepare-again.
 */
export function cacheStatements(connection: Database.Database): void {
  const prepare = connection.prepare.bind(connection) as (sql: string) => Native;
  const exec = connection.exec.bind(connection);
  const kept = new Map<string, Native>();
  const cached = (sql: string): Run => {
    if (!KEPT.test(sql)) {
      kept.clear();
      return new Run(prepare(sql));
    }
    let statement = kept.get(sql);
    if (statement) kept.delete(sql);
    else {
      statement = prepare(sql);
      if (kept.size >= CACHED_STATEMENTS) kept.delete(kept.keys().next().value as string);
    }
    kept.set(sql, statement);
    return new Run(statement);
  };
  connection.prepare = cached as unknown as Database.Database["prepare"];
  connection.exec = (script: string) => {
    kept.clear();
    return exec(script);
  };
}

/** The better-sqlite3 connection an adapter holds, if it holds one (Prisma's SQLite adapter does). */
export function connectionOf(adapter: object): Database.Database | null {
  const client: unknown = Reflect.get(adapter, "client");
  return client instanceof Database ? client : null;
}
