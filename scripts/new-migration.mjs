// Writes a migration for the difference between the committed models and the working copy:
//   npm run db:new-migration -- add_widgets
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(1);
}

const provider = "sqlite";
const schemaDir = path.join("prisma", provider);
const previous = mkdtempSync(path.join(os.tmpdir(), "ratchet-schema-"));
writeFileSync(
  path.join(previous, "schema.prisma"),
  execFileSync("git", ["show", `HEAD:${schemaDir}/schema.prisma`]),
);
writeFileSync(
  path.join(previous, "models.prisma"),
  execFileSync("git", ["show", "HEAD:prisma/models.prisma"]),
);

const sql = execFileSync(
  "node_modules/.bin/prisma",
  ["migrate", "diff", "--from-schema-datamodel", previous, "--to-schema-datamodel", schemaDir, "--script"],
  { encoding: "utf8" },
);
if (!sql.trim() || /This is an empty migration/.test(sql)) {
  console.log("No model changes since the last commit.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(schemaDir, "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${dir}/migration.sql`);
