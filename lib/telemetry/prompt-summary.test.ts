import { expect, it } from "vitest";
import { formatTelemetrySummary, SUMMARY_MAX_CHARS } from "./prompt-summary";
import type { ToolHealth } from "./types";

function tool(name: string, calls: number, flags: Partial<ToolHealth["flags"]> = {}): ToolHealth {
  return {
    tool: name,
    calls,
    successes: Math.round(calls * 0.9),
    failures: calls - Math.round(calls * 0.9),
    successRate: 0.9,
    p50Ms: 1234,
    p95Ms: 9000,
    lastUsedAt: null,
    origin: "agent",
    version: "v2",
    status: "active",
    commandFailures: 0,
    errorClasses: [],
    flags: { failing: false, unused: false, regressed: false, ...flags },
  };
}

it("names the most used tools with calls, ok % and median, the failing commands, flags and learnings", () => {
  const text = formatTelemetrySummary({
    days: 30,
    tools: [
      tool("run_command", 5000),
      tool("http_fetch", 400, { failing: true }),
      tool("apply_patch", 300, { regressed: true }),
      tool("todo_scan", 0, { unused: true }),
    ],
    commands: [{ command: "npm test", calls: 2100, failures: 588, failureRate: 0.28 }],
    learnings: [
      { type: "correction", description: "Use pnpm, not npm, in this repository.", source: "user" },
    ],
    unusedAfterSessions: 20,
  });
  expect(text).toContain("run_command 5000, 90%, 1.2s");
  expect(text).toContain("`npm test` 28% of 2100");
  expect(text).toContain("http_fetch: failing (10% of 400 calls failed)");
  expect(text).toContain("apply_patch: regressed since v2");
  expect(text).toContain("todo_scan: unused in the last 20 sessions");
  expect(text).toContain("- [correction] Use pnpm, not npm, in this repository.");
});

it("stays within about 600 tokens however much there is", () => {
  const text = formatTelemetrySummary({
    days: 30,
    tools: Array.from({ length: 60 }, (_, i) =>
      tool(`a_rather_long_tool_name_number_${i}`, 1000 - i, { failing: true, unused: true, regressed: true }),
    ),
    commands: Array.from({ length: 20 }, (_, i) => ({
      command: `some command with words ${i} ${"x".repeat(80)}`,
      calls: 100,
      failures: 50,
      failureRate: 0.5,
    })),
    learnings: Array.from({ length: 20 }, () => ({
      type: "pattern",
      description: "y".repeat(1000),
      source: "agent",
    })),
    unusedAfterSessions: 20,
  });
  expect(text.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
  // a rough token count: words and punctuation runs
  expect(text.split(/\s+/).length).toBeLessThan(600);
});

it("is empty before anything was recorded", () => {
  expect(
    formatTelemetrySummary({
      days: 30,
      tools: [tool("load_skill", 0)],
      commands: [],
      learnings: [],
      unusedAfterSessions: 20,
    }),
  ).toBe("");
});
