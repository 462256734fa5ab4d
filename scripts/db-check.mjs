// npm run db:check: fails when either provider's migrations do not produce prisma/models.prisma.
// Each provider's migrations are applied to a throwaway database and Prisma compares the result
// with the models (`prisma migrate diff --exit-code`):
// - SQLite: `migrate deploy` into a temp file, `db pull --print`, then diff that schema with the
//   models (`--from-migrations` cannot work: better-sqlite3 runs one statement per call).
// - PostgreSQL: `migrate diff --from-migrations`, which replays the migrations in a temp database
//   on the test cluster (RATCHET_TEST_PG_URL, or a private one started here).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { bin } from "./lib.mjs";
import { findPgBin, startPgCluster } from "./pg-cluster.mjs";

const NO_DRIFT = 0;
const DRIFT = 2;

function prisma(args, databaseUrl) {
  const result = spawnSync(bin("prisma"), args, {
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
  });
  return { code: result.status ?? 1, stdout: result.stdout, output: result.stdout + result.stderr };
}

function mustSucceed(step, result) {
  if (result.code !== 0) throw new Error(`${step} failed:\n${result.output}`);
  return result;
}

/** Returns null when the migrations match the models, or Prisma's description of the difference. */
function diff(args, databaseUrl) {
  const result = prisma(["migrate", "diff", ...args, "--exit-code"], databaseUrl);
  if (result.code === NO_DRIFT) return null;
  if (result.code === DRIFT) return result.stdout.trim();
  throw new Error(`prisma migrate diff failed:\n${result.output}`);
}

function checkSqlite() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ratchet-db-check-"));
  try {
    const url = `file:${path.join(dir, "check.db")}`;
    mustSucceed("prisma migrate deploy", prisma(["migrate", "deploy"], url));
    const { stdout } = mustSucceed("prisma db pull", prisma(["db", "pull", "--print"], url));
    // --print writes warnings before the schema; the schema starts at its first file header.
    const start = stdout.search(/^(\/\/ |generator |datasource |model )/m);
    const pulled = path.join(dir, "schema.prisma");
    writeFileSync(pulled, stdout.slice(Math.max(start, 0)));
    return diff(["--from-schema-datamodel", pulled, "--to-schema-datamodel", "prisma/sqlite"], url);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onCluster(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function checkPostgres(clusterUrl) {
  const name = `ratchet_check_${randomBytes(6).toString("hex")}`;
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  await onCluster(clusterUrl, `CREATE DATABASE "${name}"`);
  try {
    return diff(
      ["--from-migrations", "prisma/postgres/migrations", "--to-schema-datamodel", "prisma/postgres"],
      url.toString(),
    );
  } finally {
    await onCluster(clusterUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

async function postgresCluster() {
  if (process.env.RATCHET_TEST_PG_URL) return { url: process.env.RATCHET_TEST_PG_URL, stop: () => {} };
  if (findPgBin()) return startPgCluster();
  const notice = "PostgreSQL is not installed (apt-get install postgresql)";
  if (process.env.CI === "true") throw new Error(`${notice}; CI checks both providers`);
  console.warn(`[db:check] ${notice}: skipping the PostgreSQL migrations`);
  return null;
}

const drifted = [];
const sqlite = checkSqlite();
if (sqlite) drifted.push(["sqlite", sqlite]);
const cluster = await postgresCluster();
if (cluster) {
  try {
    const postgres = await checkPostgres(cluster.url);
    if (postgres) drifted.push(["postgres", postgres]);
  } finally {
    cluster.stop();
  }
}

if (drifted.length > 0) {
  for (const [provider, description] of drifted) {
    console.error(
      `[db:check] prisma/${provider}/migrations do not match prisma/models.prisma:\n${description}\n`,
    );
  }
  console.error("Write the missing migrations with: npm run db:new-migration -- <name>");
  process.exit(1);
}
console.log(`[db:check] migrations match the models (${cluster ? "sqlite, postgres" : "sqlite"})`);
