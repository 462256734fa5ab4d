import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrate, tempDataDir } from "./migrate";

/**
 * A freshly migrated database for one test file, in the provider of its project. For a file whose
 * checks compare whole tables ("this call changed nothing"): the project's shared database is
 * written at the same moment by test files running in parallel. Call it before anything opens the
 * database (module scope, before the first query); the returned function drops it.
 */
export async function openPrivateDatabase(): Promise<() => Promise<void>> {
  const shared = process.env.DATABASE_URL ?? "";
  if (!shared.startsWith("postgres")) {
    const dir = tempDataDir();
    const url = `file:${path.join(dir, "ratchet.db")}`;
    await migrate(url);
    process.env.DATABASE_URL = url;
    return async () => rmSync(dir, { recursive: true, force: true });
  }
  const cluster = process.env.RATCHET_TEST_PG_URL;
  if (!cluster) throw new Error("RATCHET_TEST_PG_URL is not set");
  const name = `ratchet_private_${randomBytes(6).toString("hex")}`;
  const onCluster = async (sql: string) => {
    const client = new pg.Client({ connectionString: cluster });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onCluster(`CREATE DATABASE "${name}"`);
  const url = new URL(cluster);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  process.env.DATABASE_URL = url.toString();
  return () => onCluster(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
