import { defineConfig } from "prisma/config";
import { postgresAdapter, sqliteAdapter } from "./lib/db/adapters";
import { parseEnv } from "./lib/env";

const { databaseUrl, databaseProvider } = parseEnv(process.env);
const folder = databaseProvider === "postgresql" ? "prisma/postgres" : "prisma/sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: folder,
  migrations: { path: `${folder}/migrations` },
  adapter: async () =>
    databaseProvider === "postgresql" ? postgresAdapter(databaseUrl) : sqliteAdapter(databaseUrl),
});
