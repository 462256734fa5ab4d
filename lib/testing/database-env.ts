import { mkdirSync } from "node:fs";
import { inject } from "vitest";
import { testWorkspaceRoot } from "./workspace";

// Each vitest project (SQLite, PostgreSQL) migrates its own database in its global setup.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.RATCHET_DATA_DIR = inject("dataDir");
// Sessions work only inside workspace roots: tests make their workspaces with testWorkspace().
process.env.RATCHET_WORKSPACE_ROOTS = testWorkspaceRoot(inject("dataDir"));
mkdirSync(process.env.RATCHET_WORKSPACE_ROOTS, { recursive: true });
