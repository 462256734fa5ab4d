/**
 * Row 18 (docs/security.md), the part the end-to-end test cannot wait for: a model stream that hangs
 * half-way. lib/agent sets no timeout of its own on the model call (no `timeout` passed to
 * streamText, no idle timer in the runner); what ends a hung stream is the HTTP client's body
 * timeout: undici's default in Node's fetch, 300 000 ms between two chunks. Here the same client runs
 * with a 1.5 s body timeout, to show what the session gets when it fires. The end-to-end tests
 * (e2e/security/model-faults.spec.ts) cover 401, 429, 500, garbage, a dropped connection and Stop.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { activeTurns } from "@/lib/agent/active-turns";
import { cancelTurn, sendMessage } from "@/lib/agent/runner";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession, findSession } from "@/lib/db/queries/sessions";
import { subscribe } from "@/lib/events/bus";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";

let llm: FakeLLM;
let workspace: string;
let previous: Dispatcher;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  workspace = mkdtempSync(path.join(os.tmpdir(), "ratchet-ws-"));
  previous = getGlobalDispatcher();
});

afterAll(async () => {
  setGlobalDispatcher(previous);
  await llm.close();
});

function saveFakeModel() {
  return saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-abcdefghijklmnopqrstuvwxyz",
    model: "fake-model",
    api: "chat",
  });
}

beforeEach(async () => {
  llm.reset();
  await saveFakeModel();
});

/** A session, with the model settings saved again right away: other test files share the database. */
async function session() {
  await saveFakeModel();
  return createSession({ title: "faults", workspace, budgetUsd: null, model: "fake-model" });
}

function firstDelta(id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = subscribe(id, (e) => {
      if (e.type === "text-delta") {
        off();
        resolve();
      }
    });
  });
}

describe("row 18: a model stream that hangs half-way", () => {
  it.each([
    ["after a few words", reply().text("partial answer").hang().build()],
    ["before the first word", reply().hang().build()],
  ])(
    "%s: is cut by the HTTP client's body timeout and reported plainly; the session carries on",
    async (_label, hung) => {
      setGlobalDispatcher(new Agent({ bodyTimeout: 1500, headersTimeout: 1500 }));
      try {
        const { id } = await session();
        llm.enqueue(hung);
        const started = performance.now();
        await sendMessage(id, "tell me");
        await activeTurns().get(id)?.done;
        const tookMs = performance.now() - started;
        expect(tookMs).toBeGreaterThan(1400);
        expect(tookMs).toBeLessThan(10_000);
        const events = await listEventsAfter(id, 0, 1000);
        const error = events.find((e) => e.type === "error");
        // a lost connection, or (with a timeout of Ratchet's own, docs/security.md) a timeout
        expect(["model_connection_lost", "model_timeout"]).toContain(error?.type === "error" && error.code);
        expect(error?.type === "error" && error.message).toMatch(
          /failed mid-response: .*(terminated|Body Timeout)|sent nothing for/,
        );
        expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "error" });
        expect((await findSession(id))?.status).toBe("idle");
        llm.enqueue(reply().text("back").build());
        await sendMessage(id, "again");
        await activeTurns().get(id)?.done;
        const after = await listEventsAfter(id, 0, 1000);
        expect(after.filter((e) => e.type === "turn-end").at(-1)).toMatchObject({ status: "completed" });
      } finally {
        setGlobalDispatcher(previous);
      }
    },
  );

  it("ends at once when the user presses Stop", async () => {
    const { id } = await session();
    llm.enqueue(reply().text("partial answer").hang().build());
    const delta = firstDelta(id);
    await sendMessage(id, "tell me");
    await delta;
    const started = performance.now();
    expect(await cancelTurn(id)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
    const events = await listEventsAfter(id, 0, 1000);
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "cancelled" });
    expect(events.some((e) => e.type === "error")).toBe(false);
    expect((await findSession(id))?.status).toBe("idle");
  });
});

describe("row 18: errors that outlast the retries", () => {
  it.each([
    [429, "model_rate_limited", /HTTP 429/],
    [500, "model_server_error", /HTTP 500/],
    [503, "model_server_error", /HTTP 503/],
  ])("HTTP %i on every attempt: retried 4 times, then %s", async (status, code, message) => {
    const { id } = await session();
    for (let i = 0; i < 5; i++)
      llm.enqueue(reply().httpError(status, undefined, { "retry-after-ms": "5" }).build());
    await sendMessage(id, "hi");
    await activeTurns().get(id)?.done;
    const events = await listEventsAfter(id, 0, 1000);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(4);
    const error = events.find((e) => e.type === "error");
    expect(error).toMatchObject({ code });
    expect(error?.type === "error" && error.message).toMatch(message);
    expect(llm.requests).toHaveLength(5);
    expect((await findSession(id))?.status).toBe("idle");
  });
});
