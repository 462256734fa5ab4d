import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession } from "@/lib/db/queries/sessions";
import { writeSettings } from "@/lib/db/queries/settings";
import { queueReflection } from "@/lib/learning/reflection";
import { updateSession } from "@/lib/sessions/service";
import { saveModelSettings } from "@/lib/settings/model-config";
import { flushTelemetry } from "@/lib/telemetry/recorder";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { activeTurns } from "./active-turns";
import { endSession, sendMessage } from "./runner";

/** Two models on the scripted endpoint: the fast one turns start on, the strong one they escalate to. */
const FAST = "fake-model-mini";
const STRONG = "fake-model";
let llm: FakeLLM;
let workspace: string;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  workspace = testWorkspace("tiers-");
});

afterAll(async () => {
  llm.close();
  await saveModelSettings({ fastModel: "", strongModel: "" });
  await db().setting.deleteMany({ where: { key: "prices" } });
});

beforeEach(async () => {
  llm.reset();
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-tiers-abcdefghijklmnop",
    model: FAST,
    api: "chat",
    stepLimit: 10,
    fastModel: FAST,
    strongModel: STRONG,
  });
  // the strong model costs ten times the fast one: each step is charged at its own model's price
  await writeSettings({
    prices: [
      { model: FAST, inputPerMTok: 1, outputPerMTok: 1 },
      { model: STRONG, inputPerMTok: 10, outputPerMTok: 10 },
    ],
  });
});

async function runToEnd(sessionId: string, text: string) {
  await sendMessage(sessionId, text);
  await activeTurns().get(sessionId)?.done;
  await flushTelemetry();
  return listEventsAfter(sessionId, 0, 10_000);
}

const failing = () => reply().tool("run_command", { command: "exit 1" }).usage(1000, 0).build();
const working = () => reply().tool("run_command", { command: "true" }).usage(1000, 0).build();
const answer = () => reply().text("done").usage(1000, 0).build();

async function steps(sessionId: string) {
  const rows = await db().modelStep.findMany({ where: { sessionId }, orderBy: { step: "asc" } });
  return rows.map((r) => [r.model, r.tier, r.costUsd]);
}

describe("model tiers in a turn", () => {
  it("starts on fast, escalates to strong when run_command fails twice, and the request's model changes", async () => {
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    llm.enqueue(failing(), failing(), answer());
    const events = await runToEnd(id, "make the tests pass");
    expect(llm.requests.map((r) => r.model)).toEqual([FAST, FAST, STRONG]);
    const tiers = events.flatMap((e) => (e.type === "tier" ? [e.message] : []));
    expect(tiers).toEqual([
      `on fast (${FAST}): a turn starts on fast`,
      `escalated to strong (${STRONG}): run_command failed twice`,
    ]);
    const finishes = events.flatMap((e) => (e.type === "step-finish" ? [[e.model, e.tier]] : []));
    expect(finishes).toEqual([
      [FAST, "fast"],
      [FAST, "fast"],
      [STRONG, "strong"],
    ]);
    expect(await steps(id)).toEqual([
      [FAST, "fast", 0.001],
      [FAST, "fast", 0.001],
      [STRONG, "strong", 0.01],
    ]);
  });

  it("goes back to fast after three clean steps on strong, and the next turn starts on fast", async () => {
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    llm.enqueue(failing(), failing(), working(), working(), working(), answer());
    const events = await runToEnd(id, "fix it");
    expect(llm.requests.map((r) => r.model)).toEqual([FAST, FAST, STRONG, STRONG, STRONG, FAST]);
    expect(events.flatMap((e) => (e.type === "tier" ? [e.reason] : []))).toEqual([
      "a turn starts on fast",
      "run_command failed twice",
      "3 clean steps on strong",
    ]);
    llm.reset();
    llm.enqueue(answer());
    await runToEnd(id, "and now?");
    expect(llm.requests.map((r) => r.model)).toEqual([FAST]);
  });

  it("a session pinned to fast never escalates; pinned to strong never starts on fast", async () => {
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    await updateSession(id, { tierOverride: "fast" });
    llm.enqueue(failing(), failing(), failing(), answer());
    const events = await runToEnd(id, "try");
    expect(llm.requests.map((r) => r.model)).toEqual([FAST, FAST, FAST, FAST]);
    expect(events.flatMap((e) => (e.type === "tier" ? [e.message] : []))).toEqual([
      `on fast (${FAST}): pinned to fast for this session`,
    ]);
    llm.reset();
    await updateSession(id, { tierOverride: "strong" });
    llm.enqueue(answer());
    await runToEnd(id, "again");
    expect(llm.requests.map((r) => r.model)).toEqual([STRONG]);
  });

  it("without a strong model there are no tiers: no tier events, no tier on the steps", async () => {
    await saveModelSettings({ strongModel: "" });
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    llm.enqueue(failing(), failing(), answer());
    const events = await runToEnd(id, "go");
    expect(llm.requests.map((r) => r.model)).toEqual([FAST, FAST, FAST]);
    expect(events.some((e) => e.type === "tier")).toBe(false);
    // the fast model is priced; a step of an unpriced model says its cost is unknown
    expect(events.filter((e) => e.type === "step-finish").map((e) => e.costKnown)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect((await steps(id)).map((s) => s[1])).toEqual([null, null, null]);
  });

  it("a correction in the user's message is friction: the turn escalates before its first request", async () => {
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    llm.enqueue(answer());
    await runToEnd(id, "first");
    llm.reset();
    llm.enqueue(answer());
    const events = await runToEnd(id, "no, use pnpm");
    expect(llm.requests.map((r) => r.model)).toEqual([STRONG]);
    expect(events.filter((e) => e.type === "tier").at(-1)).toMatchObject({
      tier: "strong",
      reason: "friction recorded: correction",
    });
  });

  it("a reflection, a maintenance pass, is written by the strong model", async () => {
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    llm.enqueue(answer());
    await runToEnd(id, "hello");
    await endSession(id);
    await queueReflection(id, "end");
    expect(llm.requests.map((r) => r.model)).toEqual([FAST, STRONG]);
    expect(await db().reflection.findUnique({ where: { sessionId: id } })).toMatchObject({ model: STRONG });
  });

  it("the conversation is fitted to the smaller window of the two models, as resolved per model", async () => {
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    const big = (c: string) =>
      reply()
        .tool("run_command", { command: `head -c 6000 /dev/zero | tr '\\0' ${c}` })
        .build();
    llm.enqueue(big("a"), answer());
    await runToEnd(id, "first");
    // the fast model has no window of its own (128,000 assumed); the strong one's row says 2,048
    await writeSettings({
      prices: [
        { model: FAST, inputPerMTok: 1, outputPerMTok: 1 },
        { model: STRONG, inputPerMTok: 10, outputPerMTok: 10, contextWindow: 2048 },
      ],
    });
    llm.reset();
    llm.enqueue(answer());
    const events = await runToEnd(id, "second");
    expect(events.some((e) => e.type === "notice" && e.message.startsWith("Context trimmed"))).toBe(true);
    const sent = llm.requests[0]?.messages.flatMap((m) => (m.role === "tool" ? [m.output] : [])) ?? [];
    expect(sent.join("")).toContain("output elided");
  });

  it("a model nobody priced: its steps cost nothing against the budget and say their cost is unknown", async () => {
    await db().setting.deleteMany({ where: { key: "prices" } });
    const { id } = await createSession({ title: "t", workspace, budgetUsd: null, model: FAST });
    llm.enqueue(answer());
    const events = await runToEnd(id, "hi");
    expect(events.find((e) => e.type === "step-finish")).toMatchObject({ costUsd: 0, costKnown: false });
  });
});
