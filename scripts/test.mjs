// npm test: lint, typecheck, unit tests, production build, end-to-end tests in Chromium.
// Ends with one summary line: "tests: N passed, N failed".
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { bin, run } from "./lib.mjs";
import { findPgBin, startPgCluster } from "./pg-cluster.mjs";
import { ensureSystemPackages } from "./system-packages.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
mkdirSync("test-results", { recursive: true });
const only = process.argv[2];

function count(file, read) {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  return read(JSON.parse(readFileSync(file, "utf8")));
}

async function step(name, fn) {
  const started = Date.now();
  console.log(`\n── ${name}`);
  await fn();
  console.log(`── ${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/**
 * The database checks and tests run on SQLite and, through a private cluster, on PostgreSQL.
 * Without PostgreSQL installed the PostgreSQL half is skipped with a notice, except in CI.
 */
async function postgres() {
  if (process.env.RATCHET_TEST_PG_URL) return;
  if (!findPgBin()) {
    const notice = "PostgreSQL is not installed (apt-get install postgresql)";
    if (process.env.CI === "true") throw new Error(`${notice}; CI tests both database providers`);
    console.warn(`\n[ratchet] ${notice}: skipping the PostgreSQL database tests`);
    return;
  }
  const cluster = await startPgCluster();
  console.log(`\n[ratchet] PostgreSQL test cluster at ${cluster.url}`);
  process.env.RATCHET_TEST_PG_URL = cluster.url;
}

let failure;
ensureSystemPackages(only === "static" ? [] : only === "unit" ? ["sandbox"] : ["sandbox", "test"]);
try {
  if (!only || only === "static" || only === "unit") await postgres();
  if (!only || only === "static") {
    await step("lint (biome)", () => run(bin("biome"), ["check", "."]));
    await step("typecheck (tsc)", () => run(bin("tsc"), ["--noEmit"]));
    await step("layers (lib/db imports no domain; no folders import each other)", () =>
      run(bin("tsx"), ["scripts/layers.ts"]),
    );
    await step("migrations match the models (db:check)", () =>
      run(process.execPath, ["scripts/db-check.mjs"]),
    );
  }
  if (!only || only === "unit") {
    await step("unit tests (vitest)", () =>
      run(bin("vitest"), [
        "run",
        "--reporter=default",
        "--reporter=json",
        "--outputFile.json=test-results/vitest.json",
      ]),
    );
  }
  if (!only || only === "e2e") {
    await step("build (next build)", () => run(bin("next"), ["build"]));
    await step("end-to-end tests (playwright)", () =>
      run(bin("playwright"), ["test", "--reporter=list,json"], {
        env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: "test-results/playwright.json" },
      }),
    );
  }
} catch (error) {
  failure = error;
}

const unit = count("test-results/vitest.json", (r) => ({
  passed: r.numPassedTests,
  failed: r.numFailedTests,
}));
const e2e = count("test-results/playwright.json", (r) => ({
  passed: r.stats.expected + r.stats.flaky,
  failed: r.stats.unexpected,
}));
if (failure) console.error(`\n${failure.message}`);
console.log(
  `\ntests: ${unit.passed + e2e.passed} passed, ${unit.failed + e2e.failed + (failure && unit.failed + e2e.failed === 0 ? 1 : 0)} failed`,
);
process.exit(failure ? 1 : 0);
