import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { toolStats } from "@/lib/telemetry/overview";
import { resetTelemetryCache } from "@/lib/telemetry/rollup-cache";
import type { ToolStats } from "@/lib/telemetry/types";
import { openPrivateDatabase } from "@/lib/testing/private-database";
import { db } from "../client";
import { createSession } from "./sessions";
import { recordToolCall } from "./tool-calls";

async function seed(tool: string, calls: { ok: boolean; durationMs: number; createdAt?: Date }[]) {
  const { id: sessionId } = await createSession({
    title: "t",
    workspace: "/tmp",
    budgetUsd: null,
    model: "m",
  });
  for (const [i, call] of calls.entries()) {
    await db().toolCall.create({
      data: {
        sessionId,
        turnId: null,
        callId: `c${i}`,
        tool,
        inputSummary: "x",
        ok: call.ok,
        exitCode: call.ok ? 0 : 1,
        errorClass: call.ok ? null : "command_failed",
        durationMs: call.durationMs,
        outputBytes: 10,
        createdAt: call.createdAt,
      },
    });
  }
}

const statsFor = (all: ToolStats[], tool: string) => all.find((s) => s.tool === tool);

// calls stamped in the past land in days the rollup cache may already hold
// stored day rollups are shared by every process on a database: other files' days must not meet these
const dropDatabase = await openPrivateDatabase();
afterAll(dropDatabase);

beforeEach(() => resetTelemetryCache());

describe("toolStats", () => {
  it("counts calls and successes and takes nearest-rank percentiles per tool", async () => {
    const tool = `t_${randomUUID()}`;
    await seed(
      tool,
      Array.from({ length: 20 }, (_, i) => ({ ok: i % 4 !== 0, durationMs: (i + 1) * 10 })),
    );
    const stats = statsFor(await toolStats(), tool);
    expect(stats).toMatchObject({ calls: 20, successes: 15, failures: 5, successRate: 0.75 });
    expect(stats?.p50Ms).toBe(100);
    expect(stats?.p95Ms).toBe(190);
    expect(Date.parse(stats?.lastUsedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("only counts calls since the given time", async () => {
    const tool = `t_${randomUUID()}`;
    const old = new Date(Date.now() - 3 * 86_400_000);
    await seed(tool, [
      { ok: false, durationMs: 5000, createdAt: old },
      { ok: true, durationMs: 7, createdAt: new Date(Date.now() - 60_000) },
      { ok: true, durationMs: 9 },
    ]);
    const recent = statsFor(await toolStats(new Date(Date.now() - 86_400_000)), tool);
    expect(recent).toMatchObject({ calls: 2, successes: 2, p95Ms: 9 });
    expect(statsFor(await toolStats(), tool)?.calls).toBe(3);
    expect(statsFor(await toolStats(new Date(Date.now() + 60_000)), tool)).toBeUndefined();
  });

  it("reports the last use at the stored time", async () => {
    const tool = `t_${randomUUID()}`;
    const at = new Date("2030-01-02T03:04:05.678Z");
    await seed(tool, [{ ok: true, durationMs: 1, createdAt: at }]);
    expect(statsFor(await toolStats(), tool)?.lastUsedAt).toBe(at.toISOString());
  });

  it("records a call as given", async () => {
    const { id: sessionId } = await createSession({
      title: "t",
      workspace: "/tmp",
      budgetUsd: null,
      model: "m",
    });
    const record = {
      sessionId,
      turnId: null,
      callId: "c1",
      tool: "run_command",
      toolVersion: "builtin",
      inputSummary: "ls",
      ok: false,
      exitCode: 2,
      errorClass: "command_failed",
      durationMs: 12,
      outputBytes: 3,
      commandKey: "ls",
    };
    const row = await recordToolCall(record);
    expect(row).toMatchObject(record);
  });

  it("keeps a failure's message, and an unknown output size as unknown rather than 0", async () => {
    const { id: sessionId } = await createSession({
      title: "t",
      workspace: "/tmp",
      budgetUsd: null,
      model: "m",
    });
    const record = {
      sessionId,
      turnId: null,
      callId: "c1",
      tool: "find_todos",
      toolVersion: "v1",
      inputSummary: "{}",
      ok: false,
      exitCode: null,
      errorClass: "tool_error",
      errorMessage: "Error: EACCES\n  at walk (find_todos.mjs:3:9)",
      durationMs: 0,
      outputBytes: null,
      commandKey: null,
    };
    const row = await recordToolCall(record);
    expect(await db().toolCall.findUnique({ where: { id: row.id } })).toMatchObject(record);
  });
});
