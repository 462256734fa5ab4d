import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { activeTurns } from "@/lib/agent/active-turns";
import { agentTurns, sendMessage } from "@/lib/agent/runner";
import { db } from "@/lib/db/client";
import { findMaintenanceRun } from "@/lib/db/queries/maintenance";
import { createOpportunity } from "@/lib/db/queries/opportunities";
import { createSession } from "@/lib/db/queries/sessions";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { workingMemoryProblem } from "../working-memory";
import { noSmallItem } from "./analysis";
import {
  afterMaintenanceTurn,
  maintenancePrompt,
  maintenanceStatus,
  PASS_INSTRUCTIONS,
  startMaintenancePass,
} from "./pass";

const MEMORY = [
  "## Preferences",
  "- use pnpm",
  "## Pitfalls",
  "- the e2e port is shared",
  "## Recurring patterns",
  "- tests first",
  "## Insights",
  "- none yet",
  "## Tool notes",
  "- safe_read beats cat",
].join("\n");

let llm: FakeLLM;
const workspace = testWorkspace("pass-");

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  process.env.RATCHET_WORKSPACE = workspace;
});
afterAll(() => llm.close());

beforeEach(async () => {
  llm.reset();
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-pass-000000000000",
    model: "fake-model",
    api: "chat",
  });
  await db().opportunity.deleteMany();
});

/** Waits until the pass's session has no running turn and the run left "running". */
async function settled(runId: string) {
  await expect
    .poll(
      async () => {
        const run = await findMaintenanceRun(runId);
        return run?.sessionId && !activeTurns().has(run.sessionId) ? run.status : "running";
      },
      { timeout: 20_000 },
    )
    .not.toBe("running");
  return findMaintenanceRun(runId);
}

describe("working memory rules", () => {
  it("needs the five sections and at most 150 lines", () => {
    expect(workingMemoryProblem(MEMORY)).toBeNull();
    expect(workingMemoryProblem("## Preferences\n- x")).toMatch(/missing Pitfalls/);
    expect(workingMemoryProblem(`${MEMORY}\n${"- x\n".repeat(150)}`)).toMatch(/150/);
  });
});

describe("battery change", () => {
  it("analyzes, streams a maintenance session, and keeps what the model wrote", async () => {
    const worker = await createSession({ title: "work", workspace, budgetUsd: null, model: "fake-model" });
    llm.enqueue(
      reply().tool("run_command", { command: "cat a.txt" }).build(),
      reply().tool("run_command", { command: "cat b.txt" }).build(),
      reply().tool("run_command", { command: "cat c.txt" }).build(),
      reply().text("done").build(),
    );
    await sendMessage(worker.id, "read the files");
    await activeTurns().get(worker.id)?.done;

    llm.enqueue(
      reply().tool("write_working_memory", { content: MEMORY }).build(),
      reply()
        .tool("add_opportunity", {
          title: "A tool to read several files",
          what: "read_files tool",
          why: "cat ran 3 times",
          success_criteria: "no repeated cat",
          impact: "H",
          effort: "S",
        })
        .build(),
      reply().text("Pass done.").build(),
    );
    const { id, sessionId } = await startMaintenancePass(agentTurns);
    const run = await settled(id);
    expect(run).toMatchObject({ status: "completed" });
    const analysis = run?.analysis as { repeatedCommands: Array<{ pattern: string }> };
    expect(analysis.repeatedCommands.map((r) => r.pattern)).toContain("cat");
    // the pass's own instructions, not a prompt that merely mentions an earlier battery change
    const system = llm.requests.find((r) =>
      r.messages.some((m) => "text" in m && m.text.includes("You are running a battery change")),
    );
    expect(JSON.stringify(system?.messages)).toContain("Repeated command patterns");
    expect((await db().session.findUnique({ where: { id: sessionId } }))?.kind).toBe("maintenance");
    // the pass's own cards (other test files' hypotheses in the shared database may add theirs)
    expect(await db().opportunity.findMany({ where: { runId: id } })).toMatchObject([
      { title: "A tool to read several files", runId: id },
    ]);
    expect((await db().workingMemory.findFirst({ orderBy: { version: "desc" } }))?.runId).toBe(id);

    // the next session's prompt carries the working memory
    const next = await createSession({ title: "next", workspace, budgetUsd: null, model: "fake-model" });
    llm.enqueue(reply().text("hi").build());
    await sendMessage(next.id, "hello");
    await activeTurns().get(next.id)?.done;
    const prompt = llm.requests.at(-1)?.messages.find((m) => m.role === "system");
    expect(prompt && "text" in prompt ? prompt.text : "").toContain("safe_read beats cat");
  });

  it("asks once more when the top small item was deferred, and counts it when acted on", async () => {
    const card = await createOpportunity({ title: "Cache the test DB", effort: "S", impact: "H" });
    llm.enqueue(
      reply().text("I will look at it next time.").build(),
      reply().tool("update_opportunity", { id: card.id, status: "done" }).build(),
      reply().text("Done now.").build(),
    );
    const { id, sessionId } = await startMaintenancePass(agentTurns);
    const run = await settled(id);
    expect(run).toMatchObject({ status: "completed", smallItemsActed: 1 });
    const users = await db().message.count({ where: { sessionId, role: "user" } });
    expect(users).toBe(2);
    expect(llm.requests.some((r) => r.lastUserText.includes("Deferring it again is not an option"))).toBe(
      true,
    );
    expect((await db().opportunity.findUnique({ where: { id: card.id } }))?.status).toBe("done");
  });

  it("counts an in-progress small item as open: it is the top item, and leaving it in progress is deferring it", async () => {
    const card = await createOpportunity({ title: "Half-built cache", effort: "S", impact: "M" });
    await db().opportunity.update({ where: { id: card.id }, data: { status: "in_progress" } });
    await createOpportunity({ title: "A big rewrite", effort: "L", impact: "H" });
    llm.enqueue(
      reply().text("Still on it.").build(),
      reply().tool("update_opportunity", { id: card.id, status: "done" }).build(),
      reply().text("Finished it.").build(),
    );
    const { id } = await startMaintenancePass(agentTurns);
    const run = await settled(id);
    expect(run?.analysis).toMatchObject({
      topSmallItem: { id: card.id, status: "in_progress" },
      openItems: 2,
    });
    const prompt = JSON.stringify(llm.requests[0]?.messages);
    expect(prompt).toContain(`[${card.id}] Half-built cache (impact M, in progress: finish it or drop it)`);
    // left in progress after the first turn: asked once more, like a deferred to-do item
    expect(llm.requests.some((r) => r.lastUserText.includes('act on "Half-built cache"'))).toBe(true);
    expect(run).toMatchObject({ status: "completed", smallItemsActed: 1 });
  });

  it("says why there is no top small item", () => {
    expect(noSmallItem(0)).toBe("none: the board has no open items");
    expect(noSmallItem(2)).toBe("none: none of the 2 open items is small-effort");
    expect(noSmallItem(1)).toBe("none: the 1 open item is not small-effort");
  });

  it("shows the banner after the threshold of completed sessions", async () => {
    const status = await maintenanceStatus(agentTurns);
    expect(status).toMatchObject({ threshold: 10 });
    expect(typeof status.due).toBe("boolean");
  });
});

describe("a battery change whose stored analysis cannot be read (issue 15)", () => {
  it("still gets its instructions, and closes without asking about an item it cannot know", async () => {
    const session = await createSession({
      title: "old pass",
      workspace,
      budgetUsd: null,
      model: "fake-model",
      kind: "maintenance",
    });
    const row = await db().maintenanceRun.create({
      data: { sessionId: session.id, status: "running", analysis: { topSmallItem: "card-1" } },
    });
    expect(await maintenancePrompt(session.id)).toBe(PASS_INSTRUCTIONS);
    const sent: string[] = [];
    await afterMaintenanceTurn(session.id, "completed", async (_, text) => {
      sent.push(text);
      return { turnId: "t" };
    });
    expect(sent).toEqual([]);
    expect(await findMaintenanceRun(row.id)).toMatchObject({ status: "completed", analysis: null });
  });
});
