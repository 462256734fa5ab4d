import path from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_LAUNCH, E2E } from "./e2e/support/constants";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: E2E.baseUrl,
    trace: "retain-on-failure",
    launchOptions: CHROMIUM_LAUNCH,
  },
  webServer: [
    {
      command: `node_modules/.bin/tsx e2e/support/fake-llm-cli.ts --port ${E2E.llmPort}`,
      url: `http://127.0.0.1:${E2E.llmPort}/v1/models`,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    {
      command: `rm -rf ${E2E.dataDir} ${E2E.skillsDir} && mkdir -p ${E2E.workspace} && cp -R skills ${E2E.skillsDir} && node scripts/start.mjs`,
      url: `${E2E.baseUrl}/api/health`,
      reuseExistingServer: false,
      timeout: 300_000,
      env: E2E.serverEnv({ port: E2E.port, dataDir: E2E.dataDir }),
      stdout: "pipe",
    },
  ],
  outputDir: path.join("test-results", "playwright"),
});
