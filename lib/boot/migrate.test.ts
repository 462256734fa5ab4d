import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDeploy } from "@/lib/db/migrate-deploy";
import { type AppliedRow, pendingFrom, pendingMigrations } from "@/lib/db/pending-migrations";
import { databaseProvider } from "@/lib/env";
import { tempDataDir } from "@/lib/testing/migrate";
import { MigrationError, migrate } from "./migrate";

const shared = process.env.DATABASE_URL ?? "";
const provider = databaseProvider(shared);
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const clean of cleanups) await clean();
});

/** An empty database of the project's provider: nothing applied yet. */
async function emptyDatabase(): Promise<string> {
  if (provider === "sqlite") {
    const dir = tempDataDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return `file:${path.join(dir, "ratchet.db")}`;
  }
  const cluster = process.env.RATCHET_TEST_PG_URL ?? "";
  const name = `ratchet_migrate_${randomBytes(6).toString("hex")}`;
  await sql(cluster, `CREATE DATABASE "${name}"`);
  cleanups.push(() => sql(cluster, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(cluster);
  url.pathname = `/${name}`;
  return url.toString();
}

async function sql(url: string, statement: string): Promise<void> {
  if (provider === "sqlite") {
    const db = new Database(path.resolve(url.replace(/^file:/, "")));
    db.exec(statement);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const folder = provider === "postgresql" ? "prisma/postgres/migrations" : "prisma/sqlite/migrations";
const everyMigration = readdirSync(folder, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

/** The real deploy, counted: a start with nothing pending must not run it. */
function countedDeploy() {
  const calls = { n: 0 };
  const deploy: typeof migrateDeploy = (env) => {
    calls.n++;
    return migrateDeploy(env);
  };
  return { calls, deploy };
}

describe("pendingFrom", () => {
  const row = (name: string, finished = true, rolledBack = false): AppliedRow => ({
    name,
    finished,
    rolledBack,
  });
  it.each([
    { case: "nothing applied", rows: [], pending: ["a", "b"] },
    { case: "all applied", rows: [row("a"), row("b")], pending: [] },
    { case: "one new migration", rows: [row("a")], pending: ["b"] },
    {
      case: "a rolled-back attempt, then applied",
      rows: [row("a", false, true), row("a"), row("b")],
      pending: [],
    },
    { case: "a rolled-back attempt only", rows: [row("a"), row("b", false, true)], pending: ["b"] },
    { case: "a failed migration: Prisma's to report", rows: [row("a"), row("b", false)], pending: null },
    { case: "applied rows the folder no longer has", rows: [row("a"), row("b"), row("old")], pending: [] },
  ])("$case", ({ rows, pending }) => {
    expect(pendingFrom(["a", "b"], rows)).toEqual(pending);
  });
});

describe("migrating at start", () => {
  it("applies every migration to an empty database, then skips Prisma while nothing is pending", async () => {
    const url = await emptyDatabase();
    expect(await pendingMigrations(url)).toEqual(everyMigration);
    const first = countedDeploy();
    const lines: string[] = [];
    expect(await migrate(url, (l) => lines.push(l), first.deploy)).toEqual(everyMigration);
    expect(first.calls.n).toBe(1);
    expect(await pendingMigrations(url)).toEqual([]);
    const again = countedDeploy();
    expect(await migrate(url, (l) => lines.push(l), again.deploy)).toEqual([]);
    expect(again.calls.n).toBe(0);
    expect(lines.at(-1)).toBe("[ratchet] database up to date");
  });

  // one migrated database for the two cases below, in this order
  let migrated = "";
  const last = everyMigration.at(-1) ?? "";

  it("leaves a failed migration to Prisma, which refuses to start over it", async () => {
    migrated = await emptyDatabase();
    await migrate(migrated, () => {});
    await sql(migrated, `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${last}'`);
    expect(await pendingMigrations(migrated)).toBeNull();
    const { calls, deploy } = countedDeploy();
    await expect(migrate(migrated, () => {}, deploy)).rejects.toBeInstanceOf(MigrationError);
    expect(calls.n).toBe(1);
  });

  it("a migration the database has not recorded is Prisma's to apply", async () => {
    await sql(migrated, `DELETE FROM _prisma_migrations WHERE migration_name = '${last}'`);
    expect(await pendingMigrations(migrated)).toEqual([last]);
    const { calls, deploy } = countedDeploy();
    // Prisma runs it again over tables that have it already: whether that succeeds is the migration's
    // business; that Prisma was asked is ours
    await migrate(migrated, () => {}, deploy).catch(() => {});
    expect(calls.n).toBe(1);
  });
});
