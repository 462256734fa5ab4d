import { postgresAdapter } from "@/lib/db/adapters";
import { type Db, db } from "@/lib/db/client";
import { PrismaClient as PostgresClient } from "@/lib/db/generated/postgres/client";
import { databaseProvider } from "@/lib/env";

/**
 * The database client another app instance would use, for tests that play two instances in one
 * process. On PostgreSQL it has its own connection pool. On SQLite it is the process's client:
 * better-sqlite3 waits for a lock synchronously, so a second connection in the same process would
 * block the event loop the lock holder needs to commit (separate processes do not have that problem).
 */
export function otherInstanceClient(): { client: Db; close(): Promise<void> } {
  const url = process.env.DATABASE_URL ?? "";
  if (databaseProvider(url) !== "postgresql") return { client: db(), close: async () => {} };
  const client = new PostgresClient({ adapter: postgresAdapter(url) }) as unknown as Db;
  return { client, close: () => client.$disconnect() };
}
