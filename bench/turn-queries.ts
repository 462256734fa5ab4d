/**
 * The database statements of a turn start, counted and timed: what `bench/turn-start.ts` measures
 * from outside, taken apart. In-process (no Next), on a copy of a database, with the scripted model.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/turn-queries.ts [--db file.db] [--turns 10]
 *
 * Not part of CI. Without --db, a fresh database. The first turn is the first after a start (this
 * process's caches cold); then --turns warm ones. For each it reports the statements from sending the
 * message to the model request arriving, and the ones of a single event append. Writes
 * bench/results/turn-queries.json.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { reply, startFakeLLM } from "../e2e/support/fake-llm";
import { ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: { db: { type: "string" }, turns: { type: "string", default: "10" } },
});
const TURNS = Math.max(1, Number.parseInt(values.turns, 10));

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-turn-queries-"));
const dirs = {
  data: path.join(root, "data"),
  roots: path.join(root, "workspaces"),
  tools: path.join(root, "tools"),
  skills: path.join(root, "skills"),
};
mkdirSync(dirs.data, { recursive: true });
mkdirSync(path.join(dirs.roots, "ws"), { recursive: true });
await cp(path.join(ROOT, "skills"), dirs.skills, { recursive: true });
await cp(path.join(ROOT, "tools"), dirs.tools, { recursive: true });
const file = path.join(dirs.data, "ratchet.db");
if (values.db) copyFileSync(values.db, file);
Object.assign(process.env, {
  DATABASE_URL: `file:${file}`,
  RATCHET_DATA_DIR: dirs.data,
  RATCHET_WORKSPACE_ROOTS: dirs.roots,
  RATCHET_TOOLS_DIR: dirs.tools,
  RATCHET_SKILLS_DIR: dirs.skills,
  RATCHET_TOKEN: "bench-token-0123456789abcdef0123456789",
});

// after the environment: these read it when first used
const { migrateDeploy } = await import("../lib/db/migrate-deploy");
const { dbReady } = await import("../lib/db/client");
const { createSession } = await import("../lib/db/queries/sessions");
const { timeStatements } = await import("../lib/db/statements");
const { appendEvent, drainEvents } = await import("../lib/events/log");
const { saveModelSettings } = await import("../lib/settings/model-config");
const { startTestSandbox } = await import("../lib/testing/sandbox");
const { activeTurns } = await import("../lib/agent/active-turns");
const { sendMessage } = await import("../lib/agent/runner");

let arrived: (() => void) | null = null;
const llm = await startFakeLLM({
  port: 0,
  handler: () => {
    arrived?.();
    return reply().text("ok").usage(10, 2).build();
  },
});

interface Measured {
  ms: number;
  statements: number;
  dbMs: number;
  slowest: { ms: number; sql: string }[];
}

function measured(ms: number, statements: { sql: string; ms: number }[]): Measured {
  const slowest = [...statements]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((s) => ({ ms: round(s.ms, 2), sql: s.sql.replace(/\s+/g, " ").slice(0, 160) }));
  const dbMs = round(
    statements.reduce((sum, s) => sum + s.ms, 0),
    1,
  );
  return { ms: round(ms, 1), statements: statements.length, dbMs, slowest };
}

async function turnStart(sessionId: string): Promise<Measured> {
  const requested = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const started = performance.now();
  const statements = await timeStatements(async () => {
    await sendMessage(sessionId, "hello, what is in this repo?");
    await requested;
  });
  const ms = performance.now() - started;
  await activeTurns().get(sessionId)?.done;
  await drainEvents(sessionId);
  return measured(ms, statements);
}

try {
  await migrateDeploy();
  await dbReady();
  await startTestSandbox();
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-bench-0123456789abcdef",
    model: "fake-model",
    api: "chat",
    stepLimit: 10,
  });
  const session = await createSession({
    title: "turn-queries",
    workspace: path.join(dirs.roots, "ws"),
    budgetUsd: null,
    model: "fake-model",
  });
  const first = await turnStart(session.id);
  console.log(
    `first turn after a start: ${first.ms} ms, ${first.statements} statements (${first.dbMs} ms in them)`,
  );
  for (const s of first.slowest) console.log(`  ${s.ms} ms  ${s.sql}`);
  const warm: Measured[] = [];
  for (let i = 0; i < TURNS; i++) warm.push(await turnStart(session.id));
  const last = warm.at(-1);
  console.log(
    `warm turns: p50 ${summarize(warm.map((t) => t.ms)).p50} ms, statements ${warm.map((t) => t.statements).join(", ")}, ` +
      `db p50 ${summarize(warm.map((t) => t.dbMs)).p50} ms`,
  );
  for (const s of last?.slowest ?? []) console.log(`  ${s.ms} ms  ${s.sql}`);
  const append = await timeStatements(() =>
    appendEvent(session.id, { type: "notice", level: "info", message: "x" }),
  );
  console.log(`one event append: ${append.length} statement(s)`);
  const out = writeResult("turn-queries", {
    database: values.db ?? "fresh",
    first,
    warm: { ms: summarize(warm.map((t) => t.ms)), statements: warm.map((t) => t.statements), last },
    eventAppend: append.length,
  });
  console.log(`turn-queries: wrote ${path.relative(ROOT, out)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await llm.close();
  rmSync(root, { recursive: true, force: true });
  process.exit();
}
