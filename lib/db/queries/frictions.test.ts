import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { commandKeyOf } from "@/lib/telemetry/normalize-command";
import { db } from "../client";
import { recordStatements } from "../statements";
import { recentCommandCounts } from "./frictions";
import { createSession } from "./sessions";
import { recordToolCall } from "./tool-calls";

async function call(sessionId: string, tool: string, inputSummary: string, legacy = false) {
  const row = {
    sessionId,
    turnId: null,
    callId: `c-${Math.random()}`,
    tool,
    toolVersion: "builtin",
    inputSummary,
    ok: true,
    exitCode: 0,
    errorClass: null,
    durationMs: 5,
    outputBytes: 1,
  };
  // a call recorded before commandKey existed has none
  if (legacy) await db().toolCall.create({ data: row });
  else await recordToolCall({ ...row, commandKey: commandKeyOf(row) });
}

describe("recentCommandCounts", () => {
  it("counts the run_command calls of the most recent other agent sessions per command key", async () => {
    const make = (kind: "agent" | "maintenance") =>
      createSession({ title: "f", workspace: "/tmp", budgetUsd: null, model: "m", kind });
    const [other, maintenance, current] = await Promise.all([
      make("agent"),
      make("maintenance"),
      make("agent"),
    ]);
    // newest of all while the test runs, whatever other test files create meanwhile
    const ahead = new Date(Date.now() + 86_400_000);
    await db().session.updateMany({
      where: { id: { in: [other.id, maintenance.id, current.id] } },
      data: { updatedAt: ahead },
    });
    try {
      await call(other.id, "run_command", "zq-frictions run -- a");
      await call(other.id, "run_command", "zq-frictions run -- b");
      await call(other.id, "run_command", "zq-cat notes.txt", true);
      await call(other.id, "run_command", "zq-cat notes.txt", true);
      await call(other.id, "load_skill", "zq-frictions run -- c");
      await call(maintenance.id, "run_command", "zq-frictions run -- d");
      await call(current.id, "run_command", "zq-frictions run -- e");

      const counts = await recentCommandCounts(current.id, 1);
      expect(counts.sort((a, b) => (a.commandKey ?? "").localeCompare(b.commandKey ?? ""))).toEqual([
        { commandKey: null, input: "zq-cat notes.txt", calls: 2 },
        { commandKey: "zq-frictions run", input: null, calls: 2 },
      ]);
    } finally {
      await db().session.deleteMany({ where: { id: { in: [other.id, maintenance.id, current.id] } } });
    }
  });

  // At 1M calls the statement read every run_command call ever made when SQLite drove it by the
  // tool index (0.55-0.8 s on each turn start); the plan must start from the recent sessions.
  it.runIf(env().databaseProvider === "sqlite")(
    "reads only the recent sessions' calls, by session",
    async () => {
      const [sql] = await recordStatements(() => recentCommandCounts("no-such-session", 10));
      const plan = await db().$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN ${sql}`,
        "no-such-session",
        10,
      );
      const details = plan.map((row) => row.detail);
      const toolCallSteps = details.filter((d) => /\b(ToolCall|tc)\b/.test(d));
      expect(toolCallSteps).toEqual([
        expect.stringMatching(/^SEARCH tc USING INDEX ToolCall_sessionId\w* \(sessionId=\?\)$/),
      ]);
    },
  );
});
