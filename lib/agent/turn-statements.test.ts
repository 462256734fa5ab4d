import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { createSession } from "@/lib/db/queries/sessions";
import { recordStatements } from "@/lib/db/statements";
import { env } from "@/lib/env";
import { drainEvents } from "@/lib/events/log";
import { saveModelSettings } from "@/lib/settings/model-config";
import { openPrivateDatabase } from "@/lib/testing/private-database";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { activeTurns } from "./active-turns";
import { sendMessage } from "./runner";

/**
 * What a turn start costs the database, from the message to the model request: every statement is
 * 1-3 ms of CPU in Prisma on the hot path (docs/benchmarks.md §8). Besides the event appends, 27 on
 * SQLite and 24 on PostgreSQL when this was written (32 before: a transaction around every append,
 * around an empty nested write and around a single skill load, and two pruning deletes on every
 * turn); PostgreSQL adds one NOTIFY per event batch. A prompt that uses learnings adds two (their
 * use is counted). Then 22 on SQLite (issue 20, docs/benchmarks.md §18): the settings in one read
 * (was three), the catalog's tool versions in one (was two), the lease claim without Prisma's
 * transaction (was UPDATE + COMMIT), the turn and the user's message in one transaction of
 * INSERTs (was INSERT, then INSERT, INSERT, SELECT, COMMIT). A prompt that uses learnings now adds
 * one, not two (their use counted in one UPDATE: lib/db/queries/learning-use.test.ts). Since
 * docs/benchmarks.md §23 all but the turn-start checkpoint's read go through the driver, not Prisma
 * (0.05-1 ms each instead of 0.7-3): their number still counts, their cost much less.
 */
const BUDGET = 22;

// other test files write learnings, MCP servers and calls that a turn start reads: a database of its own
const dropDatabase = await openPrivateDatabase();

let llm: FakeLLM;
let workspace: string;
let arrived: (() => void) | null = null;

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
  workspace = testWorkspace("ws-statements-");
});

afterAll(async () => {
  await llm.close();
  await dropDatabase();
});

beforeEach(async () => {
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-abcdefghijklmnopqrstuvwxyz",
    model: "fake-model",
    api: "chat",
    stepLimit: 10,
  });
});

/** The statements from sending a message to the model request arriving. */
async function turnStart(sessionId: string): Promise<string[]> {
  const requested = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const sql = await recordStatements(async () => {
    await sendMessage(sessionId, "hello, what is in this repo?");
    await requested;
  });
  await activeTurns().get(sessionId)?.done;
  await drainEvents(sessionId);
  return sql;
}

describe("a turn start's statements", () => {
  it("stays within its budget: no transaction around an append, no pruning on every turn", async () => {
    const { id } = await createSession({
      title: "statements",
      workspace,
      budgetUsd: null,
      model: "fake-model",
    });
    await turnStart(id);
    // the work a finished turn leaves behind (telemetry refreshes) may run into the next turn's
    // recording, and only adds to it: the least of three turns is the turn start's own
    const turns = [await turnStart(id), await turnStart(id), await turnStart(id)];
    const isAppend = (s: string) => /^INSERT INTO "Event"/.test(s);
    // spilled work adds statements and appends alike: the turn with the fewest in all is the cleanest
    const count = (sql: string[]) => sql.filter((s) => !s.includes("pg_notify")).length;
    const sql = turns.reduce((least, t) => (count(t) < count(least) ? t : least));
    const own = sql.filter((s) => !s.includes("pg_notify"));
    // how many batches the event log writes depends on timing: they are counted apart
    const others = own.filter((s) => !isAppend(s));
    console.log(
      `turn start on ${env().databaseProvider}: ${others.length} statements + ${own.length - others.length} appends + ${sql.length - own.length} notify`,
    );
    expect(own.filter((s) => /^DELETE/.test(s))).toEqual([]);
    const afterAppends = own.flatMap((s, i) => (isAppend(s) ? [own[i + 1] ?? ""] : []));
    // user-message, status and turn-start: at most one statement each
    expect(afterAppends.length).toBeGreaterThanOrEqual(1);
    expect(afterAppends.length, own.join("\n")).toBeLessThanOrEqual(3);
    for (const next of afterAppends) expect(next).not.toMatch(/^COMMIT/);
    expect(others.length, others.join("\n")).toBeLessThanOrEqual(BUDGET);
  });

  it("reads other sessions' command counts once per session, not at every turn", async () => {
    const counts = (sql: string[]) => sql.filter((s) => s.includes(`tc."tool" = 'run_command'`)).length;
    const first = await createSession({ title: "counts", workspace, budgetUsd: null, model: "fake-model" });
    expect(counts(await turnStart(first.id))).toBe(1);
    // kept from the session's first turn; the end of a turn recomputes them once a minute old
    expect(counts(await turnStart(first.id))).toBe(0);
    expect(counts(await turnStart(first.id))).toBe(0);
    // another session leaves out its own calls, not this one's: it reads its own counts
    const second = await createSession({
      title: "counts 2",
      workspace,
      budgetUsd: null,
      model: "fake-model",
    });
    expect(counts(await turnStart(second.id))).toBe(1);
  });
});
