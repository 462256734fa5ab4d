/**
 * JavaScript the Telemetry page loads: at first load (the scripts the server-rendered HTML names)
 * and later (chunks loaded after hydration: the charts), gzipped. Goal: first load ≤ 300 KB gzipped.
 *
 *   node_modules/.bin/tsx bench/telemetry-page-js.ts [--database-url file:/path/seeded.db] [--screenshot path.png]
 *
 * Runs the production build (.next) on a free port with a private data dir (or the given database).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH, E2E } from "../e2e/support/constants";
import { type AppServer, startServer } from "../e2e/support/server";
import { freePort } from "./support/app";
import { deadline, ROOT, round, writeResult } from "./support/stats";

const GOAL_KB = 300;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

let server: AppServer | null = null;
let dataDir: string | null = null;
const cleanup = async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
};
deadline(110_000, "telemetry-page-js", cleanup);

process.chdir(ROOT);
dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-telemetry-js-"));
const databaseUrl = arg("database-url");
const port = await freePort();
server = await startServer({
  port,
  dataDir,
  env: { RATCHET_WORKSPACE: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
});
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
  // with --screenshot, a viewport tall enough for the whole page (the app scrolls inside <main>)
  const height = arg("screenshot") ? 4400 : 1000;
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height } });
  const login = await context.request.post("/api/auth/login", { data: { token: E2E.token } });
  if (login.status() !== 200) throw new Error(`login failed: ${login.status()}`);
  const page = await context.newPage();
  const scripts = new Map<string, { raw: number; gzip: number }>();
  page.on("response", async (response) => {
    const url = response.url();
    if (response.request().resourceType() !== "script" || !url.startsWith(server?.url ?? "")) return;
    const body = await response.body().catch(() => null);
    if (body) scripts.set(new URL(url).pathname, { raw: body.length, gzip: gzipSync(body).length });
  });
  const started = performance.now();
  const html = await (await context.request.get("/telemetry")).text();
  await page.goto("/telemetry", { waitUntil: "load" });
  const loadedMs = performance.now() - started;
  await page.waitForLoadState("networkidle");
  // the lazily loaded charts have drawn once their SVG has paths
  await page
    .locator("[data-testid=chart-calls] svg path, [data-testid=telemetry-empty]")
    .first()
    .waitFor({ timeout: 30_000 });
  const screenshot = arg("screenshot");
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  const initial = new Set(
    [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+\.js[^"]*)"/g)].map(
      (m) => new URL(m[1] ?? "", server?.url).pathname,
    ),
  );
  let firstRaw = 0;
  let firstGzip = 0;
  let lazyRaw = 0;
  let lazyGzip = 0;
  for (const [file, size] of scripts) {
    if (initial.has(file)) {
      firstRaw += size.raw;
      firstGzip += size.gzip;
    } else {
      lazyRaw += size.raw;
      lazyGzip += size.gzip;
    }
  }
  const kb = (bytes: number) => round(bytes / 1000, 1);
  const result = {
    firstLoad: {
      files: [...scripts.keys()].filter((f) => initial.has(f)).length,
      rawKB: kb(firstRaw),
      gzipKB: kb(firstGzip),
    },
    lazy: {
      files: [...scripts.keys()].filter((f) => !initial.has(f)).length,
      rawKB: kb(lazyRaw),
      gzipKB: kb(lazyGzip),
    },
    loadEventMs: round(loadedMs, 0),
    database: databaseUrl ? "seeded" : "empty",
    goal: { firstLoadGzipKB: GOAL_KB, met: firstGzip / 1000 <= GOAL_KB },
  };
  console.log(
    `telemetry page JS: first load ${result.firstLoad.gzipKB} KB gzipped (${result.firstLoad.rawKB} KB raw, ${result.firstLoad.files} files); charts loaded later ${result.lazy.gzipKB} KB gzipped (${result.lazy.files} files); goal ≤ ${GOAL_KB} KB: ${result.goal.met ? "met" : "missed"}`,
  );
  console.log(`wrote ${writeResult("telemetry-page-js", result)}`);
} finally {
  await browser.close();
  await cleanup();
}
process.exit(0);
