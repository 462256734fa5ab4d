// Fills a database with realistic telemetry: tool calls over N days, with their sessions, turns, model
// steps, tool versions, skill loads, frictions, learning events, reflections and working memory.
//   npm run seed:telemetry -- 1000000                      into a new temp SQLite file (printed)
//   DATABASE_URL=postgresql://… npm run seed:telemetry -- 1000000
//   options: --sessions 2000 --tools 30 --days 90 --seed 1
// Rows go in as raw multi-row INSERTs inside transactions (better-sqlite3 / pg), not Prisma's createMany,
// which is about 100× slower. The database is migrated first; existing rows are kept.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { migrateDeploy } from "../lib/db/migrate-deploy";
import { normalizeCommand } from "../lib/telemetry/normalize-command";

const DAY = 86_400_000;

export interface SeedOptions {
  databaseUrl: string;
  calls: number;
  sessions?: number;
  tools?: number;
  days?: number;
  seed?: number;
  /** The end of the seeded period (default: now). */
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedResult {
  databaseUrl: string;
  rows: Record<string, number>;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Log-normal around a median. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i] ?? 0;
      if (x <= 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }
  /** A cuid-like id: time first (as cuid's are), so primary-key indexes fill in order. */
  id(time = 0): string {
    let s = `c${Math.floor(time).toString(36).padStart(9, "0")}`;
    for (let i = 0; i < 16; i++) s += "0123456789abcdefghijklmnopqrstuvwxyz"[Math.floor(this.next() * 36)];
    return s;
  }
  hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(this.next() * 16)];
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// The world being simulated

interface CommandTemplate {
  make(r: Random): string;
  weight: number;
  medianMs: number;
  failRate: number;
  network?: boolean;
}

const FILES = [
  "src/index.ts",
  "src/lib/db.ts",
  "src/app/page.tsx",
  "src/components/table.tsx",
  "src/server/api.ts",
  "package.json",
  "README.md",
  "tsconfig.json",
  "src/utils/format.ts",
  "tests/api.test.ts",
];
const TESTS = ["api", "db", "format", "table", "auth", "routes", "cache", "queue", "parser", "cli"];

const COMMANDS: CommandTemplate[] = [
  { make: (r) => `npm test -- ${r.pick(TESTS)}`, weight: 14, medianMs: 6500, failRate: 0.28 },
  { make: () => "npm test", weight: 4, medianMs: 14_000, failRate: 0.22 },
  { make: () => "npm run build", weight: 5, medianMs: 22_000, failRate: 0.12 },
  { make: () => "npm run lint", weight: 4, medianMs: 4200, failRate: 0.18 },
  { make: () => "npx tsc --noEmit", weight: 6, medianMs: 9000, failRate: 0.24 },
  { make: () => "git status", weight: 10, medianMs: 35, failRate: 0.005 },
  { make: (r) => `git diff ${r.pick(FILES)}`, weight: 7, medianMs: 45, failRate: 0.01 },
  { make: (r) => `git log --oneline -n ${r.int(5, 30)}`, weight: 3, medianMs: 40, failRate: 0.005 },
  { make: (r) => `git commit -m 'fix: ${r.pick(TESTS)}'`, weight: 3, medianMs: 120, failRate: 0.08 },
  {
    make: (r) => `ls -la ${r.pick(["src", "tests", ".", "src/lib"])}`,
    weight: 9,
    medianMs: 12,
    failRate: 0.02,
  },
  { make: (r) => `cat ${r.pick(FILES)}`, weight: 12, medianMs: 10, failRate: 0.04 },
  {
    make: (r) => `grep -rn ${r.pick(["TODO", "useState", "export function", "FIXME"])} src`,
    weight: 6,
    medianMs: 60,
    failRate: 0.15,
  },
  { make: (r) => `rg ${r.pick(["db()", "fetch(", "throw new"])} -n`, weight: 5, medianMs: 40, failRate: 0.1 },
  { make: (r) => `pytest tests/test_${r.pick(TESTS)}.py`, weight: 3, medianMs: 5200, failRate: 0.3 },
  { make: () => "cargo build", weight: 1.5, medianMs: 38_000, failRate: 0.2 },
  {
    make: (r) => `cd ${r.pick(["app", "web", "api"])} && npm test`,
    weight: 2,
    medianMs: 9000,
    failRate: 0.25,
  },
  { make: () => "npm install", weight: 1.5, medianMs: 18_000, failRate: 0.1, network: true },
  {
    make: (r) => `curl -s https://${r.pick(["api.github.com", "registry.npmjs.org", "example.com"])}/`,
    weight: 1,
    medianMs: 700,
    failRate: 0.25,
    network: true,
  },
  {
    make: (r) => `node scripts/${r.pick(["migrate", "seed", "check"])}.mjs`,
    weight: 2,
    medianMs: 1800,
    failRate: 0.15,
  },
  {
    make: (r) => `sed -n ${r.int(1, 200)},${r.int(201, 400)}p ${r.pick(FILES)}`,
    weight: 5,
    medianMs: 9,
    failRate: 0.01,
  },
  {
    make: (r) => `find . -name '*.${r.pick(["ts", "tsx", "md"])}' | head`,
    weight: 2,
    medianMs: 80,
    failRate: 0.01,
  },
  { make: () => "make", weight: 1, medianMs: 15_000, failRate: 0.2 },
  {
    make: (r) => `docker compose ${r.pick(["ps", "up -d db", "logs api"])}`,
    weight: 1,
    medianMs: 1300,
    failRate: 0.3,
  },
];

interface ToolSpec {
  name: string;
  origin: "builtin" | "agent" | "user";
  weight: number;
  medianMs: number;
  sigma: number;
  failRate: number;
  /** Day (0 = start of the period) the first version appeared; builtins exist from the start. */
  introducedDay: number;
  versions: number;
  /** Day after which nobody calls it any more (unused lately). */
  lastDay?: number;
  /** The latest version fails this much more often, and is slower (a regression). */
  regression?: { failRate: number; slower: number };
  summarize(r: Random): string;
}

const AGENT_TOOLS: Array<[string, "agent" | "user", number, number, number]> = [
  // name, origin, weight, median ms, fail rate
  ["search_code", "agent", 9, 140, 0.03],
  ["read_file_range", "agent", 8, 12, 0.02],
  ["apply_patch", "agent", 7, 60, 0.09],
  ["run_tests", "agent", 6, 7000, 0.05],
  ["git_diff_summary", "agent", 4, 90, 0.02],
  ["find_symbol", "agent", 4, 220, 0.04],
  ["typecheck_file", "agent", 3, 3500, 0.06],
  ["lint_fix", "agent", 2.5, 2600, 0.07],
  ["list_tree", "agent", 3, 30, 0.01],
  ["http_fetch", "user", 2, 900, 0.36],
  ["json_query", "agent", 1.5, 25, 0.05],
  ["db_query", "user", 1.2, 180, 0.08],
  ["summarize_log", "agent", 1.2, 450, 0.05],
  ["deps_graph", "agent", 0.8, 1500, 0.1],
  ["coverage_report", "agent", 0.8, 9000, 0.12],
  ["format_code", "agent", 1.5, 700, 0.02],
  ["todo_scan", "agent", 0.7, 120, 0.01],
  ["bench_compare", "user", 0.4, 30_000, 0.15],
  ["changelog_draft", "agent", 0.4, 800, 0.04],
  ["open_pr", "user", 0.5, 2100, 0.12],
  ["docker_status", "user", 0.5, 600, 0.2],
  ["migration_check", "agent", 0.6, 1400, 0.08],
  ["flaky_test_finder", "agent", 0.3, 45_000, 0.18],
  ["env_check", "agent", 0.6, 80, 0.03],
  ["snapshot_update", "agent", 0.4, 5200, 0.1],
];

const COMMAND_WEIGHTS = COMMANDS.map((c) => c.weight);

function buildTools(count: number, days: number, r: Random): ToolSpec[] {
  const builtins: ToolSpec[] = [
    {
      name: "run_command",
      origin: "builtin",
      weight: 55,
      medianMs: 0,
      sigma: 0,
      failRate: 0,
      introducedDay: 0,
      versions: 0,
      summarize: () => "",
    },
    {
      name: "load_skill",
      origin: "builtin",
      weight: 3,
      medianMs: 8,
      sigma: 0.5,
      failRate: 0.02,
      introducedDay: 0,
      versions: 0,
      summarize: (x) =>
        x.pick([
          "explore-codebase",
          "safe-file-editing",
          "build-it-now",
          "write-migrations",
          "debug-flaky-tests",
        ]),
    },
    {
      name: "log_learning_event",
      origin: "builtin",
      weight: 1.5,
      medianMs: 6,
      sigma: 0.4,
      failRate: 0.01,
      introducedDay: 0,
      versions: 0,
      summarize: (x) => x.pick(["correction", "preference", "pattern"]),
    },
    {
      name: "propose_tool",
      origin: "builtin",
      weight: 0.6,
      medianMs: 2400,
      sigma: 0.6,
      failRate: 0.27,
      introducedDay: 0,
      versions: 0,
      summarize: (x) => x.pick(AGENT_TOOLS)[0],
    },
    {
      name: "reload_tools",
      origin: "builtin",
      weight: 0.4,
      medianMs: 300,
      sigma: 0.5,
      failRate: 0.03,
      introducedDay: 0,
      versions: 0,
      summarize: () => "",
    },
  ];
  const others = AGENT_TOOLS.slice(0, Math.max(0, count - builtins.length)).map(
    ([name, origin, weight, medianMs, failRate], i): ToolSpec => ({
      name,
      origin,
      weight,
      medianMs,
      sigma: 0.7 + r.next() * 0.5,
      failRate,
      introducedDay: i < 6 ? r.int(0, 5) : r.int(3, Math.floor(days * 0.6)),
      versions: 1 + Math.floor(r.next() * 4),
      ...(name === "changelog_draft" || name === "todo_scan" ? { lastDay: Math.floor(days * 0.5) } : {}),
      ...(name === "apply_patch" || name === "find_symbol"
        ? { regression: { failRate: 0.22, slower: 1.8 }, versions: 3 }
        : {}),
      summarize: (x) =>
        name === "http_fetch"
          ? `https://${x.pick(["api.github.com", "example.com", "registry.npmjs.org"])}/${x.int(1, 99)}`
          : x.pick(FILES),
    }),
  );
  return [...builtins, ...others.slice(0, Math.max(0, count - builtins.length))].slice(0, count);
}

interface VersionRow {
  id: string;
  tool: string;
  version: number;
  fromMs: number;
  failRate: number;
  speed: number;
}

// ---------------------------------------------------------------------------------------------
// Writers: one multi-row INSERT per batch, one transaction per chunk

type Value = string | number | boolean | null | Date;

interface Writer {
  readonly provider: "sqlite" | "postgresql";
  /** A value as the driver takes it: times as each provider's Prisma stores them. */
  value(v: Value): unknown;
  /** Inserts rows given as one flat array of values. */
  insert(table: string, columns: readonly string[], values: unknown[]): Promise<void>;
  /** Drops the secondary indexes of the tables and returns how to rebuild them (faster than filling them row by row). */
  dropIndexes(tables: readonly string[]): Promise<string[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

const SQLITE_MAX_VARS = 32_000;
const PG_MAX_PARAMS = 60_000;

function sqliteWriter(file: string): Writer {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  // 1 GiB of page cache: the tables of a million rows stay in memory while they fill
  db.pragma("cache_size = -1048576");
  const statements = new Map<string, Database.Statement>();
  return {
    provider: "sqlite",
    // Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit UTC offset.
    value: (v) =>
      v instanceof Date ? `${v.toISOString().slice(0, 23)}+00:00` : typeof v === "boolean" ? (v ? 1 : 0) : v,
    async insert(table, columns, values) {
      const width = columns.length;
      const per = Math.max(1, Math.min(500, Math.floor(SQLITE_MAX_VARS / width)));
      for (let i = 0; i < values.length; i += per * width) {
        const chunk = values.slice(i, i + per * width);
        const rows = chunk.length / width;
        const key = `${table}:${rows}`;
        let statement = statements.get(key);
        if (!statement) {
          const tuple = `(${columns.map(() => "?").join(",")})`;
          statement = db.prepare(
            `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(",")}) VALUES ${Array(rows).fill(tuple).join(",")}`,
          );
          statements.set(key, statement);
        }
        statement.run(chunk);
      }
    },
    async dropIndexes(tables) {
      const rows = db
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => "?").join(",")})`,
        )
        .all(...tables) as { name: string; sql: string }[];
      for (const row of rows) db.exec(`DROP INDEX "${row.name}"`);
      return rows.map((r) => r.sql);
    },
    async exec(sql) {
      db.exec(sql);
    },
    async close() {
      db.close();
    },
  };
}

async function postgresWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    provider: "postgresql",
    // timestamp(3) without time zone holds UTC wall time, as Prisma writes it.
    value: (v) => (v instanceof Date ? v.toISOString().slice(0, 23).replace("T", " ") : v),
    async insert(table, columns, values) {
      const width = columns.length;
      const per = Math.max(1, Math.min(2000, Math.floor(PG_MAX_PARAMS / width)));
      const cols = columns.map((c) => `"${c}"`).join(",");
      for (let i = 0; i < values.length; i += per * width) {
        const chunk = values.slice(i, i + per * width);
        const tuples: string[] = [];
        for (let row = 0; row < chunk.length / width; row++)
          tuples.push(`(${columns.map((_, j) => `$${row * width + j + 1}`).join(",")})`);
        await client.query(`INSERT INTO "${table}" (${cols}) VALUES ${tuples.join(",")}`, chunk);
      }
    },
    async dropIndexes(tables) {
      const { rows } = await client.query<{ indexname: string; indexdef: string }>(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
        [tables],
      );
      for (const row of rows) await client.query(`DROP INDEX "${row.indexname}"`);
      return rows.map((r) => r.indexdef);
    },
    async exec(sql) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}

/** Buffers rows per table and writes them in batches, one transaction per chunk of whole sessions. */
class Batcher {
  private readonly buffers = new Map<string, { columns: readonly string[]; values: unknown[] }>();
  private pending = 0;
  readonly counts: Record<string, number> = {};

  constructor(
    private readonly writer: Writer,
    private readonly chunk = 50_000,
  ) {}

  async add(table: string, columns: readonly string[], row: Value[]): Promise<void> {
    let buffer = this.buffers.get(table);
    if (!buffer) {
      buffer = { columns, values: [] };
      this.buffers.set(table, buffer);
    }
    for (const v of row) buffer.values.push(this.writer.value(v));
    this.counts[table] = (this.counts[table] ?? 0) + 1;
    this.pending++;
  }

  /** Called between sessions only, so every chunk holds whole sessions (foreign keys hold at commit). */
  async maybeFlush(): Promise<void> {
    if (this.pending >= this.chunk) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending === 0) return;
    await this.writer.exec("BEGIN");
    // parents before children (foreign keys)
    for (const table of TABLE_ORDER) {
      const buffer = this.buffers.get(table);
      if (!buffer || buffer.values.length === 0) continue;
      await this.writer.insert(table, buffer.columns, buffer.values);
      buffer.values = [];
    }
    await this.writer.exec("COMMIT");
    this.pending = 0;
  }
}

const TABLE_ORDER = [
  "Session",
  "Turn",
  "Message",
  "Part",
  "ToolVersion",
  "ToolCall",
  "ModelStep",
  "SkillLoad",
  "Friction",
  "LearningEvent",
  "Reflection",
  "MaintenanceRun",
  "WorkingMemory",
  "Hypothesis",
];

const COLUMNS = {
  Session: [
    "id",
    "kind",
    "title",
    "workspace",
    "status",
    "model",
    "inputTokens",
    "outputTokens",
    "costUsd",
    "createdAt",
    "updatedAt",
    "endedAt",
  ],
  Turn: ["id", "sessionId", "status", "error", "steps", "startedAt", "endedAt"],
  Message: ["id", "sessionId", "turnId", "role", "createdAt"],
  Part: ["id", "messageId", "idx", "type", "data", "createdAt", "updatedAt"],
  ToolVersion: [
    "id",
    "name",
    "version",
    "sha256",
    "source",
    "origin",
    "status",
    "description",
    "validation",
    "reason",
    "parentId",
    "decidedBy",
    "decidedAt",
    "createdAt",
  ],
  ToolCall: [
    "id",
    "sessionId",
    "turnId",
    "callId",
    "tool",
    "toolVersion",
    "inputSummary",
    "ok",
    "exitCode",
    "errorClass",
    "durationMs",
    "outputBytes",
    "commandKey",
    "createdAt",
  ],
  ModelStep: [
    "id",
    "sessionId",
    "turnId",
    "step",
    "model",
    "inputTokens",
    "outputTokens",
    "costUsd",
    "durationMs",
    "createdAt",
  ],
  SkillLoad: ["id", "skill", "sessionId", "turnId", "kind", "trigger", "createdAt"],
  Friction: ["id", "sessionId", "turnId", "kind", "detail", "outcome", "toolName", "createdAt"],
  LearningEvent: [
    "id",
    "sessionId",
    "type",
    "description",
    "source",
    "usedCount",
    "lastUsedAt",
    "recurred",
    "createdAt",
    "updatedAt",
  ],
  Reflection: ["id", "sessionId", "status", "trigger", "summary", "model", "createdAt", "updatedAt"],
  MaintenanceRun: ["id", "status", "analysis", "startedAt", "finishedAt"],
  WorkingMemory: ["id", "version", "content", "source", "runId", "createdAt"],
  Hypothesis: [
    "id",
    "claim",
    "subjectType",
    "subjectRef",
    "metric",
    "comparator",
    "baseline",
    "target",
    "evaluateAfter",
    "startedAt",
    "observed",
    "verdict",
    "evaluatedAt",
  ],
} as const;

// ---------------------------------------------------------------------------------------------

const SKILLS = [
  "explore-codebase",
  "safe-file-editing",
  "build-it-now",
  "reflection-template",
  "write-migrations",
  "debug-flaky-tests",
];
const FRICTION_KINDS = [
  "repeated_failure",
  "tool_error",
  "timeout",
  "repeated_pattern",
  "slow_call",
  "correction",
];
const PRICE_IN = 1.25 / 1_000_000;
const PRICE_OUT = 10 / 1_000_000;

function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((w / sum) * total));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

export async function seedTelemetry(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const sessionCount = options.sessions ?? 2000;
  const days = options.days ?? 90;
  const end = (options.now ?? new Date()).getTime();
  const start = end - days * DAY;
  const r = new Random(mulberry32(options.seed ?? 1));

  await migrateDeploy({ ...process.env, DATABASE_URL: options.databaseUrl });
  log(`  migrated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const writer = /^postgres(ql)?:/.test(options.databaseUrl)
    ? await postgresWriter(options.databaseUrl)
    : sqliteWriter(path.resolve(options.databaseUrl.replace(/^file:/, "")));
  const out = new Batcher(writer);
  const rebuild = await writer.dropIndexes(TABLE_ORDER);
  try {
    const tools = buildTools(options.tools ?? 30, days, r);
    const at = (day: number) => start + day * DAY;

    // Tool versions: v1 when introduced, later versions spread over the rest of the period.
    const versions = new Map<string, VersionRow[]>();
    for (const tool of tools) {
      if (tool.origin === "builtin") continue;
      const list: VersionRow[] = [];
      let fromMs = at(tool.introducedDay) + r.int(0, DAY);
      let failRate = tool.failRate * 1.6;
      let speed = 1.3;
      let parentId: string | null = null;
      for (let v = 1; v <= tool.versions; v++) {
        const latest = v === tool.versions;
        if (latest && tool.regression && v > 1) {
          failRate = tool.regression.failRate;
          speed *= tool.regression.slower;
        }
        const id = r.id(fromMs);
        list.push({ id, tool: tool.name, version: v, fromMs, failRate, speed });
        const retired = latest && tool.lastDay !== undefined;
        await out.add("ToolVersion", COLUMNS.ToolVersion, [
          id,
          tool.name,
          v,
          r.hex(64),
          `export default { description: "${tool.name} v${v}", async run(args) { /* … */ } };\n`,
          tool.origin,
          retired ? "retired" : latest ? "active" : "superseded",
          `${tool.name.replace(/_/g, " ")}`,
          "{}",
          v === 1 ? "repeated friction" : "faster and fewer failures",
          parentId,
          "seed",
          new Date(fromMs),
          new Date(fromMs),
        ]);
        parentId = id;
        const next = fromMs + r.int(Math.floor(DAY * 5), Math.floor(DAY * 25));
        if (next >= end - DAY * 2) break;
        fromMs = next;
        failRate *= 0.7;
        speed *= 0.85;
      }
      versions.set(tool.name, list);
    }

    // Sessions over the period, each with its share of the calls.
    const sessionStarts = Array.from(
      { length: sessionCount },
      () => start + r.next() * (end - start - 3 * 3600_000),
    ).sort((a, b) => a - b);
    const callsPer = apportion(
      options.calls,
      sessionStarts.map(() => Math.max(0.05, r.logNormal(1, 0.8))),
    );
    let callsDone = 0;
    let lastLogged = 0;
    for (let s = 0; s < sessionCount; s++) {
      const t0 = sessionStarts[s] ?? start;
      const sessionId = r.id(t0);
      const day = (t0 - start) / DAY;
      const model = r.chance(0.7) ? "gpt-5-mini" : "gpt-5";
      const calls = callsPer[s] ?? 0;
      const turnCount = Math.max(1, Math.round(calls / r.int(25, 70)));
      // this session's tool mix: the global weights, jittered, limited to tools that exist by then
      const available = tools.filter(
        (t) =>
          (t.origin === "builtin" || (versions.get(t.name)?.[0]?.fromMs ?? Infinity) <= t0) &&
          (t.lastDay === undefined || day <= t.lastDay),
      );
      const mix = available.map((t) => t.weight * r.logNormal(1, 0.6));
      const turnCalls = apportion(
        calls,
        Array.from({ length: turnCount }, () => r.logNormal(1, 0.5)),
      );
      let t = t0;
      let sessionIn = 0;
      let sessionOut = 0;
      let sessionCost = 0;
      const recent = end - t0 < DAY * 2;
      const status = recent && r.chance(0.5) ? "idle" : r.chance(0.9) ? "ended" : "interrupted";
      for (let k = 0; k < turnCount; k++) {
        const turnId = r.id(t);
        const turnStart = t;
        const userAt = new Date(t);
        const userMessage = r.id(t);
        await out.add("Message", COLUMNS.Message, [userMessage, sessionId, turnId, "user", userAt]);
        await out.add("Part", COLUMNS.Part, [
          r.id(t),
          userMessage,
          0,
          "text",
          JSON.stringify({ type: "text", text: `task ${k + 1}` }),
          userAt,
          userAt,
        ]);
        let step = 0;
        // the prompt grows with the turn; history from earlier turns is compacted to a few thousand tokens
        let context = r.int(4000, 9000) + Math.min(k, 8) * r.int(500, 1500);
        let left = turnCalls[k] ?? 0;
        // Each step: the model answers, its tool calls run, then the step is recorded (finish-step
        // comes after the tool results). The last step is the final answer, with no calls.
        for (;;) {
          step++;
          const inStep = Math.min(left, r.weighted([1, 2, 3], [0.6, 0.3, 0.1]));
          left -= inStep;
          const stepMs = Math.round(r.logNormal(2500, 0.5));
          t += stepMs;
          for (let c = 0; c < inStep; c++) {
            const tool = r.weighted(available, mix);
            const row = makeCall(r, tool, versions.get(tool.name), t);
            t += row.durationMs + r.int(5, 300);
            await out.add("ToolCall", COLUMNS.ToolCall, [
              r.id(t),
              sessionId,
              turnId,
              `call_${r.hex(16)}`,
              tool.name,
              row.version,
              row.input,
              row.ok,
              row.exitCode,
              row.errorClass,
              row.durationMs,
              row.outputBytes,
              row.commandKey,
              new Date(t),
            ]);
          }
          context += r.int(300, 1200);
          const inputTokens = Math.min(context, 64_000);
          const outputTokens = Math.round(r.logNormal(350, 0.8));
          const cost = inputTokens * PRICE_IN * (model === "gpt-5" ? 4 : 1) + outputTokens * PRICE_OUT;
          sessionIn += inputTokens;
          sessionOut += outputTokens;
          sessionCost += cost;
          t += 1;
          await out.add("ModelStep", COLUMNS.ModelStep, [
            r.id(t),
            sessionId,
            turnId,
            step,
            model,
            inputTokens,
            outputTokens,
            cost,
            stepMs,
            new Date(t),
          ]);
          if (inStep === 0) break;
        }
        const assistantMessage = r.id(t);
        await out.add("Message", COLUMNS.Message, [
          assistantMessage,
          sessionId,
          turnId,
          "assistant",
          new Date(turnStart),
        ]);
        await out.add("Part", COLUMNS.Part, [
          r.id(t),
          assistantMessage,
          0,
          "text",
          JSON.stringify({ type: "text", text: "done" }),
          new Date(t),
          new Date(t),
        ]);
        const last = k === turnCount - 1;
        const turnStatus =
          last && status === "interrupted"
            ? "interrupted"
            : r.weighted(["completed", "error", "cancelled"], [0.86, 0.06, 0.08]);
        await out.add("Turn", COLUMNS.Turn, [
          turnId,
          sessionId,
          turnStatus,
          turnStatus === "error" ? "model error" : null,
          step,
          new Date(turnStart),
          new Date(t),
        ]);
        // skill loads and frictions, tied to the turn
        if (r.chance(0.55)) {
          const skill = r.weighted(SKILLS, [5, 4, 3, 1, 1.5, 1]);
          await out.add("SkillLoad", COLUMNS.SkillLoad, [
            r.id(turnStart),
            skill,
            sessionId,
            turnId,
            "suggested",
            "trigger",
            new Date(turnStart),
          ]);
          if (r.chance(0.6))
            await out.add("SkillLoad", COLUMNS.SkillLoad, [
              r.id(turnStart),
              skill,
              sessionId,
              turnId,
              "loaded",
              null,
              new Date(turnStart + 1000),
            ]);
        }
        if (r.chance(0.3)) {
          const outcome = r.weighted(["tool_built", "tool_changed", "none"], [0.2, 0.1, 0.7]);
          await out.add("Friction", COLUMNS.Friction, [
            r.id(t),
            sessionId,
            turnId,
            r.pick(FRICTION_KINDS),
            "repeated failure of npm test",
            outcome,
            outcome === "none" ? null : r.pick(AGENT_TOOLS)[0],
            new Date(turnStart + 2000),
          ]);
        }
        t += r.int(20_000, 600_000); // the user reads, thinks, types
      }
      // learning events: more from the detector in later sessions
      const learnings = r.int(0, 4);
      for (let i = 0; i < learnings; i++) {
        const used = r.chance(0.6) ? r.int(1, 40) : 0;
        const when = new Date(t0 + r.next() * (t - t0));
        await out.add("LearningEvent", COLUMNS.LearningEvent, [
          r.id(t),
          sessionId,
          r.weighted(["correction", "preference", "pattern"], [3, 2, 2]),
          "use pnpm, not npm, in this repo",
          r.weighted(["agent", "detector", "user"], [5, 2 + (3 * day) / days, 2]),
          used,
          used ? when : null,
          r.chance(0.1) ? 1 : 0,
          when,
          when,
        ]);
      }
      const endedAt = status === "idle" ? null : new Date(t);
      await out.add("Session", COLUMNS.Session, [
        sessionId,
        "agent",
        `seeded session ${s + 1}`,
        "/seed/workspace",
        status,
        model,
        sessionIn,
        sessionOut,
        sessionCost,
        new Date(t0),
        new Date(t),
        endedAt,
      ]);
      if (status !== "idle" && r.chance(0.88)) {
        const reflectionStatus = r.weighted(["success", "empty", "error"], [0.82, 0.1, 0.08]);
        await out.add("Reflection", COLUMNS.Reflection, [
          r.id(t),
          sessionId,
          reflectionStatus,
          status === "ended" ? "end" : "interrupted",
          reflectionStatus === "success" ? "Went well: tests first." : null,
          model,
          new Date(t + 5000),
          new Date(t + 20_000),
        ]);
      }
      await out.maybeFlush();
      callsDone += calls;
      if (callsDone - lastLogged >= 100_000) {
        lastLogged = callsDone;
        log(`  ${callsDone.toLocaleString()} calls…`);
      }
    }

    // Working memory: a version after every maintenance pass, about weekly.
    for (let v = 1; v <= Math.max(1, Math.floor(days / 7)); v++) {
      const when = new Date(start + v * 7 * DAY);
      const runId = r.id(when.getTime());
      await out.add("MaintenanceRun", COLUMNS.MaintenanceRun, [runId, "completed", "{}", when, when]);
      await out.add("WorkingMemory", COLUMNS.WorkingMemory, [
        r.id(when.getTime()),
        v,
        Array.from({ length: 4 + v }, (_, i) => `- learning ${i + 1}`).join("\n"),
        "maintenance",
        runId,
        when,
      ]);
    }

    // Hypotheses about tool versions: one validated, one invalidated, one pending.
    const hypotheses = [...versions.values()].filter((list) => list.length >= 2).slice(0, 3);
    for (const [i, list] of hypotheses.entries()) {
      const latest = list[list.length - 1] as VersionRow;
      const verdict = ["validated", "invalidated", "pending"][i] ?? "pending";
      await out.add("Hypothesis", COLUMNS.Hypothesis, [
        r.id(latest.fromMs),
        `${latest.tool} v${latest.version} succeeds at least as often as v${latest.version - 1}`,
        "tool_version",
        latest.id,
        "success_rate",
        "gte",
        0.9,
        0.95,
        5,
        new Date(latest.fromMs),
        verdict === "pending" ? null : verdict === "validated" ? 0.97 : 0.81,
        verdict,
        verdict === "pending" ? null : new Date(Math.min(end, latest.fromMs + 5 * DAY)),
      ]);
    }
    await out.flush();
    log(`  rebuilding ${rebuild.length} indexes…`);
  } finally {
    for (const sql of rebuild) await writer.exec(sql);
    log("  analyzing…");
    // planner statistics; SQLite samples (analysis_limit) rather than reading every index in full
    if (writer.provider === "sqlite") await writer.exec("PRAGMA analysis_limit = 2000");
    // VACUUM on PostgreSQL sets the visibility map, so index-only scans need not visit the table
    await writer.exec(writer.provider === "postgresql" ? "VACUUM ANALYZE" : "ANALYZE");
    await writer.close();
  }
  return {
    databaseUrl: options.databaseUrl,
    rows: out.counts,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

interface CallRow {
  version: string;
  input: string;
  ok: boolean;
  exitCode: number | null;
  errorClass: string | null;
  durationMs: number;
  outputBytes: number;
  commandKey: string | null;
}

function versionAt(list: VersionRow[] | undefined, time: number): VersionRow | undefined {
  if (!list) return undefined;
  let current: VersionRow | undefined;
  for (const v of list) if (v.fromMs <= time) current = v;
  return current ?? list[0];
}

function makeCall(r: Random, tool: ToolSpec, list: VersionRow[] | undefined, time: number): CallRow {
  if (tool.name === "run_command") {
    const template = r.weighted(COMMANDS, COMMAND_WEIGHTS);
    const command = template.make(r);
    const roll = r.next();
    const durationMs = Math.max(1, Math.round(r.logNormal(template.medianMs, 0.7)));
    const base = {
      version: "builtin",
      input: command,
      outputBytes: Math.round(r.logNormal(1800, 1.4)),
      commandKey: normalizeCommand(command),
    };
    if (roll < 0.004)
      return { ...base, ok: false, exitCode: null, errorClass: "timeout", durationMs: 120_000 };
    if (roll < 0.007) return { ...base, ok: false, exitCode: null, errorClass: "cancelled", durationMs };
    if (template.network && roll < 0.1)
      return { ...base, ok: true, exitCode: r.pick([6, 7, 1]), errorClass: "sandbox_denial", durationMs };
    if (r.chance(template.failRate))
      return {
        ...base,
        ok: true,
        exitCode: r.weighted([1, 2, 127], [0.85, 0.1, 0.05]),
        errorClass: "command_failed",
        durationMs,
      };
    return { ...base, ok: true, exitCode: 0, errorClass: null, durationMs };
  }
  const version = versionAt(list, time);
  const failRate = version ? version.failRate : tool.failRate;
  const speed = version ? version.speed : 1;
  const durationMs = Math.max(1, Math.round(r.logNormal(tool.medianMs * speed, tool.sigma)));
  const base = {
    version: version ? `v${version.version}` : "builtin",
    input: tool.summarize(r),
    exitCode: null,
    outputBytes: Math.round(r.logNormal(900, 1.2)),
    commandKey: null,
  };
  if (r.chance(failRate)) {
    const errorClass = r.weighted(["tool_error", "timeout", "cancelled"], [0.75, 0.18, 0.07]);
    return {
      ...base,
      ok: false,
      errorClass,
      durationMs: errorClass === "timeout" ? 60_000 : durationMs,
    };
  }
  return { ...base, ok: true, errorClass: null, durationMs };
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv: string[]) {
  const options: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg.startsWith("--")) options[arg.slice(2)] = argv[++i] ?? "";
    else positional.push(arg);
  }
  return { options, positional };
}

async function main() {
  const { options, positional } = parseArgs(process.argv.slice(2));
  const calls = Number(positional[0] ?? options.calls ?? 1_000_000);
  if (!Number.isInteger(calls) || calls < 0) {
    console.error(
      "usage: npm run seed:telemetry -- <calls> [--sessions 2000] [--tools 30] [--days 90] [--seed 1]",
    );
    process.exit(2);
  }
  const databaseUrl =
    process.env.DATABASE_URL ??
    `file:${path.join(mkdtempSync(path.join(os.tmpdir(), `ratchet-telemetry-${randomBytes(3).toString("hex")}-`)), "ratchet.db")}`;
  console.log(
    `seeding ${calls.toLocaleString()} tool calls into ${databaseUrl.replace(/\/\/[^@]*@/, "//…@")}`,
  );
  const result = await seedTelemetry({
    databaseUrl,
    calls,
    sessions: options.sessions ? Number(options.sessions) : undefined,
    tools: options.tools ? Number(options.tools) : undefined,
    days: options.days ? Number(options.days) : undefined,
    seed: options.seed ? Number(options.seed) : undefined,
  });
  console.log(
    `done in ${result.seconds} s: ${Object.entries(result.rows)
      .map(([table, n]) => `${table} ${n.toLocaleString()}`)
      .join(", ")}`,
  );
  console.log(`DATABASE_URL=${databaseUrl}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
