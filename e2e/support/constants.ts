import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Where the apps under test let sessions work: outside the checkout, since Ratchet refuses a
 * workspace inside its own app folder, and one folder per checkout so that two checkouts' suites
 * never share one.
 */
const scratch = path.join(
  os.tmpdir(),
  `ratchet-e2e-${createHash("sha256").update(root).digest("hex").slice(0, 12)}`,
);
const workspace = path.join(scratch, "e2e-workspace");

/** A port from the environment (so a second checkout can run its suite beside this one), else the default. */
function portFromEnv(name: string, fallback: number): number {
  const value = Number.parseInt(process.env[name] ?? "", 10);
  return Number.isInteger(value) && value > 0 && value < 65_536 ? value : fallback;
}

const port = portFromEnv("RATCHET_E2E_PORT", 3100);
const llmPort = portFromEnv("RATCHET_E2E_LLM_PORT", 4010);

export const E2E = {
  port,
  llmPort,
  baseUrl: `http://127.0.0.1:${port}`,
  token: "e2e-token-0123456789abcdef0123456789",
  dataDir: path.join(root, "test-results/e2e-data"),
  /** The one workspace root of the shared app server (outside the checkout). */
  workspace,
  /**
   * Where the app writes the tools approved in tests: the default, `<data dir>/tools`. The starters
   * are loaded from the repository's own tools/, which nothing writes.
   */
  toolsDir: path.join(root, "test-results/e2e-data/tools"),
  /** A copy of the shipped skills folder: edits in tests must not write into the repository. */
  skillsDir: path.join(root, "test-results/e2e-skills"),
  /** The environment of an app server under test: the scripted model, a private data dir. */
  serverEnv({ port, dataDir }: { port: number; dataDir: string }): Record<string, string> {
    return {
      PORT: String(port),
      HOST: "127.0.0.1",
      RATCHET_DATA_DIR: dataDir,
      RATCHET_TOKEN: "e2e-token-0123456789abcdef0123456789",
      RATCHET_WORKSPACE: workspace,
      RATCHET_WORKSPACE_ROOTS: workspace,
      RATCHET_SKILLS_DIR: path.join(root, "test-results/e2e-skills"),
      OPENAI_BASE_URL: `http://127.0.0.1:${llmPort}/v1`,
      OPENAI_API_KEY: "sk-e2e-test-key-0000000000",
      RATCHET_MODEL: "fake-model",
      NEXT_TELEMETRY_DISABLED: "1",
    };
  },
};

/**
 * The security suite (e2e/security) starts its own app servers and scripted model servers, one pair
 * per spec file: app servers from RATCHET_SEC_APP_PORT (default 3300), model servers from
 * RATCHET_SEC_LLM_PORT (default 4300), each spec at its own offset.
 */
export const SECURITY = {
  appPort: (offset: number) => portFromEnv("RATCHET_SEC_APP_PORT", 3300) + offset,
  llmPort: (offset: number) => portFromEnv("RATCHET_SEC_LLM_PORT", 4300) + offset,
  /** Private folders of the security suite, under test-results/. */
  dir: (name: string) => path.join(root, "test-results", "e2e-security", name),
  /** A spec's folders outside the checkout (its workspace root and anything a session works in). */
  scratch: (name: string) => path.join(scratch, "security", name),
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
