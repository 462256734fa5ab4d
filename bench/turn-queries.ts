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
 * bench/results/turn-queries-first.cpuprofile, and its self time by where the code comes from;
 * with --profile-warm, the warm turns' windows (message to model request) only, their self time summed.
 * With --list, every statement of the last warm turn start, in the order sent.
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
    "profile-warm": { type: "boolean", default: false },
    list: { type: "boolean", default: false },
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
function selfTimeByOrigin(profile: Profile, byFunction = false): [string, number][] {
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
  const keyOf = (node: ProfileNode) =>
    byFunction ? `fn: ${originOf(node)}: ${node.callFrame.functionName || "(anonymous)"}` : originOf(node);
  const origin = new Map(profile.nodes.map((node) => [node.id, keyOf(node)]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = origin.get(id) ?? "?";
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v, 1)]);
}

async function profiled<T>(name: string, on: boolean, work: () => Promise<T>): Promise<T> {
  if (!on) return work();
  const inspector = new Session();
  inspector.connect();
  await inspector.post("Profiler.enable");
  await inspector.post("Profiler.setSamplingInterval", { interval: 200 });
  await inspector.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = (await inspector.post("Profiler.stop")) as { profile: Profile };
    writeFileSync(path.join(RESULTS_DIR, `turn-queries-${name}.cpuprofile`), JSON.stringify(profile));
    console.log(`${name} turn(s), self time by origin (ms):`);
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
  all: string[];
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
  const all = statements.map((s) => s.sql.replace(/\s+/g, " ").slice(0, 200));
  return { ms: round(ms, 1), statements: statements.length, all, dbMs, slowest };
}

/** Self time by origin over the warm turns' windows, when --profile-warm. */
const warmSelfTime = new Map<string, number>();
let warmInspector: Session | null = null;

async function turnStart(sessionId: string, profile = false): Promise<Measured> {
  const requested = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  if (profile) await warmInspector?.post("Profiler.start");
  const started = performance.now();
  const statements = await timeStatements(async () => {
    await sendMessage(sessionId, "hello, what is in this repo?");
    await requested;
  });
  const ms = performance.now() - started;
  if (profile && warmInspector) {
    const { profile: taken } = (await warmInspector.post("Profiler.stop")) as { profile: Profile };
    for (const [key, self] of [...selfTimeByOrigin(taken), ...selfTimeByOrigin(taken, true)])
      warmSelfTime.set(key, (warmSelfTime.get(key) ?? 0) + self);
  }
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
  const first = await profiled("first", values.profile, () => turnStart(session.id));
  console.log(
    `first turn after a start: ${first.ms} ms, ${first.statements} statements (${first.dbMs} ms in them)`,
  );
  for (const s of first.slowest) console.log(`  ${s.ms} ms  ${s.sql}`);
  const warm: Measured[] = [];
  if (values["profile-warm"]) {
    warmInspector = new Session();
    warmInspector.connect();
    await warmInspector.post("Profiler.enable");
    await warmInspector.post("Profiler.setSamplingInterval", { interval: 200 });
  }
  for (let i = 0; i < TURNS; i++) warm.push(await turnStart(session.id, values["profile-warm"]));
  if (warmInspector) {
    const ranked = [...warmSelfTime].sort((a, b) => b[1] - a[1]);
    console.log(`warm turns' windows, self time per turn (ms, ${TURNS} turns), by origin, then by function:`);
    for (const [key, self] of ranked.filter(([k]) => !k.startsWith("fn: ")).slice(0, 15))
      console.log(`  ${round(self / TURNS, 2)}  ${key}`);
    for (const [key, self] of ranked.filter(([k]) => k.startsWith("fn: ")).slice(0, 25))
      console.log(`  ${round(self / TURNS, 2)}  ${key}`);
    warmInspector.disconnect();
  }
  const last = warm.at(-1);
  console.log(
    `warm turns: p50 ${summarize(warm.map((t) => t.ms)).p50} ms, statements ${warm.map((t) => t.statements).join(", ")}, ` +
      `db p50 ${summarize(warm.map((t) => t.dbMs)).p50} ms`,
  );
  for (const s of last?.slowest ?? []) console.log(`  ${s.ms} ms  ${s.sql}`);
  if (values.list) for (const [i, sql] of (last?.all ?? []).entries()) console.log(`  ${i + 1}. ${sql}`);
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
