import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseProvider } from "@/lib/env";

/**
 * Which of the repository's migrations the database has not applied, read in-process in a few
 * milliseconds, so a start with nothing to apply skips `prisma migrate deploy` (a separate process
 * that loads the schema engine: about 1.4 s on every start). It answers only what it can be sure of:
 * `null` ("ask Prisma") for a failed or half-applied migration, or a table it cannot read, so every
 * case that needs Prisma's judgement still gets it.
 */
export async function pendingMigrations(databaseUrl: string, root = process.cwd()): Promise<string[] | null> {
  const provider = databaseProvider(databaseUrl);
  // Prisma's `schema=` parameter moves its tables out of the default search path: Prisma's to read
  if (provider === "postgresql" && new URL(databaseUrl).searchParams.has("schema")) return null;
  const folder = path.join(
    root,
    provider === "postgresql" ? "prisma/postgres" : "prisma/sqlite",
    "migrations",
  );
  const wanted = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(folder, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort();
  const rows = provider === "postgresql" ? await postgresRows(databaseUrl) : sqliteRows(databaseUrl);
  if (rows === "unknown") return null;
  if (rows === "no table") return wanted;
  return pendingFrom(wanted, rows);
}

export interface AppliedRow {
  name: string;
  finished: boolean;
  rolledBack: boolean;
}

/** The rule, apart from the reading: a failed migration (started, neither finished nor rolled back) is Prisma's to report. */
export function pendingFrom(wanted: string[], rows: AppliedRow[]): string[] | null {
  if (rows.some((r) => !r.finished && !r.rolledBack)) return null;
  const applied = new Set(rows.filter((r) => r.finished && !r.rolledBack).map((r) => r.name));
  return wanted.filter((name) => !applied.has(name));
}

type Read = AppliedRow[] | "no table" | "unknown";

const QUERY =
  "SELECT migration_name AS name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations";

function sqliteRows(url: string): Read {
  const file = path.resolve(url.replace(/^file:/, ""));
  if (!existsSync(file)) return "no table";
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!table) return "no table";
    const rows = db.prepare(QUERY).all() as { name: string; finished: number; rolled_back: number }[];
    return rows.map((r) => ({ name: r.name, finished: r.finished === 1, rolledBack: r.rolled_back === 1 }));
  } catch {
    return "unknown";
  } finally {
    db?.close();
  }
}

async function postgresRows(url: string): Promise<Read> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const table = await client.query<{ found: string | null }>(
      "SELECT to_regclass('_prisma_migrations')::text AS found",
    );
    if (!table.rows[0]?.found) return "no table";
    const rows = await client.query<{ name: string; finished: boolean; rolled_back: boolean }>(QUERY);
    return rows.rows.map((r) => ({ name: r.name, finished: r.finished, rolledBack: r.rolled_back }));
  } catch {
    return "unknown";
  } finally {
    await client.end().catch(() => {});
  }
}
