/**
 * Turn start: Ratchet's own work between a user message and the model request it leads to, on the
 * built app with the scripted model (which answers at once), so what is measured is the harness.
 *
 *   node_modules/.bin/tsx bench/turn-start.ts [--turns 30] [--warmup 5] [--calls 1000000] [--only fresh|seeded]
 *
 * Not part of CI. Needs the production build (.next). Writes bench/results/turn-start.json.
 * Two databases: `fresh` (just migrated) and `seeded` (a copy of a database seeded with
 * scripts/seed-telemetry.ts, 1M tool calls by default: the prompt's telemetry summary, the friction
 * monitor and the prompt memory all read history). The seeded file is made once in the temp dir
 * (≈ 2 min) and reused, with its telemetry rollups stored as a server that ran before leaves them
 * (`-rollups.db` beside it). Per turn, after warm-up, in one session that grows by a turn each time:
 *   post       POST /api/sessions/:id/messages → its 202 response
 *   toModel    the same POST sent → the scripted model server has read the model request
 * and, as the floor, what the harness cannot avoid: one authenticated request into the app with one
 * database read (GET /api/sessions/:id) plus one loopback request to the model server.
 */
import { execFileSync } from "node:child_process";
import { constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { createDirectiveHandler, type FakeLLM, startFakeLLM } from "../e2e/support/fake-llm";
import { type Api, apiClient, descendants, waitForIdle } from "../e2e/support/security";
import { type AppServer, startServer } from "../e2e/support/server";
import { seedTelemetry } from "../scripts/seed-telemetry";
import { freePort } from "./support/app";
import { deadline, ROOT, round, type Summary, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    turns: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    calls: { type: "string", default: "1000000" },
    only: { type: "string" },
    "settle-seconds": { type: "string", default: "120" },
    "idle-turns": { type: "string", default: "3" },
  },
});
const TURNS = Math.max(1, Number.parseInt(values.turns, 10));
const WARMUP = Math.max(0, Number.parseInt(values.warmup, 10));
const CALLS = Math.max(1, Number.parseInt(values.calls, 10));
const SETTLE_MS = Math.max(0, Number.parseFloat(values["settle-seconds"])) * 1000;
const IDLE_TURNS = Math.max(0, Number.parseInt(values["idle-turns"], 10));
/** Past the prompt summary's and the friction p95's one-minute caches. */
const IDLE_MS = 65_000;
const SCENARIOS = (["fresh", "seeded"] as const).filter((s) => !values.only || values.only === s);

let llm: FakeLLM | undefined;
let app: AppServer | undefined;
const temps: string[] = [];

async function cleanup(): Promise<void> {
  await app?.stop().catch(() => {});
  await llm?.close().catch(() => {});
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
}

deadline(30 * 60_000, "turn-start", cleanup);

/** Model requests in arrival order, timed when the scripted server has read the body. */
const arrivals: number[] = [];
let arrived: (() => void) | null = null;

function nextArrival(count: number): Promise<void> {
  if (arrivals.length > count) return Promise.resolve();
  return new Promise((resolve) => {
    arrived = () => {
      if (arrivals.length > count) {
        arrived = null;
        resolve();
      }
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds used so far by a process and its descendants. */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid).map((d) => d.pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/**
 * Waits until the server has been nearly idle (< 5 % of a core) for two seconds, at most `limitMs`:
 * the boot-time telemetry warm-up (lib/telemetry/rollup-cache.ts) must not run during the measurement.
 */
async function waitForQuiet(pid: number, limitMs: number): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (quiet < 2 && performance.now() - started < limitMs) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return round((performance.now() - started) / 1000, 1);
}

async function seededDatabase(): Promise<string> {
  const dir = path.join(os.tmpdir(), "ratchet-turn-start-bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `seed-${CALLS}.db`);
  if (existsSync(file)) {
    const db = new Database(file, { readonly: true });
    const row = db.prepare(`SELECT COUNT(*) AS n FROM "ToolCall"`).get() as { n: number };
    db.close();
    if (row.n === CALLS) return file;
    rmSync(file, { force: true });
  }
  console.log(`turn-start: seeding ${CALLS.toLocaleString()} tool calls into ${file} (once)…`);
  const seeded = await seedTelemetry({ databaseUrl: `file:${file}`, calls: CALLS, log: () => {} });
  console.log(`turn-start: seeded in ${seeded.seconds} s`);
  // one file, no -wal beside it, so a plain copy is the whole database
  const db = new Database(file);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.pragma("journal_mode = DELETE");
  db.close();
  return file;
}

/**
 * The seeded file as a server that has run before leaves it: migrated, and every closed day's
 * telemetry rollup stored (`npm run telemetry:rebuild`), so "the first turn after a start" is a
 * restart's, not the first start ever on a million calls imported behind Ratchet's back.
 */
async function withStoredRollups(seeded: string): Promise<string> {
  const file = seeded.replace(/\.db$/, "-rollups.db");
  if (existsSync(file)) {
    const db = new Database(file, { readonly: true });
    const row = db.prepare(`SELECT COUNT(*) AS n FROM "TelemetryRollup"`).get() as { n: number };
    db.close();
    if (row.n > 0) return file;
  }
  copyFileSync(seeded, file);
  const env = { ...process.env, DATABASE_URL: `file:${file}`, RATCHET_DATA_DIR: path.dirname(file) };
  execFileSync(process.execPath, ["scripts/migrate.mjs"], { env, stdio: "pipe" });
  const tsx = path.join(ROOT, "node_modules/.bin/tsx");
  const rebuilt = execFileSync(tsx, ["--conditions=react-server", "scripts/telemetry-rebuild.ts"], { env });
  console.log(`turn-start: ${rebuilt.toString().trim()}`);
  const db = new Database(file);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.pragma("journal_mode = DELETE");
  db.close();
  return file;
}

interface Figures {
  post: Summary;
  toModel: Summary;
  /** The first turn after the server started (caches cold). */
  firstTurn: { post: number; toModel: number };
  /** Turns sent after IDLE_MS without any (seeded only): the one-minute caches have expired. */
  afterIdle: { toModel: number[] };
  floor: { appRead: Summary; modelRequest: Summary; p50Sum: number };
}

async function timedTurn(api: Api, id: string): Promise<{ post: number; toModel: number }> {
  const count = arrivals.length;
  const waiting = nextArrival(count);
  const sent = performance.now();
  const res = await api.post(`/api/sessions/${id}/messages`, { text: "hello, what is in this repo?" });
  const replied = performance.now();
  if (res.status !== 202) throw new Error(`send: ${res.status} ${res.text}`);
  await waiting;
  const toModel = (arrivals[count] ?? Number.NaN) - sent;
  const session = await waitForIdle(api, id, 60_000);
  if (session.status !== "idle") throw new Error(`turn ended ${String(session.status)}`);
  return { post: replied - sent, toModel };
}

/** One loopback request to the scripted model, timed to the moment it has read the body. */
async function modelRequest(url: string): Promise<number> {
  const count = arrivals.length;
  const waiting = nextArrival(count);
  const sent = performance.now();
  const response = await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-floor" },
    body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "floor" }] }),
  });
  await waiting;
  await response.text();
  return (arrivals[count] ?? Number.NaN) - sent;
}

async function scenario(name: "fresh" | "seeded", model: FakeLLM): Promise<Figures> {
  const root = mkdtempSync(path.join(os.tmpdir(), `ratchet-turn-start-${name}-`));
  temps.push(root);
  const dirs = {
    data: path.join(root, "data"),
    workspace: path.join(root, "workspace"),
    tools: path.join(root, "tools"),
    skills: path.join(root, "skills"),
  };
  mkdirSync(dirs.data, { recursive: true });
  mkdirSync(dirs.workspace);
  // the shipped skills and tools, so the per-turn scans read what a real install has
  await cp(path.join(ROOT, "skills"), dirs.skills, { recursive: true });
  await cp(path.join(ROOT, "tools"), dirs.tools, { recursive: true });
  if (name === "seeded")
    copyFileSync(
      await withStoredRollups(await seededDatabase()),
      path.join(dirs.data, "ratchet.db"),
      constants.COPYFILE_FICLONE,
    );
  app = await startServer({
    port: await freePort(),
    dataDir: dirs.data,
    env: {
      OPENAI_BASE_URL: model.url,
      RATCHET_WORKSPACE: dirs.workspace,
      RATCHET_TOOLS_DIR: dirs.tools,
      RATCHET_SKILLS_DIR: dirs.skills,
    },
  });
  const api = apiClient(app.url);
  const created = await api.post<{ id: string }>("/api/sessions", { title: `turn-start ${name}` });
  if (created.status !== 201) throw new Error(`session: ${created.status} ${created.text}`);
  const id = created.json.id;

  const firstTurn = await timedTurn(api, id);
  for (let i = 1; i < WARMUP; i++) await timedTurn(api, id);
  // as on a server that has been up a while: the boot-time telemetry warm-up has finished
  const settled = await waitForQuiet(app.pid, SETTLE_MS);
  console.log(`turn-start ${name}: server quiet after ${settled} s`);
  await timedTurn(api, id);
  const post: number[] = [];
  const toModel: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    const t = await timedTurn(api, id);
    post.push(t.post);
    toModel.push(t.toModel);
  }
  const afterIdle: number[] = [];
  for (let i = 0; name === "seeded" && i < IDLE_TURNS; i++) {
    await sleep(IDLE_MS);
    afterIdle.push(round((await timedTurn(api, id)).toModel));
  }
  const appRead: number[] = [];
  const modelRequests: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    appRead.push((await api.get("/api/health")).ms);
    modelRequests.push(await modelRequest(model.url));
  }
  await app.stop();
  app = undefined;
  const floor = { appRead: summarize(appRead), modelRequest: summarize(modelRequests) };
  const figures: Figures = {
    post: summarize(post),
    toModel: summarize(toModel),
    firstTurn: { post: round(firstTurn.post), toModel: round(firstTurn.toModel) },
    afterIdle: { toModel: afterIdle },
    floor: { ...floor, p50Sum: round(floor.appRead.p50 + floor.modelRequest.p50) },
  };
  console.log(
    `turn-start ${name}: POST p50 ${figures.post.p50} ms p95 ${figures.post.p95} ms; ` +
      `POST → model request p50 ${figures.toModel.p50} ms p95 ${figures.toModel.p95} ms; ` +
      `first turn ${figures.firstTurn.toModel} ms; after ${IDLE_MS / 1000} s idle ${afterIdle.join(", ") || "-"} ms; floor ≈ ${figures.floor.p50Sum} ms ` +
      `(app read ${floor.appRead.p50} + model request ${floor.modelRequest.p50})`,
  );
  return figures;
}

try {
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID")))
    throw new Error(
      "No production build: run `NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build` first.",
    );
  process.chdir(ROOT);
  const directives = createDirectiveHandler();
  llm = await startFakeLLM({
    port: 0,
    handler: (req) => {
      arrivals.push(performance.now());
      arrived?.();
      return directives(req);
    },
  });
  const results: Record<string, Figures> = {};
  for (const name of SCENARIOS) results[name] = await scenario(name, llm);
  const file = writeResult("turn-start", {
    turns: TURNS,
    warmup: WARMUP,
    seededCalls: CALLS,
    scenarios: results,
  });
  console.log(`turn-start: wrote ${path.relative(ROOT, file)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
