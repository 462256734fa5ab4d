import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * One migrated SQLite database per test run, in a fresh temp folder (so parallel runs
 * cannot delete each other's database). Workers inherit the variable.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ratchet-vitest-"));
  process.env.RATCHET_DATA_DIR = dir;
  process.env.DATABASE_URL = "";
  execFileSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: process.env, stdio: "pipe" });
  return () => rmSync(dir, { recursive: true, force: true });
}
