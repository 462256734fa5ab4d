import { describe, expect, it } from "vitest";
import {
  aggregate,
  type CatalogVersion,
  combineAggregates,
  commandsFrom,
  compactAggregate,
  compareVersions,
  dailyFrom,
  healthFrom,
  hypothesesFrom,
  learningFrom,
  scorecardsFrom,
  spendFrom,
  tierSpendFrom,
  toolStatsFrom,
} from "./derive";
import { histogramFrom } from "./histogram";
import { type Rollup, rollupFromRows } from "./rollup";
import type { VersionStats } from "./types";

function day(
  name: string,
  calls: {
    tool: string;
    version?: string;
    errorClass?: string | null;
    ok?: boolean;
    ms?: number;
    at?: number;
  }[],
): Rollup {
  const groups = new Map<string, Rollup["groups"][number]>();
  const durations = new Map<string, number[]>();
  for (const c of calls) {
    const version = c.version ?? "builtin";
    const key = `${c.tool}|${version}|${c.errorClass ?? ""}`;
    const g = groups.get(key) ?? {
      tool: c.tool,
      version,
      errorClass: c.errorClass ?? null,
      calls: 0,
      successes: 0,
      lastAt: 0,
    };
    g.calls++;
    if (c.ok ?? !c.errorClass) g.successes++;
    g.lastAt = Math.max(g.lastAt, c.at ?? Date.parse(`${name}T12:00:00Z`));
    groups.set(key, g);
    const hk = `${c.tool}|${version}`;
    durations.set(hk, [...(durations.get(hk) ?? []), c.ms ?? 10]);
  }
  return {
    day: name,
    groups: [...groups.values()],
    histograms: [...durations.entries()].map(([k, v]) => {
      const [tool = "", version = ""] = k.split("|");
      return { tool, version, histogram: histogramFrom(v) };
    }),
    commands: [],
    steps: [],
  };
}

const many = (n: number, call: Parameters<typeof day>[1][number]) => Array.from({ length: n }, () => call);

function stats(version: string, calls: number, successes: number, p50: number): VersionStats {
  return {
    version,
    calls,
    successes,
    successRate: successes / calls,
    errorRate: 1 - successes / calls,
    p50Ms: p50,
    p95Ms: p50 * 2,
    firstAt: null,
    lastAt: null,
  };
}

describe("rollups from SQL rows", () => {
  it("folds groups, histograms and commands; normalizes commands written before commandKey existed", () => {
    const rollup = rollupFromRows("2026-01-01", [
      {
        k: "g",
        a: "run_command",
        b: "builtin",
        c: null,
        x: 3n,
        n: 3n,
        m: null,
        t: "2026-01-01T10:00:00.000+00:00",
      },
      { k: "h", a: "run_command", b: "builtin", c: null, x: 300, n: 1, m: 310, t: null },
      { k: "h", a: "run_command", b: "builtin", c: null, x: 12, n: 2, m: 12, t: null },
      { k: "c", a: "npm test", b: null, c: null, x: 1, n: 2, m: null, t: null },
      { k: "r", a: "npm test -- b", b: null, c: null, x: 1, n: 1, m: null, t: null },
      { k: "r", a: "git status", b: null, c: null, x: 0, n: 4, m: null, t: null },
    ]);
    expect(rollup.groups).toEqual([
      {
        tool: "run_command",
        version: "builtin",
        errorClass: null,
        calls: 3,
        successes: 3,
        lastAt: Date.parse("2026-01-01T10:00:00Z"),
      },
    ]);
    expect(rollup.histograms[0]?.histogram).toEqual({ buckets: [12, 300], counts: [2, 1], maxes: [12, 310] });
    expect(commandsFrom([rollup])).toEqual([
      { command: "npm test", calls: 3, failures: 2, failureRate: 2 / 3 },
    ]);
    expect(commandsFrom([rollup], 10, false).map((c) => c.command)).toEqual(["npm test", "git status"]);
  });
});

describe("per-tool figures", () => {
  const rollups = [
    day("2026-01-01", [
      ...many(3, { tool: "a", ms: 10 }),
      { tool: "a", errorClass: "timeout", ok: false, ms: 60_000 },
      { tool: "b" },
    ]),
    day("2026-01-02", [
      { tool: "a", ms: 20 },
      { tool: "run_command", errorClass: "command_failed", ok: true },
    ]),
  ];

  it("adds calls, successes and percentiles up across days", () => {
    expect(toolStatsFrom(rollups)).toEqual([
      {
        tool: "a",
        calls: 5,
        successes: 4,
        failures: 1,
        successRate: 0.8,
        p50Ms: 10,
        p95Ms: 60_000,
        lastUsedAt: "2026-01-02T12:00:00.000Z",
      },
      {
        tool: "b",
        calls: 1,
        successes: 1,
        failures: 0,
        successRate: 1,
        p50Ms: 10,
        p95Ms: 10,
        lastUsedAt: "2026-01-01T12:00:00.000Z",
      },
      {
        tool: "run_command",
        calls: 1,
        successes: 1,
        failures: 0,
        successRate: 1,
        p50Ms: 10,
        p95Ms: 10,
        lastUsedAt: "2026-01-02T12:00:00.000Z",
      },
    ]);
  });

  it("gives every day of the range a point, empty days included", () => {
    const daily = dailyFrom(rollups, ["2025-12-31", "2026-01-01", "2026-01-02"]);
    expect(daily.map((d) => [d.day, d.calls, d.successes, d.failed])).toEqual([
      ["2025-12-31", 0, 0, 0],
      ["2026-01-01", 5, 4, 1],
      ["2026-01-02", 2, 2, 1],
    ]);
    expect(daily[1]?.byClass).toEqual({ timeout: 1 });
    expect(daily[1]?.byTool).toEqual({ a: [4, 3], b: [1, 1] });
    expect(daily[0]?.p50Ms).toBeNull();
  });
});

describe("version comparisons", () => {
  it("calls a significant drop in success, or a 1.5× slower median, a regression", () => {
    expect(compareVersions(stats("v2", 100, 80, 10), stats("v1", 100, 97, 10))).toMatchObject({
      regressed: true,
      verdict: "regressed: success 17.0 points lower",
    });
    expect(compareVersions(stats("v2", 100, 96, 16), stats("v1", 100, 97, 10))).toMatchObject({
      regressed: true,
      verdict: "regressed: median 1.6× slower",
    });
    expect(compareVersions(stats("v2", 100, 99, 5), stats("v1", 100, 90, 10))).toMatchObject({
      improved: true,
      regressed: false,
    });
  });

  it("needs enough calls on both sides, and a difference beyond chance", () => {
    expect(compareVersions(stats("v2", 10, 5, 10), stats("v1", 100, 100, 10)).verdict).toMatch(
      /too few calls/,
    );
    // 6 points lower but over 40 calls each: not significant
    expect(compareVersions(stats("v2", 40, 36, 10), stats("v1", 40, 38, 10))).toMatchObject({
      regressed: false,
      verdict: "no significant change",
    });
    expect(compareVersions(stats("v1", 40, 36, 10), null).verdict).toBe("first version");
  });

  it("compares each version with its parent from the catalog, else the previous number", () => {
    const catalog: CatalogVersion[] = [
      {
        id: "x1",
        name: "fmt",
        version: 1,
        status: "superseded",
        origin: "agent",
        parentId: null,
        createdAt: new Date(0),
      },
      {
        id: "x2",
        name: "fmt",
        version: 2,
        status: "rejected",
        origin: "agent",
        parentId: "x1",
        createdAt: new Date(0),
      },
      {
        id: "x3",
        name: "fmt",
        version: 3,
        status: "active",
        origin: "agent",
        parentId: "x1",
        createdAt: new Date(0),
      },
    ];
    const rollup = day("2026-01-01", [
      ...many(30, { tool: "fmt", version: "v1" }),
      ...many(30, { tool: "fmt", version: "v3" }),
      ...many(30, { tool: "lint", version: "v2" }),
      ...many(30, { tool: "lint", version: "v1", errorClass: "tool_error", ok: false }),
    ]);
    const cards = scorecardsFrom(aggregate([rollup]).versions, catalog);
    expect(cards.map((c) => [c.tool, c.current.version, c.parent?.version ?? null, c.origin])).toEqual([
      ["fmt", "v3", "v1", "agent"],
      ["fmt", "v1", null, "agent"],
      ["lint", "v2", "v1", null],
      ["lint", "v1", null, null],
    ]);
    expect(cards[2]?.improved).toBe(true);
  });
});

describe("the health table", () => {
  const catalog: CatalogVersion[] = [
    {
      id: "n1",
      name: "new_tool",
      version: 1,
      status: "active",
      origin: "agent",
      parentId: null,
      createdAt: new Date("2026-01-05T00:00:00Z"),
    },
    {
      id: "o1",
      name: "old_tool",
      version: 1,
      status: "active",
      origin: "user",
      parentId: null,
      createdAt: new Date("2025-01-01T00:00:00Z"),
    },
    {
      id: "t1",
      name: "trial_tool",
      version: 1,
      status: "proposed",
      origin: "agent",
      parentId: null,
      createdAt: new Date("2026-01-01T00:00:00Z"),
    },
    {
      id: "r1",
      name: "gone",
      version: 1,
      status: "retired",
      origin: "agent",
      parentId: null,
      createdAt: new Date("2025-01-01T00:00:00Z"),
    },
  ];
  const rollups = [
    day("2026-01-01", [
      ...many(3, { tool: "flaky", errorClass: "tool_error", ok: false }),
      ...many(6, { tool: "flaky" }),
      ...many(2, { tool: "rare", errorClass: "tool_error", ok: false }),
      ...many(2, { tool: "trial_tool", version: "v1", errorClass: "tool_error", ok: false }),
      { tool: "gone", version: "v1" },
      ...many(2, { tool: "docs__search", version: "mcp:docs" }),
      { tool: "mcp_resources", version: "mcp:docs" },
      { tool: "mcp_resources", version: "mcp:wiki", errorClass: "timeout", ok: false },
    ]),
  ];
  const recent = {
    count: 20,
    oldest: Date.parse("2026-01-02T00:00:00Z"),
    tools: new Set(["flaky", "run_command"]),
  };
  const rows = healthFrom({
    rollups,
    scorecards: [],
    catalog,
    builtins: ["run_command", "load_skill"],
    recent,
    unusedAfterSessions: 20,
  });
  const row = (tool: string) => rows.find((r) => r.tool === tool);

  it("lists tools with calls, the built-ins and active tools, most calls first", () => {
    expect(rows.map((r) => r.tool)).toEqual([
      "flaky",
      "docs__search",
      "mcp_resources",
      "rare",
      "trial_tool",
      "gone",
      "load_skill",
      "new_tool",
      "old_tool",
      "run_command",
    ]);
    expect(row("old_tool")).toMatchObject({ calls: 0, origin: "user", version: "v1", lastUsedAt: null });
    expect(row("load_skill")).toMatchObject({ origin: "builtin", version: "builtin" });
  });

  it("counts an MCP server's tools like the rest, named as MCP with their server", () => {
    expect(row("docs__search")).toMatchObject({ calls: 2, successes: 2, origin: "mcp", version: "mcp:docs" });
    expect(row("mcp_resources")).toMatchObject({ calls: 2, failures: 1, origin: "mcp", version: "mcp" });
  });

  it("flags failing above 30 % only with 5 calls or more", () => {
    expect(row("flaky")?.flags.failing).toBe(true);
    expect(row("rare")?.flags.failing).toBe(false);
  });

  it("flags an agent-written tool that failed in use, even in its first trial calls", () => {
    expect(row("trial_tool")).toMatchObject({ calls: 2, successes: 0, status: "proposed" });
    expect(row("trial_tool")?.flags.failing).toBe(true);
  });

  it("flags unused only for tools offered to the agent since before the recent sessions", () => {
    expect(row("load_skill")?.flags.unused).toBe(true);
    expect(row("old_tool")?.flags.unused).toBe(true);
    expect(row("new_tool")?.flags.unused).toBe(false);
    expect(row("gone")?.flags.unused).toBe(false);
    expect(row("run_command")?.flags.unused).toBe(false);
    const fewSessions = healthFrom({
      rollups,
      scorecards: [],
      catalog,
      builtins: ["load_skill"],
      recent: { ...recent, count: 3 },
      unusedAfterSessions: 20,
    });
    expect(fewSessions.find((r) => r.tool === "load_skill")?.flags.unused).toBe(false);
  });
});

describe("learning loop and spend", () => {
  const input = {
    learningByDay: [
      { day: "2026-01-01", source: "agent", n: 3 },
      { day: "2026-01-01", source: "user", n: 1 },
    ],
    learningUse: { total: 10, used: 4, uses: 17 },
    sessions: [{ day: "2026-01-01", sessions: 2, inputTokens: 900, outputTokens: 100, costUsd: 1 }],
    completedTurns: [{ day: "2026-01-01", n: 4 }],
    reflections: { eligible: 2, reflected: 1, failed: 1 },
    frictions: [
      { outcome: "tool_built", kind: "timeout", n: 1 },
      { outcome: "none", kind: "timeout", n: 2 },
      { outcome: "pending", kind: "slow_call", n: 1 },
    ],
    skills: [
      { skill: "a", kind: "suggested", n: 5 },
      { skill: "a", kind: "loaded", n: 2 },
    ],
    workingMemory: {
      version: 3,
      createdAt: new Date("2026-01-01T00:00:00Z"),
      content: "# Memory\n- one\n- two\nnot an item",
    },
  };

  it("reports per-session learning by source, coverage, conversion, skills and memory", () => {
    const l = learningFrom(input, ["2026-01-01", "2026-01-02"]);
    expect(l.perSessionBySource).toEqual({ agent: 1.5, user: 0.5 });
    expect(l.learningByDay[1]).toEqual({ day: "2026-01-02", bySource: {} });
    expect(l.reflection.coverage).toBe(0.5);
    expect(l.friction).toEqual({
      total: 3,
      converted: 1,
      pending: 1,
      rate: 1 / 3,
      byKind: { timeout: 3, slow_call: 1 },
    });
    expect(l.skills).toEqual([{ skill: "a", suggested: 5, loaded: 2 }]);
    expect(l.workingMemory).toMatchObject({ used: 4, uses: 17, version: 3, items: 2 });
  });

  it("divides all spend by sessions and by completed tasks", () => {
    const s = spendFrom(input, ["2026-01-01"]);
    expect(s).toMatchObject({
      sessions: 2,
      completedTasks: 4,
      costPerSession: 0.5,
      costPerTask: 0.25,
      tokensPerSession: 500,
      tokensPerTask: 250,
    });
    expect(s.daily[0]).toMatchObject({ costPerSession: 0.5, costPerTask: 0.25, tokens: 1000 });
  });

  it("sums model steps per tier, fast first, steps without tiers on their own row", () => {
    const step = (tier: string | null, model: string, steps: number, costUsd: number) => ({
      tier,
      model,
      steps,
      inputTokens: steps * 100,
      outputTokens: steps * 10,
      costUsd,
    });
    const byTier = tierSpendFrom([
      step("strong", "big", 2, 0.2),
      step(null, "old", 5, 0.05),
      step("fast", "small", 6, 0.06),
      step("fast", "small-2", 2, 0.02),
      // a value nobody writes is not shown as a tier of its own
      step("turbo", "odd", 1, 0),
    ]);
    expect(byTier.map((t) => [t.tier, t.models, t.steps, t.inputTokens + t.outputTokens])).toEqual([
      ["fast", ["small", "small-2"], 8, 880],
      ["strong", ["big"], 2, 220],
      ["untiered", ["odd", "old"], 6, 660],
    ]);
    expect(byTier[0]?.costUsd).toBeCloseTo(0.08);
    expect(byTier[1]?.costPerStep).toBeCloseTo(0.1);
    expect(spendFrom(input, ["2026-01-01"]).byTier).toEqual([]);
    expect(spendFrom(input, ["2026-01-01"], [step("strong", "big", 1, 0.1)]).byTier).toMatchObject([
      { tier: "strong", steps: 1 },
    ]);
  });
});

it("resolves hypothesis subjects to tool versions by id or name@vN", () => {
  const catalog: CatalogVersion[] = [
    {
      id: "id7",
      name: "fmt",
      version: 2,
      status: "active",
      origin: "agent",
      parentId: null,
      createdAt: new Date(0),
    },
  ];
  const base = {
    claim: "c",
    subjectType: "tool_version",
    metric: "success_rate",
    comparator: "gte",
    baseline: 0.9,
    target: 0.95,
    observed: null,
    verdict: "pending",
    startedAt: new Date(0),
    evaluatedAt: null,
  };
  const cards = hypothesesFrom(
    [
      { ...base, id: "h1", subjectRef: "id7" },
      { ...base, id: "h2", subjectRef: "lint@v4" },
      { ...base, id: "h3", subjectRef: "memory", subjectType: "working_memory" },
    ],
    catalog,
    [],
  );
  expect(cards.map((c) => c.subject)).toEqual(["fmt v2", "lint v4", "memory"]);
});

describe("a kept aggregate of closed days, combined with the rest", () => {
  it("gives the figures of one aggregate over all the days, and leaves the kept one unchanged", () => {
    const days = Array.from({ length: 6 }, (_, d) =>
      day(
        `2026-01-0${d + 1}`,
        Array.from({ length: 40 }, (_, i) => ({
          tool: i % 3 ? "read_file" : "fmt",
          version: i % 3 ? "builtin" : d < 3 ? "v1" : "v2",
          errorClass: i % (d + 3) === 0 ? (i % 2 ? "timeout" : "command_failed") : null,
          ok: i % (d + 3) !== 0,
          ms: 3 + ((i * 131 + d * 17) % 3000),
          at: Date.UTC(2026, 0, d + 1, 0, i),
        })),
      ),
    );
    const kept = compactAggregate(aggregate(days.slice(0, 4)));
    const snapshot = JSON.stringify(kept, (_, v) => (v instanceof Map ? [...v] : v));
    const combined = combineAggregates(kept, aggregate(days.slice(4)));
    const plain = aggregate(days);
    const catalog: CatalogVersion[] = [1, 2].map((version) => ({
      id: `fmt-${version}`,
      name: "fmt",
      version,
      status: version === 2 ? "active" : "superseded",
      origin: "agent",
      parentId: version === 2 ? "fmt-1" : null,
      createdAt: new Date(Date.UTC(2026, 0, version === 1 ? 1 : 4)),
    }));
    expect(scorecardsFrom(combined.versions, catalog)).toEqual(scorecardsFrom(plain.versions, catalog));
    const health = (aggregated?: ReturnType<typeof aggregate>) =>
      healthFrom({
        rollups: days,
        aggregated,
        scorecards: scorecardsFrom(plain.versions, catalog),
        catalog,
        builtins: ["read_file"],
        recent: { count: 1, oldest: 0, tools: new Set(["read_file"]) },
        unusedAfterSessions: 20,
      });
    expect(health(combined)).toEqual(health());
    expect(JSON.stringify(kept, (_, v) => (v instanceof Map ? [...v] : v))).toBe(snapshot);
  });
});
