import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { cacheStatements, connectionOf } from "./statement-cache";
import { countStatements } from "./statements";

const CHAR_OID = 18;
const NAME_OID = 19;
const TEXT_OID = 25;
const CATALOG_TEXT_TYPES = new Set([CHAR_OID, NAME_OID]);

interface RowDescription {
  fields: { dataTypeID: number }[];
}

/**
 * adapter-pg 6.19 rejects result columns of PostgreSQL's internal catalog types `name` and `"char"`
 * ("Column type 'name' could not be deserialized", prisma/orm#27403). The schema engine's catalog
 * queries return such columns, so `migrate deploy` and `db pull` fail. This client relabels them as
 * text when the row description arrives, before the adapter classifies the columns. A pool `types`
 * override cannot do it: the adapter passes its own parsers with every query and rejects the column
 * by its type id, not by its parser.
 */
class CatalogTypesAsTextClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.connection.prependListener("rowDescription", (message: RowDescription) => {
      for (const field of message.fields)
        if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    });
  }
}

/** allowExitOnIdle: the Prisma CLI never closes the pool, and idle connections would keep it alive for 10 s. */
export function postgresAdapter(url: string): PrismaPg {
  return countStatements(
    new PrismaPg({ connectionString: url, Client: CatalogTypesAsTextClient, allowExitOnIdle: true }),
  );
}

export function sqliteAdapter(url: string): PrismaBetterSQLite3 {
  const file = path.resolve(url.replace(/^file:/, ""));
  mkdirSync(path.dirname(file), { recursive: true });
  // timeout is better-sqlite3's busy timeout: concurrent writers wait instead of failing with SQLITE_BUSY.
  const factory = new PrismaBetterSQLite3({ url: file, timeout: 10_000 });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const connection = connectionOf(adapter);
    // statement-cache.test.ts fails if an adapter upgrade hides the connection; queries work without it
    if (connection) cacheStatements(connection);
    return adapter;
  };
  return countStatements(factory);
}
