import "server-only";
import { env } from "@/lib/env";
import { processState } from "@/lib/process-state";
import { postgresAdapter, sqliteAdapter } from "./adapters";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { PrismaClient as SqliteClient, type Prisma as SqlitePrisma } from "./generated/sqlite/client";
import { type Adapter, connectedDriver } from "./statements";

/** The client type for either provider: both are generated from the same prisma/models.prisma. */
export type Db = SqliteClient;
export type { SqlitePrisma as Prisma };

function createClient(): Db {
  const { databaseUrl, databaseProvider } = env();
  if (databaseProvider === "postgresql") {
    // TypeScript cannot relate the deferred conditional types of two separately generated clients;
    // models.test.ts proves at compile time that both have the same models, columns and types.
    return new PostgresClient({ adapter: postgresAdapter(databaseUrl) }) as unknown as Db;
  }
  return new SqliteClient({ adapter: sqliteAdapter(databaseUrl) });
}

/** The process-wide Prisma client (one per process, survives dev hot reload). */
export const db = processState("db.client", createClient);

/** Applies SQLite's connection pragmas once; WAL persists in the file, synchronous is per connection. */
export const dbReady = processState("db.ready", async () => {
  if (env().databaseProvider !== "sqlite") return;
  await db().$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db().$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db().$executeRawUnsafe("PRAGMA foreign_keys = ON");
});

/**
 * The driver connection under `db()` (the same connection, its transactions behind the same lock),
 * for bulk writes where Prisma's own work on the arguments is the cost: lib/db/queries/insert-rows.ts.
 */
export async function driver(): Promise<Adapter> {
  if (!connectedDriver()) await db().$connect();
  const adapter = connectedDriver();
  if (!adapter) throw new Error("The database driver did not connect.");
  return adapter;
}
