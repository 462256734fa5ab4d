import { MigrationError, migrateDeploy } from "@/lib/db/migrate-deploy";
import { pendingMigrations } from "@/lib/db/pending-migrations";
import { withMigrationLock } from "./migration-lock";

export { MigrationError };

/**
 * Brings the database up to date before the app starts. With nothing pending (every restart but the
 * first after an upgrade) it costs one read of `_prisma_migrations`; otherwise Prisma applies the
 * pending migrations while this process holds the migration lock, so instances starting together
 * take turns.
 */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = console.log,
  deploy: typeof migrateDeploy = migrateDeploy,
): Promise<string[]> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending?.length === 0) {
    log("[ratchet] database up to date");
    return [];
  }
  const names = await withMigrationLock(
    databaseUrl,
    () => deploy({ ...process.env, DATABASE_URL: databaseUrl }),
    () => log("[ratchet] another instance is migrating the database; waiting for it…"),
  );
  log(names.length ? `[ratchet] database migrated: ${names.join(", ")}` : "[ratchet] database up to date");
  return names;
}
