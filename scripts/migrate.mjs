// Applies pending migrations (prisma migrate deploy) for the provider DATABASE_URL selects;
// the schema engine runs in JS through the driver adapter. Nothing pending: one read, no Prisma.
import { register } from "tsx/esm/api";

register();
const { migrate, MigrationError } = await import("../lib/boot/migrate.ts");
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
  await migrate(databaseUrl);
} catch (error) {
  if (!(error instanceof MigrationError)) throw error;
  console.error(`[ratchet] database migration failed:\n${error.output}`);
  process.exit(1);
}
