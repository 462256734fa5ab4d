import { rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate, tempDataDir } from "./migrate";
import { testWorkspaceRoot } from "./workspace";

/** One migrated SQLite database per test run, in a fresh temp folder. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dataDir = tempDataDir();
  const databaseUrl = `file:${path.join(dataDir, "ratchet.db")}`;
  await migrate(databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("dataDir", dataDir);
  return () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(testWorkspaceRoot(dataDir), { recursive: true, force: true });
  };
}
