import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseProvider } from "@/lib/env";

/**
 * Several instances starting together must migrate one at a time: the first applies the pending
 * migrations, the others wait and then find nothing to do. Prisma's own PostgreSQL advisory lock
 * gives up after 10 s (so a long migration failed the other instances' start), and on SQLite it has
 * none. This lock waits up to WAIT_MS and is released by the operating system or the database if
 * the migrating process dies.
 */
export const WAIT_MS = 15 * 60_000;
/** Our own advisory lock key ("ratchetm"), distinct from Prisma's 72707369. */
const PG_LOCK_KEY = "7377283406358898029";

async function withPostgresLock<T>(url: string, fn: () => Promise<T>, onWait: () => void): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tried = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [
      PG_LOCK_KEY,
    ]);
    if (!tried.rows[0]?.ok) {
      onWait();
      await client.query(`SET lock_timeout = ${WAIT_MS}`);
      await client.query("SELECT pg_advisory_lock($1::bigint)", [PG_LOCK_KEY]);
    }
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [PG_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "SQLITE_BUSY";
}

/** An exclusive transaction on a small side file next to the database: other processes' BEGIN EXCLUSIVE waits. */
async function withSqliteLock<T>(url: string, fn: () => Promise<T>, onWait: () => void): Promise<T> {
  const file = `${path.resolve(url.replace(/^file:/, ""))}.migrate-lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  const lock = new Database(file, { timeout: 0 });
  try {
    try {
      lock.exec("BEGIN EXCLUSIVE");
    } catch (error) {
      if (!isBusy(error)) throw error;
      onWait();
      // better-sqlite3 waits synchronously; this process has nothing else to do until it may migrate
      lock.pragma(`busy_timeout = ${WAIT_MS}`);
      lock.exec("BEGIN EXCLUSIVE");
    }
    try {
      return await fn();
    } finally {
      lock.exec("ROLLBACK");
    }
  } finally {
    lock.close();
  }
}

/** Runs `fn` (the migration) while no other process migrates the same database. */
export function withMigrationLock<T>(
  databaseUrl: string,
  fn: () => Promise<T>,
  onWait: () => void = () => {},
): Promise<T> {
  return databaseProvider(databaseUrl) === "postgresql"
    ? withPostgresLock(databaseUrl, fn, onWait)
    : withSqliteLock(databaseUrl, fn, onWait);
}
