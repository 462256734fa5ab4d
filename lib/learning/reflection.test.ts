import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { activeTurns } from "@/lib/agent/active-turns";
import { endSession, sendMessage } from "@/lib/agent/runner";
import { db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { reflectionCoverage, startReflection } from "@/lib/db/queries/reflections";
import { createSession } from "@/lib/db/queries/sessions";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { queueReflection, reflectOnSession } from "./reflection";
import { reflectIdleSessions, resumePendingReflections } from "./scheduler";

let llm: FakeLLM;
const workspace = mkdtempSync(path.join(os.tmpdir(), "ratchet-reflect-"));

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
});
afterAll(() => llm.close());

beforeEach(async () => {
  llm.reset();
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-reflect-0000000000",
    model: "fake-model",
    api: "chat",
  });
});

async function sessionWithExchange() {
  const session = await createSession({ title: "reflect", workspace, budgetUsd: null, model: "fake-model" });
  await sendMessage(session.id, "say hi");
  await activeTurns().get(session.id)?.done;
  return session.id;
}

describe("reflection", () => {
  it("answers the three questions as separate fields when a session ends", async () => {
    const id = await sessionWithExchange();
    await endSession(id);
    await queueReflection(id, "end"); // waits for the queued one too
    const row = await db().reflection.findUnique({ where: { sessionId: id } });
    expect(row).toMatchObject({
      status: "success",
      trigger: "end",
      summary: "fake summary",
      wentWell: "fake wentWell",
      slow: "fake slow",
      nextTime: "fake nextTime",
    });
    const request = llm.requests.at(-1);
    expect(JSON.stringify(request?.body.response_format)).toContain("nextTime");
    expect(request?.messages.map((m) => ("text" in m ? m.text : "")).join("\n")).toContain("USER: say hi");
    const events = await listEventsAfter(id, 0, 1000);
    expect(events.at(-1)).toMatchObject({ type: "reflection", status: "success", summary: "fake summary" });
  });

  it("skips a session without an exchange", async () => {
    const session = await createSession({ title: "empty", workspace, budgetUsd: null, model: "fake-model" });
    await reflectOnSession(session.id, "end");
    expect(await db().reflection.findUnique({ where: { sessionId: session.id } })).toMatchObject({
      status: "skipped",
    });
  });

  it("records a model failure as an error a person can read", async () => {
    const id = await sessionWithExchange();
    llm.enqueue(reply().httpError(401).build());
    await reflectOnSession(id, "end");
    const row = await db().reflection.findUnique({ where: { sessionId: id } });
    expect(row?.status).toBe("error");
    expect(row?.error).toMatch(/key|401|auth/i);
  });

  it("reflects on sessions idle past the timeout, and finishes queued ones at boot", async () => {
    const idle = await sessionWithExchange();
    const count = await reflectIdleSessions(new Date(Date.now() + 31 * 60_000));
    expect(count).toBeGreaterThanOrEqual(1);
    await queueReflection(idle, "idle");
    expect((await db().reflection.findUnique({ where: { sessionId: idle } }))?.trigger).toBe("idle");

    const interrupted = await sessionWithExchange();
    await startReflection(interrupted, "shutdown");
    expect(await resumePendingReflections()).toBeGreaterThanOrEqual(1);
    await queueReflection(interrupted, "shutdown");
    expect(await db().reflection.findUnique({ where: { sessionId: interrupted } })).toMatchObject({
      status: "success",
      trigger: "shutdown",
    });
    const coverage = await reflectionCoverage();
    expect(coverage.reflected).toBeGreaterThanOrEqual(2);
    expect(coverage.rate).not.toBeNull();
  });
});
