/**
 * The database statements of a turn start, counted and timed: what `bench/turn-start.ts` measures
 * from outside, taken apart. In-process (no Next), on a copy of a database, with the scripted model.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/turn-queries.ts [--db file.db] [--turns 10]
 *
 * Not part of CI. Without --db, a fresh database. The first turn is the first after a start (this
 * process's caches cold); then --turns warm ones. For each it reports the statements from sending the
 * message to the model request arriving, and the ones of a single event append. Writes
 * bench/results/turn-queries.json. With --profile, the first turn runs under the CPU profiler:
 * bench/results/turn-queries-first.cpuprofile, and its self time by where the code comes from.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { reply, startFakeLLM } from "../e2e/support/fake-llm";
import { RESULTS_DIR, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    turns: { type: "string", default: "10" },
    profile: { type: "boolean", default: false },
  },
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

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by origin: a package in node_modules, our own folder, node's internals, or GC/idle. */
function selfTimeByOrigin(profile: Profile): [string, number][] {
  const originOf = (node: ProfileNode): string => {
    const { url, functionName } = node.callFrame;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    if (pkg) return pkg;
    const own = /\/(lib|e2e|bench)\/([^/]+)/.exec(url);
    if (own) return `${own[1]}/${own[2]}`;
    if (url.startsWith("node:")) return "node internals";
    // the inspector's own message dispatch (the profiler starting and stopping), not the turn's work
    if (functionName === "dispatch" && !url) return "(profiler)";
    return functionName.startsWith("wasm-function")
      ? "(wasm: Prisma's query compiler)"
      : `(${functionName || "program"})`;
  };
  const origin = new Map(profile.nodes.map((node) => [node.id, originOf(node)]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = origin.get(id) ?? "?";
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v, 1)]);
}

async function profiled<T>(work: () => Promise<T>): Promise<T> {
  if (!values.profile) return work();
  const inspector = new Session();
  inspector.connect();
  await inspector.post("Profiler.enable");
  await inspector.post("Profiler.setSamplingInterval", { interval: 200 });
  await inspector.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = (await inspector.post("Profiler.stop")) as { profile: Profile };
    writeFileSync(path.join(RESULTS_DIR, "turn-queries-first.cpuprofile"), JSON.stringify(profile));
    console.log("first turn, self time by origin (ms):");
    for (const [origin, ms] of selfTimeByOrigin(profile).slice(0, 15)) console.log(`  ${ms}  ${origin}`);
    inspector.disconnect();
  }
}
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
  const first = await profiled(() => turnStart(session.id));
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
