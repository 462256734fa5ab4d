import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDeploy } from "@/lib/db/migrate-deploy";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dataDir: string;
  }
}

/** A fresh data folder per run, so parallel runs cannot delete each other's files. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "ratchet-vitest-"));
}

/** Applies the provider's migrations with `prisma migrate deploy`, as `npm start` does. */
export async function migrate(databaseUrl: string): Promise<void> {
  await migrateDeploy({ ...process.env, DATABASE_URL: databaseUrl });
}
