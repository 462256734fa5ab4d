import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate, tempDataDir } from "./migrate";
import { testWorkspaceRoot } from "./workspace";

async function onCluster(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * One fresh, migrated database per test run on the PostgreSQL cluster named by
 * RATCHET_TEST_PG_URL (scripts/test.mjs starts a private one), dropped afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const clusterUrl = process.env.RATCHET_TEST_PG_URL;
  if (!clusterUrl) throw new Error("RATCHET_TEST_PG_URL is not set");
  const name = `ratchet_test_${randomBytes(6).toString("hex")}`;
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await onCluster(clusterUrl, `CREATE DATABASE "${name}"`);
  const dataDir = tempDataDir();
  try {
    await migrate(databaseUrl);
  } catch (error) {
    await onCluster(clusterUrl, `DROP DATABASE "${name}"`);
    throw error;
  }
  project.provide("databaseUrl", databaseUrl);
  project.provide("dataDir", dataDir);
  return async () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(testWorkspaceRoot(dataDir), { recursive: true, force: true });
    await onCluster(clusterUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
}
