/**
 * Row 18 (docs/security.md), the parts the end-to-end test cannot wait for: a model endpoint that goes
 * silent. The runner bounds the silence (RATCHET_MODEL_TIMEOUT_SECONDS, 120 s by default; 2 s here):
 * a stream that hangs half-way or before its first word, and an endpoint that never sends its response
 * headers, each end the turn with a `model_timeout` error and the session carries on; Stop during the
 * silence is a cancel, not a timeout. The end-to-end tests (e2e/security/model-faults.spec.ts) cover
 * 401, 429, 500, garbage, a dropped connection and Stop.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createDirectiveHandler,
  type FakeLLM,
  type Handler,
  reply,
  startFakeLLM,
} from "@/e2e/support/fake-llm";
import { activeTurns } from "@/lib/agent/active-turns";
import { cancelTurn, sendMessage } from "@/lib/agent/runner";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession, findSession } from "@/lib/db/queries/sessions";
import { subscribe } from "@/lib/events/bus";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";

// read once by lib/env.ts, so set before anything imports it
const TIMEOUT_SECONDS = vi.hoisted(() => {
  const seconds = 2;
  vi.stubEnv("RATCHET_MODEL_TIMEOUT_SECONDS", String(seconds));
  return seconds;
});
const TIMEOUT_MS = TIMEOUT_SECONDS * 1000;

/** Put in a user message, makes the model server take the request and never answer it, not even headers. */
const NO_HEADERS = "NO-HEADERS";

function silentOr(next: Handler): Handler {
  return (req) => (req.lastUserText.includes(NO_HEADERS) ? new Promise(() => {}) : next(req));
}

let llm: FakeLLM;
let workspace: string;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0, handler: silentOr(createDirectiveHandler()) });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  workspace = testWorkspace("ws-");
});

afterAll(async () => {
  vi.unstubAllEnvs();
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

/** Sends a message and waits for its turn to end; returns how long that took. */
async function turn(id: string, text: string): Promise<number> {
  const started = performance.now();
  await sendMessage(id, text);
  await activeTurns().get(id)?.done;
  return performance.now() - started;
}

/** The session's turn ended with the error, it is idle, and its next turn completes. */
async function expectTimedOutThenRecovered(id: string, message: RegExp) {
  const events = await listEventsAfter(id, 0, 1000);
  const errors = events.filter((e) => e.type === "error");
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ code: "model_timeout" });
  expect(errors[0]?.type === "error" && errors[0].message).toMatch(message);
  expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "error" });
  expect((await findSession(id))?.status).toBe("idle");
  llm.enqueue(reply().text("back").build());
  await turn(id, "again");
  const after = await listEventsAfter(id, 0, 1000);
  expect(after.filter((e) => e.type === "turn-end").at(-1)).toMatchObject({ status: "completed" });
  return events;
}

describe("row 18: a model endpoint that goes silent", () => {
  it.each([
    ["after a few words", reply().text("partial answer").hang().build()],
    ["before the first word", reply().hang().build()],
  ])(
    "a stream that hangs %s times out as model_timeout, is not retried, and the session carries on",
    async (_label, hung) => {
      const { id } = await session();
      llm.enqueue(hung);
      const tookMs = await turn(id, "tell me");
      expect(tookMs).toBeGreaterThan(TIMEOUT_MS - 100);
      expect(tookMs).toBeLessThan(TIMEOUT_MS + 8000);
      const events = await expectTimedOutThenRecovered(
        id,
        /^The model endpoint http:\/\/127\.0\.0\.1:\d+\/v1 sent nothing for 2 s in the middle of its answer; the turn was stopped\./,
      );
      // text already streamed is never asked for again
      expect(events.filter((e) => e.type === "retry")).toHaveLength(0);
      expect(llm.requests).toHaveLength(2);
    },
  );

  it("an endpoint that never sends its headers is retried once, then times out as model_timeout", async () => {
    const { id } = await session();
    const tookMs = await turn(id, `tell me ${NO_HEADERS}`);
    expect(tookMs).toBeGreaterThan(2 * TIMEOUT_MS - 100);
    const events = await expectTimedOutThenRecovered(
      id,
      /sent nothing for 2 s after the request \(not even response headers\); the turn was stopped\./,
    );
    const retries = events.filter((e) => e.type === "retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]?.type === "retry" && retries[0].message).toMatch(/^no response within 2 s; retry 1/);
    expect(llm.requests).toHaveLength(3);
  });

  it("Stop while the stream hangs ends the turn at once as cancelled, not as a timeout", async () => {
    const { id } = await session();
    llm.enqueue(reply().text("partial answer").hang().build());
    const delta = firstDelta(id);
    await sendMessage(id, "tell me");
    await delta;
    const started = performance.now();
    expect(await cancelTurn(id)).toBe(true);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    const events = await listEventsAfter(id, 0, 1000);
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "cancelled" });
    expect(events.some((e) => e.type === "error")).toBe(false);
    expect((await findSession(id))?.status).toBe("idle");
  });

  it("Stop while waiting for the headers ends the turn as cancelled, without a retry", async () => {
    const { id } = await session();
    await sendMessage(id, `tell me ${NO_HEADERS}`);
    await llm.waitForRequests(1);
    expect(await cancelTurn(id)).toBe(true);
    const events = await listEventsAfter(id, 0, 1000);
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "cancelled" });
    expect(events.some((e) => e.type === "error" || e.type === "retry")).toBe(false);
    expect(llm.requests).toHaveLength(1);
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
