import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { env } from "@/lib/env";
import { PrismaClient } from "./generated/sqlite/client";

export type Db = PrismaClient;

function createClient(): PrismaClient {
  const file = path.resolve(env().databaseUrl.replace(/^file:/, ""));
  mkdirSync(path.dirname(file), { recursive: true });
  // timeout is better-sqlite3's busy timeout: concurrent writers wait instead of failing with SQLITE_BUSY.
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file, timeout: 10_000 }) });
}

const store = globalThis as unknown as { __ratchetDb?: PrismaClient; __ratchetDbReady?: Promise<void> };

/** The process-wide Prisma client (one per process, survives dev hot reload). */
export function db(): PrismaClient {
  store.__ratchetDb ??= createClient();
  return store.__ratchetDb;
}

/** Applies connection pragmas once; WAL persists in the file, synchronous is per connection. */
export function dbReady(): Promise<void> {
  store.__ratchetDbReady ??= (async () => {
    await db().$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await db().$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    await db().$executeRawUnsafe("PRAGMA foreign_keys = ON");
  })();
  return store.__ratchetDbReady;
}
