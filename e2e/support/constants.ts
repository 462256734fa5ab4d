import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const llmPort = 4010;

export const E2E = {
  port: 3100,
  llmPort,
  baseUrl: "http://127.0.0.1:3100",
  token: "e2e-token-0123456789abcdef",
  dataDir: path.join(root, "test-results/e2e-data"),
  workspace: path.join(root, "test-results/e2e-workspace"),
  /** A copy of the shipped tools folder: approvals in tests must not write into the repository. */
  toolsDir: path.join(root, "test-results/e2e-tools"),
  /** The environment of an app server under test: the scripted model, a private data dir. */
  serverEnv({ port, dataDir }: { port: number; dataDir: string }): Record<string, string> {
    return {
      PORT: String(port),
      HOST: "127.0.0.1",
      RATCHET_DATA_DIR: dataDir,
      RATCHET_TOKEN: "e2e-token-0123456789abcdef",
      RATCHET_WORKSPACE: path.join(root, "test-results/e2e-workspace"),
      RATCHET_TOOLS_DIR: path.join(root, "test-results/e2e-tools"),
      OPENAI_BASE_URL: `http://127.0.0.1:${llmPort}/v1`,
      OPENAI_API_KEY: "sk-e2e-test-key-0000000000",
      RATCHET_MODEL: "fake-model",
      NEXT_TELEMETRY_DISABLED: "1",
    };
  },
};

/** Debian's Chromium where present (offline machines cannot download Playwright's); Playwright's own elsewhere. */
export const CHROMIUM_LAUNCH = {
  ...(existsSync("/usr/bin/chromium") ? { executablePath: "/usr/bin/chromium" } : {}),
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};
