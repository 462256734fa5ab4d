// Applies pending migrations (prisma migrate deploy) for the provider DATABASE_URL selects;
// the schema engine runs in JS through the driver adapter. Instances that start together take
// turns (lib/boot/migration-lock.ts): one migrates, the others wait and find nothing to do.
import { register } from "tsx/esm/api";

register();
const { migrateDeploy, MigrationError } = await import("../lib/db/migrate-deploy.ts");
const { withMigrationLock } = await import("../lib/boot/migration-lock.ts");
const { parseEnv, EnvError } = await import("../lib/env.ts");

let databaseUrl;
try {
  ({ databaseUrl } = parseEnv(process.env));
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(`[ratchet] ${error.message}`);
  process.exit(1);
}
try {
  const names = await withMigrationLock(
    databaseUrl,
    () => migrateDeploy({ ...process.env, DATABASE_URL: databaseUrl }),
    () => console.log("[ratchet] another instance is migrating the database; waiting for it…"),
  );
  console.log(
    names.length ? `[ratchet] database migrated: ${names.join(", ")}` : "[ratchet] database up to date",
  );
} catch (error) {
  if (!(error instanceof MigrationError)) throw error;
  console.error(`[ratchet] database migration failed:\n${error.output}`);
  process.exit(1);
}
