import { describe, expect, it } from "vitest";
import type { AskRow, AskStatus } from "@/lib/db/queries/permission-asks";
import { summarizeAsks } from "./telemetry";

const NOW = new Date("2026-12-06T12:00:00Z");
let n = 0;

function ask(rule: string, status: AskStatus, waitMs: number | null, expired = false): AskRow {
  const createdAt = new Date(NOW.getTime() - 3_600_000 + n++ * 1000);
  return {
    id: `a${n}`,
    sessionId: "s",
    turnId: "t",
    callId: `c${n}`,
    tool: rule.split(":")[0] ?? rule,
    input: {},
    summary: "",
    rule,
    rules: [rule],
    status,
    reason: null,
    answeredBy: waitMs === null ? null : "ann",
    createdAt,
    expiresAt: new Date(expired ? NOW.getTime() - 1 : NOW.getTime() + 60_000),
    answeredAt: waitMs === null ? null : new Date(createdAt.getTime() + waitMs),
  };
}

describe("asks on the Telemetry page", () => {
  it("counts each rule's asks by outcome, with the median time a person took to answer", () => {
    const stats = summarizeAsks(
      [
        ask("run_command: git push", "allowed", 1000),
        ask("run_command: git push", "allowed_session", 3000),
        ask("run_command: git push", "denied", 8000),
        ask("run_command: git push", "timed_out", null),
        ask("run_command: git push", "cancelled", null),
        ask("run_command: rm -rf", "pending", null),
        ask("run_command: rm -rf", "pending", null, true),
      ],
      NOW,
    );
    expect(stats).toEqual([
      {
        rule: "run_command: git push",
        tool: "run_command",
        asked: 5,
        allowed: 2,
        allowedForSession: 1,
        denied: 1,
        timedOut: 1,
        cancelled: 1,
        pending: 0,
        medianAnswerMs: 3000,
      },
      {
        rule: "run_command: rm -rf",
        tool: "run_command",
        asked: 2,
        allowed: 0,
        allowedForSession: 0,
        denied: 0,
        // pending past its expiry: its instance died while waiting
        timedOut: 1,
        cancelled: 0,
        pending: 1,
        medianAnswerMs: null,
      },
    ]);
  });

  it("takes the middle of an even count as the mean of the two middle waits", () => {
    const [stat] = summarizeAsks([ask("x", "allowed", 1000), ask("x", "denied", 2000)], NOW);
    expect(stat?.medianAnswerMs).toBe(1500);
  });
});
