import { AsyncLocalStorage } from "node:async_hooks";
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { activeTurns } from "@/lib/agent/active-turns";
import { endSession, sendMessage } from "@/lib/agent/runner";
import { db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { reflectionCoverage, startReflection } from "@/lib/db/queries/reflections";
import { createSession } from "@/lib/db/queries/sessions";
import { saveModelSettings } from "@/lib/settings/model-config";
import { gc } from "@/lib/testing/gc";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { queueReflection, reflectOnSession, waitingReflections } from "./reflection";
import { reflectIdleSessions, resumePendingReflections } from "./scheduler";

let llm: FakeLLM;
const workspace = testWorkspace("reflect-");

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

/** Full collections in fresh tasks, so WeakRefs made in the test's own task can clear. */
async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

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

  it("keeps only ids while reflections wait: a queued session does not hold the request that queued it", async () => {
    const first = await sessionWithExchange();
    // a model endpoint that answers only when told: the first reflection waits for it
    const held: ServerResponse[] = [];
    const endpoint = createServer((_req, res) => held.push(res));
    endpoint.listen(0, "127.0.0.1");
    await once(endpoint, "listening");
    const { port } = endpoint.address() as AddressInfo;
    const settings = { apiKey: "sk-test-reflect-0000000000", model: "fake-model", api: "chat" } as const;
    await saveModelSettings({ ...settings, baseUrl: `http://127.0.0.1:${port}/v1` });
    const queued = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        createSession({ title: `queued ${n}`, workspace, budgetUsd: null, model: "fake-model" }),
      ),
    );
    let drained: Promise<void> = Promise.resolve();
    try {
      drained = queueReflection(first, "end");
      await vi.waitFor(() => expect(held).toHaveLength(1));
      // each session ends in a request of its own, whose async context outlives the response
      const requests = new AsyncLocalStorage<{ body: number[] }>();
      const alive = queued.map((session) => {
        const request = { body: new Array(100_000).fill(1) };
        requests.run(request, () => void queueReflection(session.id, "end"));
        return new WeakRef(request);
      });
      void queueReflection(queued[0]?.id ?? "", "manual");
      expect(waitingReflections()).toBe(5);
      await collectGarbage();
      expect(alive.map((ref) => ref.deref() !== undefined)).toEqual([false, false, false, false, false]);
    } finally {
      await saveModelSettings({ ...settings, baseUrl: llm.url });
      for (const res of held)
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "held", type: "invalid_request_error" } }));
      await drained;
      endpoint.close();
    }
    expect((await db().reflection.findUnique({ where: { sessionId: first } }))?.status).toBe("error");
    const rows = await db().reflection.findMany({ where: { sessionId: { in: queued.map((s) => s.id) } } });
    expect(rows.map((r) => r.status)).toEqual(["skipped", "skipped", "skipped", "skipped", "skipped"]);
    expect(rows.find((r) => r.sessionId === queued[0]?.id)?.trigger).toBe("end");
    expect(waitingReflections()).toBe(0);
  });
});
