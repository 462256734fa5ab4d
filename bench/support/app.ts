/**
 * The built app on a free loopback port with a private data dir, plus a logged-in Chromium page.
 * Reuses e2e/support/server.ts (startServer) and e2e/support/constants.ts (E2E.token).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "@playwright/test";
import { CHROMIUM_LAUNCH, E2E } from "../../e2e/support/constants";
import { type AppServer, startServer } from "../../e2e/support/server";
import { ROOT } from "./stats";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface BenchApp {
  server: AppServer;
  url: string;
  workspace: string;
  /** Bearer-authenticated JSON request to the app's API (no cookie, so no Origin check). */
  api<T>(method: string, route: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startApp(opts: { llmUrl: string; label: string }): Promise<BenchApp> {
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) {
    throw new Error(
      "No production build: run `NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build` first.",
    );
  }
  process.chdir(ROOT); // startServer runs node_modules/.bin/next and scripts/migrate.mjs relative to the repo
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `ratchet-bench-${opts.label}-`));
  const workspace = path.join(dataDir, "workspace");
  mkdirSync(workspace);
  const port = await freePort();
  const server = await startServer({
    port,
    dataDir,
    env: { OPENAI_BASE_URL: opts.llmUrl, RATCHET_WORKSPACE: workspace, RATCHET_MODEL: "bench-model" },
  });
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    server,
    url,
    workspace,
    async api<T>(method: string, route: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${E2E.token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BenchBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(app: BenchApp): Promise<BenchBrowser> {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  const context = await browser.newContext({ baseURL: app.url, viewport: { width: 1600, height: 1000 } });
  // tsx (esbuild keepNames) may wrap functions passed to page.evaluate in __name(...); make that a no-op there.
  await context.addInitScript("globalThis.__name = (f) => f;");
  const login = await context.request.post("/api/auth/login", { data: { token: E2E.token } });
  if (login.status() !== 200) throw new Error(`login failed: ${login.status()}`);
  return { browser, context, close: () => browser.close() };
}

/** Opens a session page and waits until its terminal exists and the event stream is live. */
export async function openSession(context: BrowserContext, sessionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`/sessions/${sessionId}`);
  await page.waitForFunction(() => window.__ratchetTerm !== undefined, undefined, { timeout: 30_000 });
  await page.getByTitle("Event stream").getByText("live").waitFor({ timeout: 30_000 });
  await page.getByTestId("session-status").getByText("idle").waitFor({ timeout: 30_000 });
  return page;
}

export async function waitForIdle(app: BenchApp, sessionId: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const session = await app.api<{ status: string }>("GET", `/api/sessions/${sessionId}`);
    if (session.status !== "running") return;
    if (Date.now() > until) throw new Error(`session ${sessionId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
