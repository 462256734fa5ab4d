import { inject } from "vitest";

// Each vitest project (SQLite, PostgreSQL) migrates its own database in its global setup.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.RATCHET_DATA_DIR = inject("dataDir");
