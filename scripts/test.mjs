// npm test: lint, typecheck, unit tests, production build, end-to-end tests in Chromium.
// Ends with one summary line: "tests: N passed, N failed".
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { bin, run } from "./lib.mjs";
import { buildAddon, fetchNode, LTS_NODE, LTS_UNIT_TESTS, withAddon } from "./lts-node.mjs";
import { findPgBin, startPgCluster } from "./pg-cluster.mjs";
import { ensureSystemPackages } from "./system-packages.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
mkdirSync("test-results", { recursive: true });
const only = process.argv[2];
/**
 * The unit tests and a smoke e2e run on the current LTS Node as well with RATCHET_TEST_LTS=1 (.ci/run
 * sets it), or alone with `lts` (docs/development.md says why).
 */
const ltsNode = only === "lts" || process.env.RATCHET_TEST_LTS === "1" ? LTS_NODE : null;
for (const file of ["test-results/vitest-lts.json", "test-results/playwright-lts.json"])
  rmSync(file, { force: true });

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
  if ((!only || only === "lts") && ltsNode) {
    await step(`runtime unit tests and a smoke e2e on Node ${ltsNode}`, async () => {
      const dir = fetchNode(ltsNode);
      const addon = buildAddon(dir);
      const node = path.join(dir, "bin", "node");
      // every `node` the tests start (the app, the scripted model, sandboxed tools) is that one too
      const env = { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}` };
      await withAddon(addon, async () => {
        await run(node, ["-e", 'console.log("[ratchet] tests on Node", process.version)'], { env });
        await run(
          node,
          [
            "node_modules/vitest/vitest.mjs",
            "run",
            "--project=sqlite",
            // the tests of what depends on the Node runtime (docs/development.md)
            ...LTS_UNIT_TESTS,
            "--reporter=dot",
            "--reporter=json",
            "--outputFile.json=test-results/vitest-lts.json",
          ],
          { env },
        );
        await run(
          node,
          ["node_modules/@playwright/test/cli.js", "test", "e2e/session.spec.ts", "--reporter=dot,json"],
          {
            env: { ...env, PLAYWRIGHT_JSON_OUTPUT_FILE: "test-results/playwright-lts.json" },
          },
        );
      });
    });
  }
} catch (error) {
  failure = error;
}

const vitestCount = (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests });
const playwrightCount = (r) => ({ passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected });
const sum = (a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed });
const unit = sum(
  count("test-results/vitest.json", vitestCount),
  count("test-results/vitest-lts.json", vitestCount),
);
const e2e = sum(
  count("test-results/playwright.json", playwrightCount),
  count("test-results/playwright-lts.json", playwrightCount),
);
if (failure) console.error(`\n${failure.message}`);
console.log(
  `\ntests: ${unit.passed + e2e.passed} passed, ${unit.failed + e2e.failed + (failure && unit.failed + e2e.failed === 0 ? 1 : 0)} failed`,
);
process.exit(failure ? 1 : 0);
