import path from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/** Tests that talk to the database; with RATCHET_TEST_PG_URL they run on PostgreSQL as well. */
const DATABASE_TESTS = [
  "lib/db/**/*.test.ts",
  "lib/events/**/*.test.ts",
  "lib/agent/runner.test.ts",
  "lib/agent/turn-statements.test.ts",
  "lib/agent/warm.test.ts",
  "lib/agent/lease.test.ts",
  "lib/evaluation/engine.test.ts",
  "lib/evaluation/run-evaluations.test.ts",
  "lib/auth/**/*.test.ts",
  "lib/team/**/*.test.ts",
  "lib/boot/**/*.test.ts",
  "lib/permissions/asks.test.ts",
  "lib/mcp/**/*.test.ts",
];

function project(name: string, include: string[], globalSetup: string): TestProjectInlineConfiguration {
  return { extends: true, test: { name, include, globalSetup: [globalSetup] } };
}

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "lib/testing/empty-module.ts"),
    },
  },
  test: {
    environment: "node",
    setupFiles: ["lib/testing/database-env.ts"],
    env: { RATCHET_TOKEN: "unit-test-token-0123456789abcdef0123" },
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      project(
        "sqlite",
        ["lib/**/*.test.ts", "components/**/*.test.ts", "e2e/support/**/*.test.ts", "scripts/**/*.test.ts"],
        "lib/testing/global-setup.ts",
      ),
      ...(process.env.RATCHET_TEST_PG_URL
        ? [project("postgres", DATABASE_TESTS, "lib/testing/pg-global-setup.ts")]
        : []),
    ],
  },
});
