// npm run db:backup [-- <file>]: a consistent copy of the live database, safe while Ratchet runs.
// SQLite: VACUUM INTO (never cp a WAL database); PostgreSQL: pg_dump --format=custom.
// Without a file name it writes <data dir>/backups/ratchet-<time>.db (or .dump). See docs/deploy.md.
import { register } from "tsx/esm/api";

register();
const { parseEnv, EnvError } = await import("../lib/env.ts");
const { backupDatabase, defaultBackupFile } = await import("../lib/boot/backup.ts");

let env;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(`[ratchet] ${error.message}`);
  process.exit(1);
}

const file = process.argv[2] ?? defaultBackupFile(env.databaseUrl, env.dataDir);
try {
  const backup = await backupDatabase(env.databaseUrl, file);
  console.log(
    `[ratchet] ${backup.provider} backup written: ${backup.file} (${(backup.bytes / 1e6).toFixed(1)} MB)`,
  );
} catch (error) {
  console.error(`[ratchet] backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
