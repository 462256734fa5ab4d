import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { db } from "@/lib/db/client";
import { createSession } from "@/lib/db/queries/sessions";
import { recordStatements } from "@/lib/db/statements";
import { drainEvents } from "@/lib/events/log";
import { processState } from "@/lib/process-state";
import { saveModelSettings } from "@/lib/settings/model-config";
import { listSkills } from "@/lib/skills/catalog";
import { openPrivateDatabase } from "@/lib/testing/private-database";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { activeTurns } from "./active-turns";
import { sendMessage } from "./runner";
import { warmTurnStart } from "./warm";

// a database of its own: what the first turn computes depends on the calls and settings in it
const dropDatabase = await openPrivateDatabase();

let llm: FakeLLM;
let workspace: string;
let arrived: (() => void) | null = null;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  llm = await startFakeLLM({
    port: 0,
    handler: () => {
      arrived?.();
      return reply().text("ok").usage(10, 2).build();
    },
  });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  workspace = testWorkspace("ws-warm-");
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-abcdefghijklmnopqrstuvwxyz",
    model: "fake-model",
    api: "chat",
    stepLimit: 10,
  });
  // a history, so the prompt's telemetry summary and the friction p95s have days to read
  const earlier = await newSession("history");
  const now = Date.now();
  await db().toolCall.createMany({
    data: Array.from({ length: 40 }, (_, i) => ({
      sessionId: earlier,
      callId: `c${i}`,
      tool: i % 2 ? "run_command" : "read_file",
      toolVersion: "builtin",
      inputSummary: "npm test",
      commandKey: i % 2 ? "npm test" : null,
      ok: i % 5 !== 0,
      durationMs: 10 + i,
      outputBytes: 1,
      // yesterday and today: a closed day (a rollup) and today's calls (read live)
      createdAt: new Date(now - (i % 2 ? DAY_MS : 10 * 60_000) - i * 1000),
    })),
  });
});

afterAll(async () => {
  await llm.close();
  await dropDatabase();
});

async function newSession(title: string): Promise<string> {
  const { id } = await createSession({ title, workspace, budgetUsd: null, model: "fake-model" });
  return id;
}

/**
 * The statements of a whole turn, from sending a message to the turn's end, appends left out: the
 * request's store and the turn-start checkpoint land before or after the model request by timing,
 * so the turn is taken whole.
 */
async function turnStatements(sessionId: string): Promise<string[]> {
  const requested = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const sql = await recordStatements(async () => {
    await sendMessage(sessionId, "hello, what is in this repo?");
    await requested;
    await activeTurns().get(sessionId)?.done;
    await drainEvents(sessionId);
  });
  return (
    sql
      .filter((s) => !/^INSERT INTO "Event"/.test(s) && !s.includes("pg_notify"))
      // lists whose length is the data's (IN lists, a multi-row INSERT's rows) as one shape
      .map((s) =>
        s
          .replace(/\((?:\s*(?:\?|\$\d+)\s*,)*\s*(?:\?|\$\d+)\s*\)/g, "(…)")
          .replace(/\(…\)(?:\s*,\s*\(…\))+/g, "(…)"),
      )
  );
}

describe("the turn start's warm-up at boot", () => {
  it("leaves the first turn after a start nothing a warm turn does not do", async () => {
    // as a start finds this process: no summary, no p95s, no skill parsed, no trigger compiled
    const patterns = processState("skills.triggerPatterns", () => new Map<string, RegExp>());
    const reads = processState("skills.reads", () => new Map<string, unknown>());
    expect(patterns().size).toBe(0);
    expect(reads().size).toBe(0);

    await warmTurnStart();
    const triggers = (await listSkills()).flatMap((s) => s.triggers);
    expect(triggers.length, "the shipped skills have triggers to compile").toBeGreaterThan(0);
    expect(patterns().size).toBe(new Set(triggers).size);
    const parsed = reads().size;

    // the first turn after the warm-up, then the first turn of another session with everything warm:
    // both are a session's first, so what differs is only what the process had not computed yet
    const first = await turnStatements(await newSession("first after start"));
    const warm = await turnStatements(await newSession("warm"));
    const onlyFirst = first.filter((s) => !warm.includes(s));
    expect(onlyFirst, "statements only the first turn sent").toEqual([]);
    expect(first.length).toBeLessThanOrEqual(warm.length);
    // nothing parsed or compiled while the first turn waited
    expect(patterns().size).toBe(new Set(triggers).size);
    expect(reads().size).toBe(parsed);
  });
});
