// Applies pending migrations (prisma migrate deploy) for the provider DATABASE_URL selects;
// the schema engine runs in JS through the driver adapter.
import { register } from "tsx/esm/api";

register();
const { migrateDeploy, MigrationError } = await import("../lib/db/migrate-deploy.ts");

try {
  const names = await migrateDeploy();
  console.log(
    names.length ? `[ratchet] database migrated: ${names.join(", ")}` : "[ratchet] database up to date",
  );
} catch (error) {
  if (!(error instanceof MigrationError)) throw error;
  console.error(`[ratchet] database migration failed:\n${error.output}`);
  process.exit(1);
}
