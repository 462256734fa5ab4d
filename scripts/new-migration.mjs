// Writes a migration for each provider (SQLite and PostgreSQL) for the difference between the
// committed prisma/models.prisma and the working copy:
//   npm run db:new-migration -- add_widgets
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bin } from "./lib.mjs";

const PROVIDERS = ["sqlite", "postgres"];

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(1);
}

const committedModels = execFileSync("git", ["show", "HEAD:prisma/models.prisma"]);
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const scratch = mkdtempSync(path.join(os.tmpdir(), "ratchet-schema-"));
let written = 0;
try {
  for (const provider of PROVIDERS) {
    const schemaDir = path.join("prisma", provider);
    const previous = path.join(scratch, provider);
    mkdirSync(previous);
    copyFileSync(path.join(schemaDir, "schema.prisma"), path.join(previous, "schema.prisma"));
    writeFileSync(path.join(previous, "models.prisma"), committedModels);
    const sql = execFileSync(
      bin("prisma"),
      [
        "migrate",
        "diff",
        "--from-schema-datamodel",
        previous,
        "--to-schema-datamodel",
        schemaDir,
        "--script",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    if (!sql.trim() || /This is an empty migration/.test(sql)) continue;
    const dir = path.join(schemaDir, "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    console.log(`Wrote ${dir}/migration.sql`);
    written++;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (written === 0) console.log("No model changes since the last commit.");
