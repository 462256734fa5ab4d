/**
 * The server work behind the Telemetry page's first render (telemetryOverview for the default
 * 30-day range) at 1M tool calls, against the floor: the same aggregates as ONE hand-written SQL
 * statement on the raw driver (better-sqlite3 / pg) with the covering index, no Prisma, no cache.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/telemetry-page.ts [--calls 1000000] [--runs 9] [--db file:…] [--restart-only]
 *   node scripts/pg-cluster.mjs -- node_modules/.bin/tsx --conditions=react-server bench/telemetry-page.ts --pg
 *   … bench/telemetry-page.ts --db postgresql://…   (a database seeded with npm run seed:telemetry)
 *
 * SQLite: seeds a temp file once (`npm run seed:telemetry`, ≈ 1.5 min; 10M calls ≈ 8 min and 7.3 GB)
 * and keeps it in the temp dir for the next run. PostgreSQL (--pg): a fresh database on the cluster RATCHET_TEST_PG_URL names,
 * seeded, measured and dropped. Three figures per provider:
 *   cold   the first render ever (no stored day rollups): every day's rollup is computed (the
 *          all-time version scorecards need them all), then stored and kept
 *   restart first render after a start: the stored closed days read in one query, today's stored
 *          kept part read and its last minutes live, the learning-loop tables read (goal ≤ 100 ms)
 *   warm   later renders: closed days and today's settled part from memory, today's last minutes
 *          read live, the learning-loop figures kept for 5 s (goal ≤ 30 ms at 10M calls)
 *   floor  one SQL statement computing the same aggregates from the raw rows
 */
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { seedTelemetry } from "../scripts/seed-telemetry";
import { deadline, ROOT, round, summarize, writeResult } from "./support/stats";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
};
const calls = Number(opt("calls", "1000000"));
const runs = Number(opt("runs", "9"));
const givenDb = opt("db", "");
/** Sessions grow with the calls (2,000 for 1M, as before; 20,000 for 10M, so each keeps ≈ 500 calls). */
const sessions = Math.max(2000, Math.round(calls / 500));
/** --pg seeds a fresh database on the test cluster; --db postgresql://… reuses a seeded one. */
const usePg = argv.includes("--pg") || /^postgres(ql)?:/.test(givenDb);
const GOAL_MS = 150;
const GOAL_RATIO = 1.5;
const RESTART_GOAL_MS = 100;

process.chdir(ROOT);
const temp: { drop: (() => Promise<void>) | null } = { drop: null };
deadline(15 * 60_000, "telemetry-page", async () => {
  await temp.drop?.();
});

async function prepareDatabase(): Promise<string> {
  if (givenDb) return givenDb;
  if (usePg) {
    const cluster = process.env.RATCHET_TEST_PG_URL;
    if (!cluster)
      throw new Error("--pg needs RATCHET_TEST_PG_URL (run through node scripts/pg-cluster.mjs --)");
    const name = `ratchet_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: cluster });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    temp.drop = async () => {
      const c = new pg.Client({ connectionString: cluster });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
    const url = new URL(cluster);
    url.pathname = `/${name}`;
    console.log(`seeding ${calls.toLocaleString()} calls into PostgreSQL…`);
    const seeded = await seedTelemetry({ databaseUrl: url.toString(), calls, sessions, log: () => {} });
    console.log(`seeded in ${seeded.seconds} s`);
    return url.toString();
  }
  const dir = path.join(os.tmpdir(), "ratchet-telemetry-bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `seed-${calls}.db`);
  if (existsSync(file)) {
    const db = new Database(file, { readonly: true });
    const row = db.prepare(`SELECT COUNT(*) AS n FROM "ToolCall"`).get() as { n: number };
    db.close();
    if (row.n === calls) {
      console.log(`reusing ${file} (${calls.toLocaleString()} calls)`);
      return `file:${file}`;
    }
  }
  console.log(`seeding ${calls.toLocaleString()} calls into ${file} (kept for later runs)…`);
  for (const suffix of ["", "-wal", "-shm"])
    if (existsSync(file + suffix)) await import("node:fs").then((fs) => fs.rmSync(file + suffix));
  const seeded = await seedTelemetry({ databaseUrl: `file:${file}`, calls, sessions, log: () => {} });
  console.log(`seeded in ${seeded.seconds} s`);
  return `file:${file}`;
}

const databaseUrl = await prepareDatabase();
process.env.DATABASE_URL = databaseUrl;
process.env.RATCHET_DATA_DIR ??= path.join(os.tmpdir(), "ratchet-telemetry-bench");

// App modules read DATABASE_URL on first use: import them only now.
const { db, dbReady } = await import("../lib/db/client");
const { telemetryOverview } = await import("../lib/telemetry/overview");
const { forgetRollupsInMemory, resetTelemetryCache } = await import("../lib/telemetry/rollup-cache");
const { presetRange } = await import("../lib/telemetry/range");

await dbReady();
const last = await db().toolCall.findFirst({ orderBy: { createdAt: "desc" }, select: { createdAt: true } });
// "now" is the end of the seeded period, so a database seeded days ago measures the same rows
const now = new Date((last?.createdAt.getTime() ?? Date.now()) + 60_000);
const range = presetRange("30d", now);

interface Sample {
  wall: number;
  cpu: number;
}
async function time(fn: () => Promise<unknown> | unknown): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
const stats = (samples: Sample[]) => ({
  wall: summarize(samples.map((s) => s.wall)),
  cpu: summarize(samples.map((s) => s.cpu)),
});

// ---- --restart-only: the stored days as a server left them (one render stores them if missing),
// then `runs` renders after a restart each and `runs` warm ones; no cold render, no floor. For
// before/after runs on one database, alternating checkouts.
if (argv.includes("--restart-only")) {
  await telemetryOverview(range, { now });
  const restarts: Sample[] = [];
  const warms: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    forgetRollupsInMemory();
    restarts.push(await time(() => telemetryOverview(range, { now })));
    warms.push(await time(() => telemetryOverview(range, { now })));
  }
  const [r, w] = [stats(restarts), stats(warms)];
  console.log(
    `${usePg ? "postgresql" : "sqlite"}, ${calls.toLocaleString()} calls: after a restart p50 ${round(r.wall.p50, 1)} ms (cpu ${round(r.cpu.p50, 1)}, min ${round(r.wall.min, 1)}, max ${round(r.wall.max, 1)}), warm p50 ${round(w.wall.p50, 1)} ms; load ${os.loadavg()[0]?.toFixed(2)}`,
  );
  writeResult("telemetry-page-restart", { calls, runs, appRestartMs: r, appWarmMs: w });
  await db().$disconnect();
  process.exit(0);
}

// ---- the app: cold, after a restart, then warm
await resetTelemetryCache();
const cold = await time(() => telemetryOverview(range, { now }));
const restartSamples: Sample[] = [];
for (let i = 0; i < Math.max(3, Math.floor(runs / 2)); i++) {
  forgetRollupsInMemory();
  restartSamples.push(await time(() => telemetryOverview(range, { now })));
}
const restart = stats(restartSamples);
const warmSamples: Sample[] = [];
let rows = 0;
for (let i = 0; i < runs; i++) {
  warmSamples.push(
    await time(async () => {
      const overview = await telemetryOverview(range, { now });
      rows = overview.totals.calls;
    }),
  );
}
const warm = stats(warmSamples);

// ---- the floor: one statement, the raw driver
const floorSamples: Sample[] = [];
let floorRows = 0;
const since = range.since;
const until = new Date(now.getTime() + 1);
if (usePg) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const sql = floorSql("pg");
  const params = [iso(since, "pg"), iso(until, "pg")];
  await client.query(sql, params);
  for (let i = 0; i < runs; i++)
    floorSamples.push(
      await time(async () => {
        floorRows = (await client.query(sql, params)).rowCount ?? 0;
      }),
    );
  await client.end();
} else {
  const raw = new Database(databaseUrl.replace(/^file:/, ""), { readonly: true });
  const statement = raw.prepare(floorSql("sqlite"));
  const params = { since: iso(since, "sqlite"), until: iso(until, "sqlite") };
  statement.all(params);
  for (let i = 0; i < runs; i++)
    floorSamples.push(
      await time(() => {
        floorRows = statement.all(params).length;
      }),
    );
  raw.close();
}
const floor = stats(floorSamples);

// ---- for scale: only the health table's per-tool figures (calls, successes, last use, p50/p95), one
// statement over the same 30 days, with histogram percentiles as the app's and with exact ones
const toolsOnly: Record<"histogram" | "exact", Sample[]> = { histogram: [], exact: [] };
for (const variant of ["histogram", "exact"] as const) {
  const dialect = usePg ? "pg" : "sqlite";
  const sql = toolsOnlySql(dialect, variant);
  if (usePg) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const params = [iso(since, "pg"), iso(until, "pg")];
    await client.query(sql, params);
    for (let i = 0; i < Math.min(runs, 5); i++)
      toolsOnly[variant].push(await time(() => client.query(sql, params)));
    await client.end();
  } else {
    const raw = new Database(databaseUrl.replace(/^file:/, ""), { readonly: true });
    const statement = raw.prepare(sql);
    const params = { since: iso(since, "sqlite"), until: iso(until, "sqlite") };
    statement.all(params);
    for (let i = 0; i < Math.min(runs, 5); i++)
      toolsOnly[variant].push(await time(() => statement.all(params)));
    raw.close();
  }
}
await db().$disconnect();
await temp.drop?.();

const provider = usePg ? "postgresql" : "sqlite";
const result = {
  provider,
  calls,
  range: { preset: "30d", since: range.since.toISOString(), until: until.toISOString(), callsInRange: rows },
  runs,
  appColdMs: { wall: round(cold.wall, 1), cpu: round(cold.cpu, 1) },
  appRestartMs: restart,
  appWarmMs: warm,
  floorMs: floor,
  floorRowsReturned: floorRows,
  toolTableOnlyMs: { histogram: stats(toolsOnly.histogram), exact: stats(toolsOnly.exact) },
  ratio: {
    warmToFloor: round(warm.wall.p50 / floor.wall.p50, 3),
    coldToFloor: round(cold.wall / floor.wall.p50, 3),
    warmToFloorCpu: round(warm.cpu.p50 / floor.cpu.p50, 3),
  },
  goal: {
    ms: GOAL_MS,
    ratio: GOAL_RATIO,
    warmMet: warm.wall.p50 <= GOAL_MS && warm.wall.p50 / floor.wall.p50 <= GOAL_RATIO,
    coldMet: cold.wall <= GOAL_MS,
    restartMs: RESTART_GOAL_MS,
    restartMet: restart.wall.p50 <= RESTART_GOAL_MS,
  },
};
console.log(
  `${provider}: first render (30 days of ${calls.toLocaleString()} calls, ${rows.toLocaleString()} in range): warm p50 ${round(warm.wall.p50, 1)} ms (cpu ${round(warm.cpu.p50, 1)}), after a restart p50 ${round(restart.wall.p50, 1)} ms, cold ${round(cold.wall, 0)} ms; floor (one SQL statement) p50 ${round(floor.wall.p50, 1)} ms (cpu ${round(floor.cpu.p50, 1)}); warm/floor ${result.ratio.warmToFloor}×, cold/floor ${result.ratio.coldToFloor}×`,
);
console.log(
  `  for scale, the health table's per-tool figures alone as one statement: p50 ${round(result.toolTableOnlyMs.histogram.wall.p50, 1)} ms (histogram percentiles), ${round(result.toolTableOnlyMs.exact.wall.p50, 1)} ms (exact, window functions)`,
);
console.log(`wrote ${writeResult(`telemetry-page-${provider}`, result)}`);
process.exit(0);

// ------------------------------------------------------------------------------------------------

function toolsOnlySql(dialect: "sqlite" | "pg", variant: "histogram" | "exact"): string {
  const s = dialect === "sqlite" ? "@since" : "$1";
  const u = dialect === "sqlite" ? "@until" : "$2";
  const tc = dialect === "sqlite" ? `"ToolCall" INDEXED BY "ToolCall_rollup_idx"` : `"ToolCall"`;
  const bucket = `CASE WHEN "durationMs" < 256 THEN "durationMs" ELSE FLOOR(LN(CAST("durationMs" AS DOUBLE PRECISION)) * 46.16624130844683) END`;
  if (variant === "exact") {
    return `WITH ranked AS (
        SELECT "tool", "ok", "durationMs", "createdAt",
               ROW_NUMBER() OVER (PARTITION BY "tool" ORDER BY "durationMs") AS rn,
               COUNT(*) OVER (PARTITION BY "tool") AS n
          FROM ${tc} WHERE "createdAt" >= ${s} AND "createdAt" < ${u})
      SELECT "tool", COUNT(*) AS calls, SUM(CASE WHEN "ok" THEN 1 ELSE 0 END) AS successes,
             MIN(CASE WHEN rn >= 0.5 * n THEN "durationMs" END) AS p50,
             MIN(CASE WHEN rn >= 0.95 * n THEN "durationMs" END) AS p95, MAX("createdAt") AS last
        FROM ranked GROUP BY "tool"`;
  }
  return `WITH h AS (
      SELECT "tool", ${bucket} AS b, COUNT(*) AS c, MAX("durationMs") AS mx,
             SUM(CASE WHEN "ok" THEN 1 ELSE 0 END) AS ok, MAX("createdAt") AS last
        FROM ${tc} WHERE "createdAt" >= ${s} AND "createdAt" < ${u} GROUP BY 1, 2),
    cum AS (
      SELECT "tool", mx, ok, last, c, SUM(c) OVER (PARTITION BY "tool" ORDER BY b) AS run,
             SUM(c) OVER (PARTITION BY "tool") AS n FROM h)
    SELECT "tool", MAX(n) AS calls, SUM(ok) AS successes, MAX(last) AS last,
           MIN(CASE WHEN run >= 0.5 * n THEN mx END) AS p50, MIN(CASE WHEN run >= 0.95 * n THEN mx END) AS p95
      FROM cum GROUP BY "tool"`;
}

function iso(date: Date, dialect: "sqlite" | "pg"): string {
  return dialect === "sqlite"
    ? `${date.toISOString().slice(0, 23)}+00:00`
    : date.toISOString().slice(0, 23).replace("T", " ");
}

/**
 * The page's aggregates as one statement: calls/successes/last use per day, tool, version and error
 * class; duration histograms per day, tool and version (p50/p95 per tool and per day); failing
 * commands; all-time calls and histograms per agent-tool version (scorecards); and the learning loop.
 */
function floorSql(dialect: "sqlite" | "pg"): string {
  const s = dialect === "sqlite" ? "@since" : "$1";
  const u = dialect === "sqlite" ? "@until" : "$2";
  const day = (col: string) =>
    dialect === "sqlite" ? `substr(${col}, 1, 10)` : `to_char(${col}, 'YYYY-MM-DD')`;
  const tc = dialect === "sqlite" ? `"ToolCall" INDEXED BY "ToolCall_rollup_idx"` : `"ToolCall"`;
  const bucket = `CASE WHEN "durationMs" < 256 THEN "durationMs" ELSE FLOOR(LN(CAST("durationMs" AS DOUBLE PRECISION)) * 46.16624130844683) END`;
  const text = "CAST(NULL AS TEXT)";
  const int = "CAST(NULL AS BIGINT)";
  const range = (col: string) => `${col} >= ${s} AND ${col} < ${u}`;
  return `
    SELECT 'g' AS k, ${day(`"createdAt"`)} AS d, "tool" AS a, "toolVersion" AS b, "errorClass" AS c,
           COUNT(*) AS n, SUM(CASE WHEN "ok" THEN 1 ELSE 0 END) AS x, ${dialect === "sqlite" ? `MAX("createdAt")` : `CAST(MAX("createdAt") AS TEXT)`} AS t
      FROM ${tc} WHERE ${range(`"createdAt"`)} GROUP BY 2, 3, 4, 5
    UNION ALL
    SELECT 'h', ${day(`"createdAt"`)}, "tool", "toolVersion", ${text}, COUNT(*), ${bucket}, CAST(MAX("durationMs") AS TEXT)
      FROM ${tc} WHERE ${range(`"createdAt"`)} GROUP BY 2, 3, 4, 7
    UNION ALL
    SELECT 'c', ${text}, "commandKey", ${text}, ${text}, COUNT(*), SUM(CASE WHEN "errorClass" IS NULL THEN 0 ELSE 1 END), ${text}
      FROM ${tc} WHERE ${range(`"createdAt"`)} AND "tool" = 'run_command' GROUP BY 3
    UNION ALL
    SELECT 'v', ${text}, "tool", "toolVersion", "errorClass", COUNT(*), SUM(CASE WHEN "ok" THEN 1 ELSE 0 END), ${text}
      FROM ${tc} WHERE "createdAt" < ${u} AND "toolVersion" <> 'builtin' GROUP BY 3, 4, 5
    UNION ALL
    SELECT 'vh', ${text}, "tool", "toolVersion", ${text}, COUNT(*), ${bucket}, CAST(MAX("durationMs") AS TEXT)
      FROM ${tc} WHERE "createdAt" < ${u} AND "toolVersion" <> 'builtin' GROUP BY 3, 4, 7
    UNION ALL
    SELECT 'le', ${day(`"createdAt"`)}, "source", ${text}, ${text}, COUNT(*), ${int}, ${text}
      FROM "LearningEvent" WHERE ${range(`"createdAt"`)} GROUP BY 2, 3
    UNION ALL
    SELECT 'lu', ${text}, ${text}, ${text}, ${text}, COUNT(*), SUM(CASE WHEN "usedCount" > 0 THEN 1 ELSE 0 END), ${text}
      FROM "LearningEvent"
    UNION ALL
    SELECT 'se', ${day(`"createdAt"`)}, ${text}, ${text}, ${text}, COUNT(*), SUM("inputTokens" + "outputTokens"), CAST(SUM("costUsd") AS TEXT)
      FROM "Session" WHERE "kind" = 'agent' AND ${range(`"createdAt"`)} GROUP BY 2
    UNION ALL
    SELECT 'tu', ${day(`"startedAt"`)}, ${text}, ${text}, ${text}, COUNT(*), ${int}, ${text}
      FROM "Turn" WHERE "status" = 'completed' AND ${range(`"startedAt"`)} GROUP BY 2
    UNION ALL
    SELECT 're', ${text}, ${text}, ${text}, ${text}, COUNT(*), SUM(CASE WHEN r."status" IN ('success', 'empty') THEN 1 ELSE 0 END), ${text}
      FROM "Session" se LEFT JOIN "Reflection" r ON r."sessionId" = se."id"
     WHERE se."kind" = 'agent' AND ${range(`se."createdAt"`)}
       AND (se."status" IN ('ended', 'interrupted') OR r."id" IS NOT NULL)
       AND EXISTS (SELECT 1 FROM "Message" m WHERE m."sessionId" = se."id" AND m."role" = 'assistant'
                     AND EXISTS (SELECT 1 FROM "Part" p WHERE p."messageId" = m."id"))
    UNION ALL
    SELECT 'fr', ${text}, "outcome", "kind", ${text}, COUNT(*), ${int}, ${text}
      FROM "Friction" WHERE ${range(`"createdAt"`)} GROUP BY 3, 4
    UNION ALL
    SELECT 'sk', ${text}, "skill", "kind", ${text}, COUNT(*), ${int}, ${text}
      FROM "SkillLoad" WHERE ${range(`"createdAt"`)} GROUP BY 3, 4
    UNION ALL
    SELECT 'ru', ${text}, tc."tool", ${text}, ${text}, COUNT(*), ${int}, ${text}
      FROM "ToolCall" tc WHERE tc."sessionId" IN (
        SELECT "id" FROM "Session" WHERE "kind" = 'agent' AND "createdAt" < ${u} ORDER BY "createdAt" DESC LIMIT 20)
     GROUP BY 3`;
}
