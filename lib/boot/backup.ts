import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { databaseProvider } from "@/lib/env";

/**
 * Consistent backups of a live database. SQLite: VACUUM INTO, one snapshot while the server keeps
 * writing (a plain copy of a WAL database can miss the WAL or tear mid-checkpoint).
 * PostgreSQL: pg_dump's custom format, one consistent snapshot, restored with pg_restore.
 */
export interface Backup {
  file: string;
  provider: "sqlite" | "postgresql";
  bytes: number;
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, "-");
}

/** Where a backup goes when no file is named: <data dir>/backups/ratchet-<time>.<db|dump>. */
export function defaultBackupFile(databaseUrl: string, dataDir: string, now = new Date()): string {
  const ext = databaseProvider(databaseUrl) === "postgresql" ? "dump" : "db";
  return path.join(dataDir, "backups", `ratchet-${stamp(now)}.${ext}`);
}

/**
 * VACUUM INTO copies one consistent snapshot (a read transaction: the server keeps writing meanwhile)
 * into a new, compacted file. The incremental backup API would restart whenever the server wrote
 * between its steps, and may never finish during a busy turn.
 */
function backupSqlite(url: string, file: string): void {
  const source = new Database(path.resolve(url.replace(/^file:/, "")), {
    fileMustExist: true,
    timeout: 10_000,
  });
  try {
    source.prepare("VACUUM INTO ?").run(file);
  } finally {
    source.close();
  }
  const copy = new Database(file, { readonly: true });
  try {
    const check = copy.pragma("integrity_check", { simple: true });
    if (check !== "ok") throw new Error(`the backup in ${file} failed its integrity check: ${String(check)}`);
  } finally {
    copy.close();
  }
}

/** pg_dump from PATH, else the newest of Debian's /usr/lib/postgresql/<version>/bin. */
export function findPgDump(): string {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "pg_dump")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], "bin", "pg_dump");
  }
  return "pg_dump";
}

function backupPostgres(url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(findPgDump(), ["--format=custom", "--no-owner", "--file", file, "--dbname", url], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (error) =>
      reject(new Error(`could not run pg_dump (install the postgresql-client package): ${error.message}`)),
    );
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`pg_dump failed (${code}):\n${stderr}`)),
    );
  });
}

export async function backupDatabase(databaseUrl: string, file: string): Promise<Backup> {
  mkdirSync(path.dirname(file), { recursive: true });
  const provider = databaseProvider(databaseUrl);
  if (existsSync(file)) throw new Error(`${file} already exists; name a new file`);
  if (provider === "postgresql") await backupPostgres(databaseUrl, file);
  else backupSqlite(databaseUrl, file);
  return { file, provider, bytes: statSync(file).size };
}
