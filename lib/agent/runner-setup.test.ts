import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession, findSession } from "@/lib/db/queries/sessions";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { activeTurns } from "./active-turns";
import { sendMessage } from "./runner";

// The one failure this file injects: a step of the turn's setup that throws, as a database or disk
// error would. Everything else (database, events, model server) is real.
const setupFailure = vi.hoisted(() => ({ next: null as Error | null }));
vi.mock("@/lib/skills/suggest", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/skills/suggest")>();
  return {
    ...actual,
    suggestSkills: (...args: Parameters<typeof actual.suggestSkills>) => {
      const error = setupFailure.next;
      setupFailure.next = null;
      return error ? Promise.reject(error) : actual.suggestSkills(...args);
    },
  };
});

let llm: FakeLLM;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-setup-000000000000",
    model: "fake-model",
    api: "chat",
  });
});

afterAll(() => llm.close());

describe("a turn whose setup fails", () => {
  it("ends with its own error, leaves the session usable, and never calls the model", async () => {
    const workspace = testWorkspace("ws-");
    const { id } = await createSession({ title: "setup", workspace, budgetUsd: null, model: "fake-model" });
    setupFailure.next = new Error("SQLITE_IOERR: disk I/O error");
    const { turnId } = await sendMessage(id, "hello");
    await activeTurns().get(id)?.done;

    expect(llm.requests).toHaveLength(0);
    const events = await listEventsAfter(id, 0, 1000);
    expect(events.find((e) => e.type === "error")).toMatchObject({
      code: "turn_failed",
      message: "The turn could not start: SQLITE_IOERR: disk I/O error",
    });
    expect(events.filter((e) => e.type === "turn-start" || e.type === "turn-end")).toMatchObject([
      { type: "turn-start", turnId },
      { type: "turn-end", turnId, status: "error" },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "status", status: "idle" });
    expect((await findSession(id))?.status).toBe("idle");
    expect((await db().turn.findUnique({ where: { id: turnId } }))?.status).toBe("error");

    llm.enqueue(reply().text("back to work").build());
    await sendMessage(id, "again");
    await activeTurns().get(id)?.done;
    const ends = (await listEventsAfter(id, 0, 1000)).filter((e) => e.type === "turn-end");
    expect(ends.map((e) => e.type === "turn-end" && e.status)).toEqual(["error", "completed"]);
  });
});
