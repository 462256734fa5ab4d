import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  flushTelemetry,
  recordModelStep,
  recordToolCall,
  resetTelemetryCache,
  telemetryOverview,
} from "@/lib/telemetry";
import { ALL_TIME_FORMAT, ALL_TIME_KEY, rebuildTelemetryRollups } from "@/lib/telemetry/all-time";
import { learningRefreshed } from "@/lib/telemetry/learning-cache";
import { telemetrySummaryForPrompt } from "@/lib/telemetry/prompt-summary";
import { presetRange, startOfUtcDay } from "@/lib/telemetry/range";
import {
  cachedDays,
  forgetRollupsInMemory,
  OPEN_DAY_FORMAT,
  ROLLUP_FORMAT,
  rollupsFor,
  rollupWrites,
} from "@/lib/telemetry/rollup-cache";
import { openPrivateDatabase } from "@/lib/testing/private-database";
import { db } from "../client";
import { deleteSessionRow } from "./sessions";
import { learningRows, listCalls, segmentRows, toolsOfRecentSessions } from "./telemetry";
import { storeOpenRollup } from "./telemetry-rollups";

// Rows here are stamped in the past (a window of 2020 per test), away from the rows other test files
// write at the current time, and every query passes a `now` inside that window.
const DAY = 86_400_000;
let window = Date.UTC(2020, 0, 1);
function nextWindow(): number {
  window += 20 * DAY;
  return window;
}

// stored day rollups are shared by every process on a database: other files' days must not meet these
const dropDatabase = await openPrivateDatabase();
afterAll(dropDatabase);

beforeEach(() => resetTelemetryCache());

async function session(
  at: number,
  extra: Partial<{ status: string; costUsd: number; inputTokens: number }> = {},
) {
  return db().session.create({
    data: {
      title: "telemetry test",
      workspace: "/tmp",
      model: "m",
      createdAt: new Date(at),
      ...extra,
    },
  });
}

interface Call {
  tool: string;
  at: number;
  ok?: boolean;
  durationMs?: number;
  errorClass?: string | null;
  exitCode?: number | null;
  toolVersion?: string;
  inputSummary?: string;
  commandKey?: string | null;
  turnId?: string | null;
}

async function calls(sessionId: string, list: Call[]) {
  await db().toolCall.createMany({
    data: list.map((c, i) => ({
      sessionId,
      turnId: c.turnId ?? null,
      callId: `c${i}`,
      tool: c.tool,
      toolVersion: c.toolVersion ?? "builtin",
      inputSummary: c.inputSummary ?? "x",
      ok: c.ok ?? true,
      exitCode: c.exitCode ?? null,
      errorClass: c.errorClass ?? null,
      durationMs: c.durationMs ?? 10,
      outputBytes: 1,
      commandKey: c.commandKey ?? null,
      createdAt: new Date(c.at),
    })),
  });
}

describe("segment rollups", () => {
  it("groups calls by tool, version and error class, with a duration histogram and commands", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(s.id, [
      ...Array.from({ length: 20 }, (_, i) => ({
        tool,
        at: start + i * 1000,
        durationMs: (i + 1) * 10,
        ok: i % 4 !== 0,
        errorClass: i % 4 === 0 ? "timeout" : null,
      })),
      {
        tool: "run_command",
        at: start + 1,
        inputSummary: "npm test -- a",
        commandKey: "npm test",
        exitCode: 1,
        errorClass: "command_failed",
      },
      {
        tool: "run_command",
        at: start + 2,
        inputSummary: "npm test -- b",
        commandKey: "npm test",
        exitCode: 0,
      },
      // written before commands were normalized at write time: grouped by input, normalized in JS
      {
        tool: "run_command",
        at: start + 3,
        inputSummary: "npm test -- c",
        commandKey: null,
        exitCode: 2,
        errorClass: "command_failed",
      },
    ]);
    const rows = await segmentRows(new Date(start), new Date(start + DAY));
    const groups = rows.filter((r) => r.k === "g" && r.a === tool);
    expect(groups.map((g) => [g.c, Number(g.n), Number(g.x)]).sort()).toEqual(
      [
        ["timeout", 5, 0],
        [null, 15, 15],
      ].sort(),
    );
    const [rollup] = await rollupsFor(new Date(start), new Date(start + DAY), new Date(start + 10 * DAY));
    const histogram = rollup?.histograms.find((h) => h.tool === tool)?.histogram;
    expect(histogram?.counts.reduce((a, b) => a + b, 0)).toBe(20);
    expect(rollup?.commands).toEqual([{ command: "npm test", calls: 3, failures: 2 }]);
  });
});

describe("rollupsFor", () => {
  it("keeps closed days, reads today live and skips days without calls", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(s.id, [
      { tool, at: start + 3600_000 },
      { tool, at: start + 5 * DAY + 3600_000 },
    ]);
    const now = new Date(start + 5 * DAY + 7200_000);
    const first = await rollupsFor(new Date(start), now, now);
    expect(first.map((r) => r.day)).toEqual([
      new Date(start).toISOString().slice(0, 10),
      new Date(start + 5 * DAY).toISOString().slice(0, 10),
    ]);
    // a late row in a closed day is not seen until the cache is reset; today's is seen at once
    // (stamped inside the grace period, as every writer stamps a call: when it finished)
    await calls(s.id, [
      { tool, at: start + 7200_000 },
      { tool, at: now.getTime() - 60_000 },
    ]);
    const second = await rollupsFor(new Date(start), new Date(now.getTime() + 1), now);
    expect(second.map((r) => r.groups.find((g) => g.tool === tool)?.calls)).toEqual([1, 2]);
    await resetTelemetryCache();
    const third = await rollupsFor(new Date(start), new Date(now.getTime() + 1), now);
    expect(third.map((r) => r.groups.find((g) => g.tool === tool)?.calls)).toEqual([2, 2]);
  });

  it("reads a partial first day live and leaves the rest of the range to the day rollups", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(s.id, [
      { tool, at: start + 1000 },
      { tool, at: start + 12 * 3600_000 },
      { tool, at: start + DAY + 1000 },
    ]);
    const now = new Date(start + 3 * DAY);
    const rollups = await rollupsFor(new Date(start + 6 * 3600_000), now, now);
    expect(rollups.reduce((n, r) => n + (r.groups.find((g) => g.tool === tool)?.calls ?? 0), 0)).toBe(2);
  });
});

describe("today, kept as it grows", () => {
  const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);
  const MIN = 60_000;

  /** What the page shows, as numbers (the rollups' row order is the database's, the figures are not). */
  async function figures(since: number, now: Date) {
    const overview = await telemetryOverview(
      { since: new Date(since), until: new Date(now.getTime() + 1), preset: "7d" },
      { now },
    );
    const rollups = await rollupsFor(new Date(since), new Date(now.getTime() + 1), now);
    const sorted = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();
    return {
      tools: overview.tools,
      daily: overview.daily,
      commands: overview.commands,
      versions: overview.versions,
      spend: overview.spend,
      totals: overview.totals,
      rollups: rollups.map((r) => ({
        day: r.day,
        groups: sorted(r.groups),
        histograms: sorted(r.histograms),
        commands: sorted(r.commands),
        steps: r.steps,
      })),
    };
  }

  it("today's settled calls are kept and extended; calls another writer adds are counted; the figures equal a rebuild from the rows", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const model = `m_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    const step = (at: number, tier: string | null, costUsd: number) =>
      db().modelStep.create({
        data: {
          sessionId: s.id,
          step: 1,
          model,
          tier,
          inputTokens: 7,
          outputTokens: 3,
          costUsd,
          createdAt: new Date(at),
        },
      });
    const mixed = (from: number, n: number, spacing: number): Call[] =>
      Array.from({ length: n }, (_, i) => ({
        tool: i % 3 ? tool : "run_command",
        at: from + i * spacing,
        durationMs: 3 + ((i * 97) % 4000),
        ok: i % 5 !== 0,
        errorClass: i % 5 === 0 ? (i % 2 ? "command_failed" : "timeout") : null,
        commandKey: i % 3 ? null : `npm test ${i % 4}`,
        toolVersion: i % 7 ? "builtin" : "v2",
      }));
    const today = start + 2 * DAY;
    // yesterday (closed) and the first twelve hours of today
    await calls(s.id, [...mixed(start + DAY, 20, 3 * MIN), ...mixed(today, 90, 8 * MIN)]);
    await step(today + 1000, "fast", 0.25);
    let now = new Date(today + 12 * 3600_000);
    await figures(start, now);

    // another instance writes calls and steps as it makes them: stamped when they finish, so
    // inside the grace period at first; the next render counts them in the live tail
    await calls(s.id, mixed(now.getTime() - 2 * MIN, 4, 20_000));
    await step(now.getTime() - MIN, "strong", 0.5);
    const withTail = await figures(start, now);
    // minutes later they have settled into the kept part, with more calls after them
    now = new Date(now.getTime() + 11 * MIN);
    await calls(s.id, mixed(now.getTime() - 3 * MIN, 5, 30_000));
    await step(now.getTime() - 30_000, "fast", 0.125);
    const extended = await figures(start, now);
    const todays = (f: typeof extended) => f.daily.find((d) => d.day === dayOf(today))?.calls;
    expect(todays(withTail)).toBe(90 + 4);
    expect(todays(extended)).toBe(90 + 4 + 5);

    // the same figures from the rows alone: nothing kept in memory, nothing stored
    await resetTelemetryCache();
    expect(await figures(start, now)).toEqual(extended);
    // and from the kept path again after a restart of this process (stored days, today rebuilt)
    forgetRollupsInMemory();
    await figures(start, now);
    now = new Date(now.getTime() + 2 * MIN);
    expect(await figures(start, now)).toEqual(extended);
  });

  it("after a start, today's kept part is read back from the database and extended from there; it never replaces a closed day", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(
      s.id,
      Array.from({ length: 30 }, (_, i) => ({ tool, at: start + i * 20 * MIN, durationMs: 10 + i })),
    );
    let now = new Date(start + 12 * 3600_000);
    const before = await figures(start, now);
    await rollupWrites();
    const open = await db().telemetryRollup.findMany({ where: { day: dayOf(start) } });
    expect(open.map((r) => r.format)).toEqual([OPEN_DAY_FORMAT]);
    // the settled calls are gone, the figures are not: a restarted process reads the kept part
    await db().toolCall.deleteMany({
      where: { sessionId: s.id, createdAt: { lt: new Date(now.getTime() - 10 * MIN) } },
    });
    forgetRollupsInMemory();
    expect(await figures(start, now)).toEqual(before);
    // and extends it with what settled since
    await calls(s.id, [{ tool, at: now.getTime() + MIN }]);
    now = new Date(now.getTime() + 10 * MIN);
    const todays = async () => (await figures(start, now)).daily.find((d) => d.day === dayOf(start))?.calls;
    expect(await todays()).toBe(31);
    await rollupWrites();
    // the day closes: computed whole from its calls (the deleted ones are not counted) and stored as closed
    now = new Date(start + DAY + 10 * MIN);
    expect(await todays()).toBe(1);
    const closed = await db().telemetryRollup.findMany({ where: { day: dayOf(start) } });
    expect(closed.map((r) => r.format)).toEqual([ROLLUP_FORMAT]);
    await storeOpenRollup(dayOf(start), OPEN_DAY_FORMAT, open[0]?.data ?? "");
    expect(await db().telemetryRollup.findMany({ where: { day: dayOf(start) } })).toEqual(closed);
  });

  it("a call stamped in today further back than the grace period is counted when the day closes, or after a repair", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(s.id, [{ tool, at: start + 3600_000 }]);
    const now = new Date(start + 6 * 3600_000);
    const count = async (at: Date) =>
      (await rollupsFor(new Date(start), new Date(at.getTime() + 1), at))
        .flatMap((r) => r.groups.filter((g) => g.tool === tool))
        .reduce((n, g) => n + g.calls, 0);
    expect(await count(now)).toBe(1);
    // an import: a row of today stamped an hour back, written after the settled part was kept
    await calls(s.id, [{ tool, at: now.getTime() - 3600_000 }]);
    expect(await count(now)).toBe(1);
    // the day closes: computed whole from its calls
    expect(await count(new Date(start + DAY + 10 * 60_000))).toBe(2);
    await rebuildTelemetryRollups(now);
    expect(await count(now)).toBe(2);
  });
});

describe("stored day rollups", () => {
  const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

  it("a closed day is stored once; after a restart it is read back, not computed from its calls", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(s.id, [
      { tool, at: start + 1000, durationMs: 40 },
      { tool, at: start + 2000, ok: false, errorClass: "timeout", durationMs: 900 },
      { tool, at: start + DAY + 1000 },
    ]);
    const now = new Date(start + 3 * DAY);
    const before = await rollupsFor(new Date(start), now, now);
    const stored = await db().telemetryRollup.findMany({
      where: { day: { in: [dayOf(start), dayOf(start + DAY)] } },
      orderBy: { day: "asc" },
    });
    expect(stored.map((r) => [r.day, r.format])).toEqual([
      [dayOf(start), ROLLUP_FORMAT],
      [dayOf(start + DAY), ROLLUP_FORMAT],
    ]);
    // the calls are gone, the figures are not: a restarted process reads the stored days
    await db().toolCall.deleteMany({ where: { sessionId: s.id } });
    forgetRollupsInMemory();
    expect(await rollupsFor(new Date(start), now, now)).toEqual(before);
  });

  it("a restarted process parses a stored day only when a range asks for it, with the same figures", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(
      s.id,
      Array.from({ length: 4 }, (_, i) => ({ tool, at: start + i * DAY + 1000, durationMs: 10 + i })),
    );
    const now = new Date(start + 5 * DAY);
    const all = await rollupsFor(new Date(start), now, now);
    forgetRollupsInMemory();
    const parse = vi.spyOn(JSON, "parse");
    const parsedDays = () =>
      parse.mock.calls.flatMap(([text]) => /^\{"day":"(\d{4}-\d\d-\d\d)"/.exec(String(text))?.[1] ?? []);
    try {
      const firstTwo = await rollupsFor(new Date(start), new Date(start + 2 * DAY), now);
      expect(firstTwo).toEqual(all.slice(0, 2));
      // the other stored days were read, not parsed
      expect(parsedDays().sort()).toEqual([dayOf(start), dayOf(start + DAY)]);
      expect(await rollupsFor(new Date(start), now, now)).toEqual(all);
      // (and the kept part of the day still open, read once)
      expect(parsedDays().filter((day) => day < dayOf(start + 4 * DAY))).toHaveLength(4);
    } finally {
      parse.mockRestore();
    }
  });

  it("the repair computes every day again from the calls, with the same figures as the stored path", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(
      s.id,
      Array.from({ length: 60 }, (_, i) => ({
        tool: i % 3 ? tool : "run_command",
        at: start + (i % 5) * DAY + i * 1000,
        durationMs: 5 + i * 37,
        ok: i % 7 !== 0,
        errorClass: i % 7 === 0 ? "command_failed" : null,
        commandKey: i % 3 ? null : `npm test ${i % 2}`,
      })),
    );
    const now = new Date(start + 6 * DAY);
    const stored = await rollupsFor(new Date(start), now, now);
    forgetRollupsInMemory();
    const readBack = await rollupsFor(new Date(start), now, now);
    // a late call with a past timestamp (an import): only the repair sees it
    await calls(s.id, [{ tool, at: start + 1000 }]);
    await rebuildTelemetryRollups(now);
    const rebuilt = await rollupsFor(new Date(start), now, now);
    expect(readBack).toEqual(stored);
    const countOf = (list: typeof stored) =>
      list.map((r) => r.groups.filter((g) => g.tool === tool).reduce((n, g) => n + g.calls, 0));
    expect(countOf(rebuilt)).toEqual(countOf(stored).map((n, i) => (i === 0 ? n + 1 : n)));
    // apart from that call, the same figures: what is stored is what the calls say
    await db().toolCall.deleteMany({
      where: { sessionId: s.id, callId: "c0", createdAt: new Date(start + 1000) },
    });
    await rebuildTelemetryRollups(now);
    expect(await rollupsFor(new Date(start), now, now)).toEqual(stored);
  });

  it("deleting a session forgets the stored days its calls were counted in, and only those", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const gone = await session(start);
    const kept = await session(start);
    await calls(gone.id, [
      { tool, at: start + 1000 },
      { tool, at: start + DAY + 1000 },
    ]);
    await calls(kept.id, [
      { tool, at: start + DAY + 2000 },
      { tool, at: start + 3 * DAY + 1000 },
    ]);
    const now = new Date(start + 5 * DAY);
    await rollupsFor(new Date(start), now, now);
    const storedDays = async () =>
      (
        await db().telemetryRollup.findMany({
          where: { day: { gte: dayOf(start), lt: dayOf(now.getTime()) }, format: ROLLUP_FORMAT },
        })
      )
        .map((r) => r.day)
        .sort();
    expect(await storedDays()).toEqual([dayOf(start), dayOf(start + DAY), dayOf(start + 3 * DAY)]);
    await deleteSessionRow(gone.id);
    expect(await storedDays()).toEqual([dayOf(start + 3 * DAY)]);
    forgetRollupsInMemory();
    const after = await rollupsFor(new Date(start), now, now);
    const counted = after.flatMap((r) =>
      r.groups.filter((g) => g.tool === tool).map((g) => [r.day, g.calls]),
    );
    expect(counted).toEqual([
      [dayOf(start + DAY), 1],
      [dayOf(start + 3 * DAY), 1],
    ]);
  });

  it("a stored day of another format, or unreadable, is computed again", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(s.id, [{ tool, at: start + 1000 }]);
    const now = new Date(start + 2 * DAY);
    const day = dayOf(start);
    for (const row of [
      { format: ROLLUP_FORMAT - 1, data: JSON.stringify({ day, groups: [], histograms: [], commands: [] }) },
      { format: ROLLUP_FORMAT, data: "{not json" },
      {
        format: ROLLUP_FORMAT,
        data: JSON.stringify({ day: "1999-01-01", groups: [], histograms: [], commands: [] }),
      },
    ]) {
      await db().telemetryRollup.upsert({ where: { day }, create: { day, ...row }, update: row });
      forgetRollupsInMemory();
      const [rollup] = await rollupsFor(new Date(start), now, now);
      expect(rollup?.groups.find((g) => g.tool === tool)?.calls).toBe(1);
    }
  });

  it("model steps are in the day rollups by tier: a day with only model steps counts, is stored and read back, and a deleted session's days are forgotten", async () => {
    const start = nextWindow();
    const model = `m_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    const step = (at: number, tier: string | null, costUsd: number) =>
      db().modelStep.create({
        data: {
          sessionId: s.id,
          step: 1,
          model,
          tier,
          inputTokens: 100,
          outputTokens: 10,
          costUsd,
          createdAt: new Date(at),
        },
      });
    // no tool call at all in these days: a turn that only answered
    await step(start + 1000, "fast", 0.001);
    await step(start + 2000, "fast", 0.001);
    await step(start + DAY + 1000, "strong", 0.02);
    const now = new Date(start + 3 * DAY);
    const live = await rollupsFor(new Date(start), now, now);
    const mine = (list: typeof live) =>
      list
        .map((r) => ({ day: r.day, steps: r.steps.filter((x) => x.model === model) }))
        .filter((r) => r.steps.length > 0)
        .map((r) => [r.day, r.steps.map((x) => [x.tier, x.steps, x.costUsd])]);
    expect(mine(live)).toEqual([
      [dayOf(start), [["fast", 2, 0.002]]],
      [dayOf(start + DAY), [["strong", 1, 0.02]]],
    ]);
    const stored = await db().telemetryRollup.findMany({
      where: { day: { in: [dayOf(start), dayOf(start + DAY)] } },
    });
    expect(stored.map((r) => r.format)).toEqual([ROLLUP_FORMAT, ROLLUP_FORMAT]);
    // read back after a restart: the same figures as the live path computed
    forgetRollupsInMemory();
    expect(await rollupsFor(new Date(start), now, now)).toEqual(live);
    // deleting the session forgets the days its steps were counted in
    await deleteSessionRow(s.id);
    forgetRollupsInMemory();
    expect(mine(await rollupsFor(new Date(start), now, now))).toEqual([]);
  });
});

describe("the all-time aggregate, stored as one row", () => {
  const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

  /** A tool with two versions whose calls lie before a 7-day range (day 0 to 3) and inside it (days 9 to 11). */
  async function versionedCalls(start: number) {
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const early = await session(start);
    const late = await session(start + 9 * DAY);
    await calls(
      early.id,
      Array.from({ length: 24 }, (_, i) => ({
        tool,
        toolVersion: i % 2 ? "v1" : "v2",
        at: start + (i % 4) * DAY + i * 1000,
        durationMs: 20 + i * 31,
        ok: i % 5 !== 0,
        errorClass: i % 5 === 0 ? "timeout" : null,
      })),
    );
    await calls(
      late.id,
      Array.from({ length: 9 }, (_, i) => ({
        tool,
        toolVersion: "v2",
        at: start + (9 + (i % 3)) * DAY + i * 1000,
        durationMs: 300 + i,
      })),
    );
    const now = new Date(start + 12 * DAY + 3600_000);
    return { tool, early, late, now, range: presetRange("7d", now) };
  }

  /** The tool's scorecards and health row: what the all-time and range aggregates decide. */
  async function figures(tool: string, range: ReturnType<typeof presetRange>, now: Date) {
    const overview = await telemetryOverview(range, { now });
    await rollupWrites();
    return {
      versions: overview.versions.filter((v) => v.tool === tool),
      health: overview.tools.filter((t) => t.tool === tool),
    };
  }

  /** The same figures computed from the rows alone: nothing stored, nothing kept. */
  async function fromRows(tool: string, range: ReturnType<typeof presetRange>, now: Date) {
    await resetTelemetryCache();
    const expected = await figures(tool, range, now);
    await resetTelemetryCache();
    return expected;
  }

  it("after a restart the scorecards come from the stored row and the range's days, with the figures of the rows", async () => {
    const start = nextWindow();
    const { tool, now, range } = await versionedCalls(start);
    const cold = await figures(tool, range, now);
    expect(cold.versions.map((v) => [v.current.version, v.current.calls])).toEqual([
      ["v2", 21],
      ["v1", 12],
    ]);
    const row = await db().telemetryRollup.findUnique({ where: { day: ALL_TIME_KEY } });
    expect(row?.format).toBe(ALL_TIME_FORMAT);
    expect(JSON.parse(row?.data ?? "{}").through).toBe(dayOf(startOfUtcDay(now.getTime())));

    // a restart: the days before the range are neither read nor parsed, the figures are the same
    forgetRollupsInMemory();
    const parse = vi.spyOn(JSON, "parse");
    try {
      expect(await figures(tool, range, now)).toEqual(cold);
      const parsedDays = parse.mock.calls.flatMap(
        ([text]) => /^\{"day":"(\d{4}-\d\d-\d\d)"/.exec(String(text))?.[1] ?? [],
      );
      expect(parsedDays.filter((day) => day < dayOf(range.since.getTime()))).toEqual([]);
      expect(cachedDays()).toBeLessThanOrEqual(7);
    } finally {
      parse.mockRestore();
    }
    // and it is what the rows say
    expect(await fromRows(tool, range, now)).toEqual(cold);
  });

  it("another instance deleting a session or storing a day again is noticed after a restart: the row is made again", async () => {
    const start = nextWindow();
    const { tool, early, now, range } = await versionedCalls(start);
    await figures(tool, range, now);
    // another instance deletes a session before the range (its stored days go with it), this process
    // restarts: the row still counts those calls, and must not be used
    await deleteSessionRow(early.id);
    forgetRollupsInMemory();
    const afterDelete = await figures(tool, range, now);
    expect(afterDelete.versions.map((v) => [v.current.version, v.current.calls])).toEqual([["v2", 9]]);
    expect(afterDelete).toEqual(await fromRows(tool, range, now));

    // a day before the range stored again with other figures (another instance's repair of a day
    // after a late import): as many days stored as before, one of them newer
    const s = await session(start + DAY);
    await calls(s.id, [{ tool, toolVersion: "v1", at: start + DAY + 5000, durationMs: 7 }]);
    await figures(tool, range, now);
    await calls(s.id, [{ tool, toolVersion: "v1", at: start + DAY + 6000, durationMs: 8 }]);
    const day = dayOf(start + DAY);
    await db().telemetryRollup.delete({ where: { day } });
    forgetRollupsInMemory();
    await rollupsFor(new Date(start + DAY), new Date(start + 2 * DAY), now);
    await rollupWrites();
    expect((await db().telemetryRollup.findUnique({ where: { day } }))?.format).toBe(ROLLUP_FORMAT);
    forgetRollupsInMemory();
    const afterRepair = await figures(tool, range, now);
    expect(afterRepair.versions.map((v) => [v.current.version, v.current.calls])).toEqual([
      ["v2", 9],
      ["v1", 2],
    ]);
    expect(afterRepair).toEqual(await fromRows(tool, range, now));
  });

  it("grows by the days that close, and the repair makes it again with the figures of the rows", async () => {
    const start = nextWindow();
    const { tool, now, range } = await versionedCalls(start);
    const earlier = new Date(start + 10 * DAY + 3600_000);
    await figures(tool, presetRange("7d", earlier), earlier);
    const throughOf = async () =>
      JSON.parse((await db().telemetryRollup.findUnique({ where: { day: ALL_TIME_KEY } }))?.data ?? "{}")
        .through;
    expect(await throughOf()).toBe(dayOf(start + 10 * DAY));
    // two days later (the same process, then a restart): the kept part grows by the closed days
    const later = await figures(tool, range, now);
    expect(await throughOf()).toBe(dayOf(start + 12 * DAY));
    forgetRollupsInMemory();
    expect(await figures(tool, range, now)).toEqual(later);
    await rebuildTelemetryRollups(now);
    expect(await throughOf()).toBe(dayOf(start + 12 * DAY));
    forgetRollupsInMemory();
    expect(await figures(tool, range, now)).toEqual(later);
    expect(later).toEqual(await fromRows(tool, range, now));
    // kept through a day that is still open for a caller whose clock is behind (two minutes after
    // midnight, day 11 is in its grace period): the figures are the rows' all the same
    await figures(tool, range, now);
    const justAfterMidnight = new Date(start + 12 * DAY + 120_000);
    const early = presetRange("7d", justAfterMidnight);
    expect(await figures(tool, early, justAfterMidnight)).toEqual(
      await fromRows(tool, early, justAfterMidnight),
    );
  });
});

describe("the learning loop's counts, by index seeks", () => {
  it("equal a GROUP BY of the rows: completed turns and learning events per day, skill loads and frictions per pair, for any range", async () => {
    const start = nextWindow();
    const suffix = randomUUID().slice(0, 8);
    const s = await session(start);
    const at = (i: number) => new Date(start + (i % 6) * DAY + (i % 5) * 3 * 3600_000 + i * 1000);
    const statuses = ["completed", "completed", "error", "completed", "cancelled"];
    await db().turn.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        sessionId: s.id,
        status: statuses[i % 5] ?? "",
        startedAt: at(i),
      })),
    });
    await db().skillLoad.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        skill: `skill_${suffix}_${i % 3}`,
        kind: i % 4 ? "suggested" : "loaded",
        sessionId: s.id,
        createdAt: at(i),
      })),
    });
    const outcomes = ["pending", "none", "tool_built"];
    const kinds = ["timeout", "tool_error", "slow_call", "correction"];
    await db().friction.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        sessionId: s.id,
        kind: kinds[i % 4] ?? "",
        outcome: outcomes[i % 3] ?? "",
        detail: "d",
        createdAt: at(i),
      })),
    });
    const sources = ["agent", "detector", "user"];
    await db().learningEvent.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        sessionId: s.id,
        type: "pattern",
        description: "d",
        source: sources[i % 3] ?? "",
        usedCount: i % 4,
        createdAt: at(i),
      })),
    });
    const end = start + 6 * DAY;
    const expected = async (since: number, until: number) => {
      const where = { sessionId: s.id, createdAt: { gte: new Date(since), lt: new Date(until) } };
      const count = <T>(rows: T[], key: (r: T) => string) => {
        const out = new Map<string, number>();
        for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + 1);
        return [...out].sort(([a], [b]) => (a < b ? -1 : 1));
      };
      const turns = await db().turn.findMany({
        where: { status: "completed", startedAt: { gte: new Date(since), lt: new Date(until) } },
      });
      return {
        turns: count(turns, (t) => t.startedAt.toISOString().slice(0, 10)),
        skills: count(await db().skillLoad.findMany({ where }), (r) => `${r.skill}/${r.kind}`).filter(([k]) =>
          k.startsWith(`skill_${suffix}`),
        ),
        frictions: count(await db().friction.findMany({ where }), (r) => `${r.outcome}/${r.kind}`),
        learned: count(
          await db().learningEvent.findMany({ where: { createdAt: where.createdAt } }),
          (r) => `${r.createdAt.toISOString().slice(0, 10)}/${r.source}`,
        ),
        used: await db().learningEvent.aggregate({ _count: { _all: true }, _sum: { usedCount: true } }),
      };
    };
    const actual = async (since: number, until: number) => {
      const rows = await learningRows(new Date(since), new Date(until), 20);
      const sorted = (pairs: [string, number][]) => pairs.sort(([a], [b]) => (a < b ? -1 : 1));
      return {
        turns: sorted(rows.completedTurns.map((t) => [t.day, t.n])),
        skills: sorted(rows.skills.map((r) => [`${r.skill}/${r.kind}`, r.n])).filter(([k]) =>
          k.startsWith(`skill_${suffix}`),
        ),
        frictions: sorted(rows.frictions.map((r) => [`${r.outcome}/${r.kind}`, r.n])),
        learned: sorted(rows.learningByDay.map((r) => [`${r.day}/${r.source}`, r.n])),
        used: { _count: { _all: rows.learningUse.total }, _sum: { usedCount: rows.learningUse.uses } },
      };
    };
    const ranges: [number, number][] = [
      [start, end], // whole days
      [start + DAY + 5 * 3600_000, start + 4 * DAY + 7 * 3600_000], // partial first and last days
      [start + 2 * DAY, start + 2 * DAY + 3600_000], // one hour without any row
      [start - 500 * DAY, end], // more days than are counted one by one: grouped instead
    ];
    for (const [since, until] of ranges) {
      const want = await expected(since, until);
      // every range but the empty hour has rows of each kind to count
      if (until - since > 3600_000)
        expect(Math.min(want.turns.length, want.skills.length)).toBeGreaterThan(0);
      expect(await actual(since, until)).toEqual(want);
    }
  });
});

describe("the learning loop, kept for seconds", () => {
  it("is served from memory while fresh, refreshed in the background once older, read again when too old or after a reset", async () => {
    const start = nextWindow();
    const now = new Date(start + 3 * DAY);
    const s = await session(start + DAY);
    const friction = (kind: string) =>
      db().friction.create({
        data: { sessionId: s.id, kind, detail: "d", outcome: "none", createdAt: new Date(start + DAY) },
      });
    const range = presetRange("7d", now);
    const kinds = async (at: Date) => (await telemetryOverview(range, { now: at })).learning.friction.total;
    const real = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: real });
    try {
      await friction("timeout");
      expect(await kinds(now)).toBe(1);
      await friction("slow_call");
      // fresh: served as kept
      vi.setSystemTime(real + 1000);
      expect(await kinds(new Date(now.getTime() + 1000))).toBe(1);
      // older than the freshness bound: served once more while it is read again
      vi.setSystemTime(real + 6000);
      expect(await kinds(new Date(now.getTime() + 6000))).toBe(1);
      await learningRefreshed();
      expect(await kinds(new Date(now.getTime() + 6000))).toBe(2);
      // too old to serve: the render waits for the rows
      await friction("correction");
      vi.setSystemTime(real + 120_000);
      expect(await kinds(new Date(now.getTime() + 120_000))).toBe(3);
      // a reset (and a deleted session) forgets the kept figures at once
      await friction("timeout");
      forgetRollupsInMemory();
      expect(await kinds(new Date(now.getTime() + 120_000))).toBe(4);
      // a caller's earlier `now` is read as asked, not served what a later one read
      expect(await kinds(new Date(start + DAY + 1))).toBe(4);
      expect(await kinds(new Date(start + DAY - 1))).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("telemetryOverview", () => {
  it("derives health, daily series, commands, scorecards and the learning loop for a range", async () => {
    const start = nextWindow();
    // the 7-day range is days 1 to 7 of the window; v1's calls on day 0 lie before it
    const now = new Date(start + 7 * DAY + 3600_000);
    const suffix = randomUUID().slice(0, 8);
    const flaky = `flaky_${suffix}`;
    const patch = `patch_${suffix}`;
    const s = await session(start + DAY, { status: "ended", costUsd: 0.5, inputTokens: 1000 });
    const turn = await db().turn.create({
      data: { sessionId: s.id, status: "completed", startedAt: new Date(start + DAY) },
    });
    const message = await db().message.create({
      data: { sessionId: s.id, role: "assistant", createdAt: new Date(start + DAY) },
    });
    await db().part.create({
      data: { messageId: message.id, idx: 0, type: "text", data: { type: "text", text: "x" } },
    });
    await db().reflection.create({ data: { sessionId: s.id, trigger: "end", status: "success" } });
    await db().friction.createMany({
      data: [
        {
          sessionId: s.id,
          kind: "repeated_failure",
          detail: "d",
          outcome: "tool_built",
          createdAt: new Date(start + DAY),
        },
        { sessionId: s.id, kind: "timeout", detail: "d", outcome: "none", createdAt: new Date(start + DAY) },
      ],
    });
    await db().skillLoad.create({
      data: { skill: `skill_${suffix}`, sessionId: s.id, kind: "loaded", createdAt: new Date(start + DAY) },
    });
    await db().learningEvent.create({
      data: {
        sessionId: s.id,
        type: "correction",
        description: `use pnpm ${suffix}`,
        source: "user",
        createdAt: new Date(start + DAY),
      },
    });
    const v1 = await db().toolVersion.create({
      data: {
        name: patch,
        version: 1,
        sha256: "a",
        source: "x",
        origin: "agent",
        status: "superseded",
        validation: {},
        createdAt: new Date(start),
      },
    });
    await db().toolVersion.create({
      data: {
        name: patch,
        version: 2,
        sha256: "b",
        source: "x",
        origin: "agent",
        status: "active",
        validation: {},
        parentId: v1.id,
        createdAt: new Date(start + 4 * DAY),
      },
    });
    const day = (d: number, i: number) => start + d * DAY + i * 1000;
    await calls(s.id, [
      // flaky fails 2 of 5: failing (> 30 %)
      ...Array.from({ length: 5 }, (_, i) => ({
        tool: flaky,
        at: day(2, i),
        ok: i >= 2,
        errorClass: i < 2 ? "tool_error" : null,
      })),
      // patch v1: 30 calls, all fine; v2: 30 calls, 12 fail → regressed
      ...Array.from({ length: 30 }, (_, i) => ({
        tool: patch,
        toolVersion: "v1",
        at: day(0, i),
        durationMs: 20,
      })),
      ...Array.from({ length: 30 }, (_, i) => ({
        tool: patch,
        toolVersion: "v2",
        at: day(5, i),
        durationMs: 20,
        ok: i >= 12,
        errorClass: i < 12 ? "tool_error" : null,
      })),
      { tool: "run_command", at: day(3, 0), inputSummary: "true", commandKey: "true", exitCode: 0 },
      {
        tool: "run_command",
        at: day(3, 1),
        inputSummary: "false",
        commandKey: "false",
        exitCode: 1,
        errorClass: "command_failed",
        turnId: turn.id,
      },
    ]);
    await db().modelStep.create({
      data: {
        sessionId: s.id,
        turnId: turn.id,
        step: 1,
        model: "m",
        inputTokens: 100,
        outputTokens: 20,
        costUsd: 0.01,
        createdAt: new Date(day(3, 5)),
      },
    });
    // with tiers: a fast and a strong step of the same turn
    for (const [step, model, tier, costUsd] of [
      [2, "small", "fast", 0.001],
      [3, "big", "strong", 0.02],
    ] as const) {
      await db().modelStep.create({
        data: {
          sessionId: s.id,
          turnId: turn.id,
          step,
          model,
          tier,
          inputTokens: 10,
          outputTokens: 1,
          costUsd,
          createdAt: new Date(day(3, 6)),
        },
      });
    }

    const overview = await telemetryOverview(presetRange("7d", now), { now, unusedAfterSessions: 1 });
    const row = (tool: string) => overview.tools.find((t) => t.tool === tool);
    expect(row(flaky)).toMatchObject({ calls: 5, successes: 3, failures: 2, flags: { failing: true } });
    // v1's calls are before the 7-day range; the scorecard still compares all of each version's calls
    expect(row(patch)).toMatchObject({
      calls: 30,
      version: "v2",
      origin: "agent",
      flags: { regressed: true },
    });
    const card = overview.versions.find((v) => v.tool === patch && v.current.version === "v2");
    expect(card).toMatchObject({ regressed: true, parent: { version: "v1", calls: 30, successRate: 1 } });
    expect(card?.current.successRate).toBeCloseTo(0.6);
    expect(row("run_command")).toMatchObject({ calls: 2, successes: 2, commandFailures: 1 });
    expect(overview.commands).toEqual([
      { command: "false", calls: 1, failures: 1, failureRate: 1 },
      { command: "true", calls: 1, failures: 0, failureRate: 0 },
    ]);
    expect(overview.range.days).toHaveLength(7);
    const day5 = overview.daily.find((d) => d.day === new Date(start + 5 * DAY).toISOString().slice(0, 10));
    expect(day5).toMatchObject({
      calls: 30,
      successes: 18,
      failed: 12,
      byClass: { tool_error: 12 },
      p50Ms: 20,
    });
    expect(overview.learning.reflection).toMatchObject({ eligible: 1, reflected: 1, coverage: 1 });
    expect(overview.learning.friction).toMatchObject({ total: 2, converted: 1, rate: 0.5 });
    expect(overview.learning.skills).toEqual([{ skill: `skill_${suffix}`, suggested: 0, loaded: 1 }]);
    expect(overview.learning.perSessionBySource).toEqual({ user: 1 });
    expect(overview.spend).toMatchObject({
      sessions: 1,
      completedTasks: 1,
      costPerSession: 0.5,
      costPerTask: 0.5,
    });
    expect(overview.spend.byTier.map((t) => [t.tier, t.models, t.steps, t.costUsd])).toEqual([
      ["fast", ["small"], 1, 0.001],
      ["strong", ["big"], 1, 0.02],
      ["untiered", ["m"], 1, 0.01],
    ]);

    const summary = await telemetrySummaryForPrompt({ now });
    expect(summary.length).toBeLessThanOrEqual(2400);
    expect(summary).toContain(`${flaky}: failing`);
    expect(summary).toContain(`${patch}: regressed`);
    expect(summary).toContain(`use pnpm ${suffix}`);

    const failed = await listCalls({
      since: new Date(start),
      until: now,
      tool: "run_command",
      failedOnly: true,
      limit: 10,
    });
    expect(failed.map((c) => [c.inputSummary, c.exitCode, c.errorClass, c.stepTokens])).toEqual([
      ["false", 1, "command_failed", 120],
    ]);
  });

  it("flags a tool offered to the agent that none of the last N sessions called", async () => {
    const start = nextWindow();
    const now = new Date(start + 5 * DAY);
    const idle = `idle_${randomUUID().slice(0, 8)}`;
    await db().toolVersion.create({
      data: {
        name: idle,
        version: 1,
        sha256: "c",
        source: "x",
        origin: "user",
        status: "active",
        validation: {},
        createdAt: new Date(start - 30 * DAY),
      },
    });
    const s1 = await session(start + DAY);
    const s2 = await session(start + 2 * DAY);
    await calls(s1.id, [{ tool: idle, at: start + DAY + 1000 }]);
    await calls(s2.id, [{ tool: "run_command", at: start + 2 * DAY + 1000 }]);
    const recent = await toolsOfRecentSessions(1, now);
    expect(recent.tools.has(idle)).toBe(false);
    const one = await telemetryOverview(presetRange("7d", now), { now, unusedAfterSessions: 1 });
    expect(one.tools.find((t) => t.tool === idle)?.flags.unused).toBe(true);
    const two = await telemetryOverview(presetRange("7d", now), { now, unusedAfterSessions: 2 });
    expect(two.tools.find((t) => t.tool === idle)?.flags.unused).toBe(false);
  });
});

describe("listCalls", () => {
  it("pages newest first with a keyset cursor", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await calls(
      s.id,
      Array.from({ length: 7 }, (_, i) => ({ tool, at: start + i * 1000, inputSummary: `call ${i}` })),
    );
    const range = { since: new Date(start), until: new Date(start + DAY), tool };
    const page1 = await listCalls({ ...range, limit: 4 });
    const last = page1.at(-1);
    const page2 = await listCalls({
      ...range,
      limit: 4,
      before: last && { createdAt: new Date(last.createdAt), id: last.id },
    });
    expect([...page1, ...page2].map((c) => c.inputSummary)).toEqual(
      Array.from({ length: 7 }, (_, i) => `call ${6 - i}`),
    );
  });
});

describe("listCalls reads back a failure", () => {
  it("with its message, and an unknown output size as null, not 0", async () => {
    const start = nextWindow();
    const tool = `t_${randomUUID().slice(0, 8)}`;
    const s = await session(start);
    await db().toolCall.create({
      data: {
        sessionId: s.id,
        callId: "f1",
        tool,
        toolVersion: "v1",
        inputSummary: "{}",
        ok: false,
        errorClass: "tool_error",
        errorMessage: "Error: EACCES\n  at walk (t.mjs:3:9)",
        durationMs: 0,
        outputBytes: null,
        createdAt: new Date(start),
      },
    });
    const [row] = await listCalls({ since: new Date(start), until: new Date(start + DAY), tool, limit: 5 });
    expect(row).toMatchObject({ errorMessage: "Error: EACCES\n  at walk (t.mjs:3:9)", outputBytes: null });
  });
});

describe("the batching recorder", () => {
  it("writes queued calls and steps in one batch, with the normalized command", async () => {
    const s = await session(Date.now());
    const before = Date.now();
    const pending = [
      recordToolCall({
        sessionId: s.id,
        turnId: null,
        callId: "r1",
        tool: "run_command",
        toolVersion: "builtin",
        inputSummary: "npm test -- src/a.test.ts",
        ok: true,
        exitCode: 1,
        errorClass: "command_failed",
        durationMs: 1234,
        outputBytes: 99,
      }),
      recordToolCall({
        sessionId: s.id,
        turnId: null,
        callId: "r2",
        tool: "search_code",
        toolVersion: "v2",
        inputSummary: "db()",
        ok: false,
        exitCode: null,
        errorClass: "timeout",
        errorMessage: "timed out; the tool and everything it started were killed",
        durationMs: 60_000,
        outputBytes: null,
      }),
      recordModelStep({
        sessionId: s.id,
        turnId: null,
        step: 1,
        model: "m",
        inputTokens: 10,
        outputTokens: 2,
        costUsd: 0.001,
        durationMs: 50,
      }),
    ];
    expect(await db().toolCall.count({ where: { sessionId: s.id } })).toBe(0);
    await flushTelemetry();
    await Promise.all(pending);
    const rows = await db().toolCall.findMany({ where: { sessionId: s.id }, orderBy: { callId: "asc" } });
    expect(rows).toMatchObject([
      { callId: "r1", ok: true, exitCode: 1, commandKey: "npm test", durationMs: 1234, outputBytes: 99 },
      {
        callId: "r2",
        ok: false,
        exitCode: null,
        errorClass: "timeout",
        errorMessage: "timed out; the tool and everything it started were killed",
        outputBytes: null,
        commandKey: null,
        toolVersion: "v2",
      },
    ]);
    expect(rows[0]?.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(await db().modelStep.count({ where: { sessionId: s.id } })).toBe(1);
  });

  it("keeps the other rows of a batch when one cannot be written", async () => {
    const s = await session(Date.now());
    const base = {
      turnId: null,
      tool: "run_command",
      toolVersion: "builtin",
      inputSummary: "ls",
      ok: true,
      exitCode: 0,
      errorClass: null,
      durationMs: 1,
      outputBytes: 1,
    };
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      void recordToolCall({ ...base, sessionId: s.id, callId: "good" });
      void recordToolCall({ ...base, sessionId: "no-such-session", callId: "orphan" });
      await flushTelemetry();
    } finally {
      console.error = original;
    }
    expect(await db().toolCall.count({ where: { sessionId: s.id, callId: "good" } })).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
