import { rmSync } from "node:fs";
import path from "node:path";
import { type APIRequestContext, test as base, type Page } from "@playwright/test";
import { E2E } from "./support/constants";
import {
  createDirectiveHandler,
  type FakeLLM,
  type FakeRequest,
  type Handler,
  startFakeLLM,
} from "./support/fake-llm";
import { expect, terminalText } from "./support/fixtures";
import { type AppServer, startServer } from "./support/server";

/**
 * The learning loops end to end, with the scripted model. This spec runs its own app server and
 * its own fake model in-process, so it can read the exact requests the model received (the system
 * prompt with the friction nudge, the working memory) and count sessions from zero for the banner.
 * User messages carry directives (`[[cmd: …]]`); a battery change is scripted below; reflections
 * (structured output) are answered with "fake <field>" values.
 */

const PORT = 3104;
const dataDir = path.join(path.dirname(E2E.dataDir), "e2e-learning-data");
const auth = { authorization: `Bearer ${E2E.token}` };
const RUN = Date.now().toString(36);

const MEMORY = `## Preferences
- Use pnpm, not npm (${RUN}).

## Pitfalls
- cat on a missing file fails; check the path first.

## Recurring patterns
- none yet

## Insights
- The harness nudges on friction.

## Tool notes
- run_command is enough for now.`;

const CARD_TITLE = `Wrap the flaky cat in a tool ${RUN}`;

function systemOf(req: FakeRequest): string {
  return req.messages.flatMap((m) => (m.role === "system" ? [m.text] : [])).join("\n");
}

/** Tool results since the last user message: how far into its turn the model is. */
function stepOf(req: FakeRequest): number {
  const lastUser = req.messages.findLastIndex((m) => m.role === "user");
  return req.messages.slice(lastUser + 1).filter((m) => m.role === "tool").length;
}

/** A battery change: write the working memory, add one opportunity, then sum up. */
function batteryChange(req: FakeRequest) {
  if (req.lastUserText.startsWith("Before you finish"))
    return { steps: [{ kind: "text" as const, text: "Acted on it." }] };
  const step = stepOf(req);
  if (step === 0)
    return { steps: [{ kind: "tool" as const, name: "write_working_memory", args: { content: MEMORY } }] };
  if (step === 1)
    return {
      steps: [
        {
          kind: "tool" as const,
          name: "add_opportunity",
          args: {
            title: CARD_TITLE,
            what: "A read_file tool that says when the path is missing.",
            why: "cat failed twice in one session.",
            success_criteria: "No repeated cat failures in the next 5 sessions.",
            impact: "M",
            effort: "M",
            evidence: ["run_command"],
          },
        },
      ],
    };
  return {
    steps: [{ kind: "text" as const, text: "Battery change done: working memory v1, one opportunity." }],
  };
}

interface Env {
  app: AppServer;
  llm: FakeLLM;
}

const test = base.extend<{ authed: Page; api: APIRequestContext }, { env: Env }>({
  env: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
    async ({}, use) => {
      rmSync(dataDir, { recursive: true, force: true });
      const directives = createDirectiveHandler();
      const handler: Handler = (req) =>
        systemOf(req).includes("You are running a battery change") && !req.body.response_format
          ? batteryChange(req)
          : directives(req);
      const llm = await startFakeLLM({ port: 0, handler });
      const app = await startServer({ port: PORT, dataDir, env: { OPENAI_BASE_URL: llm.url } });
      await use({ app, llm });
      await app.stop();
      await llm.close();
    },
    { scope: "worker", timeout: 180_000 },
  ],
  authed: async ({ page, context, env }, use) => {
    const response = await context.request.post(`${env.app.url}/api/auth/login`, {
      data: { token: E2E.token },
    });
    expect(response.status()).toBe(200);
    await use(page);
  },
  api: async ({ playwright, env }, use) => {
    const api = await playwright.request.newContext({ baseURL: env.app.url, extraHTTPHeaders: auth });
    await use(api);
    await api.dispose();
  },
});

test.describe.configure({ mode: "serial" });

async function openSession(page: Page, env: Env, title: string): Promise<string> {
  await page.goto(`${env.app.url}/sessions`);
  await page.getByTestId("new-session-title").fill(title);
  await page.getByTestId("new-session-submit").click();
  await page.waitForURL(/\/sessions\/[^/]+$/);
  return page.url().split("/").at(-1) ?? "";
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("composer").fill(text);
  await page.getByTestId("send-button").click();
}

/** One completed session made through the API: an exchange, then End. */
async function completedSession(api: APIRequestContext, n: number): Promise<string> {
  const created = await api.post("/api/sessions", { data: { title: `filler ${n}` } });
  const { id } = (await created.json()) as { id: string };
  expect((await api.post(`/api/sessions/${id}/messages`, { data: { text: `hello ${n}` } })).status()).toBe(
    202,
  );
  await expect
    .poll(async () => ((await (await api.get(`/api/sessions/${id}`)).json()) as { status: string }).status)
    .toBe("idle");
  expect((await api.post(`/api/sessions/${id}/end`)).status()).toBe(200);
  return id;
}

async function maintenanceStatus(api: APIRequestContext) {
  const body = (await (await api.get("/api/maintenance")).json()) as {
    status: { sessionsSinceLastPass: number; threshold: number; due: boolean };
    runs: Array<{ status: string; sessionId: string; results: { workingMemoryVersion?: number | null } }>;
  };
  return body;
}

test("a command failing twice raises friction, shown live, and the next model request carries the nudge", async ({
  authed: page,
  env,
}) => {
  await openSession(page, env, "friction");
  const before = env.llm.requests.length;
  const command = `cat /nonexistent/ratchet-friction-${RUN}`;
  await send(page, `[[cmd: ${command}]] [[cmd: ${command}]] [[text: Gave up on cat.]]`);
  await expect.poll(() => terminalText(page)).toContain("Gave up on cat.");
  await expect
    .poll(() => terminalText(page))
    .toContain(`⚡ friction: the same command failed 2 times: ${command}`);

  const turn = env.llm.requests.slice(before).filter((r) => r.lastUserText.includes(command));
  const first = turn.find((r) => stepOf(r) === 0);
  const afterSecond = turn.find((r) => stepOf(r) === 2);
  expect(first && systemOf(first)).not.toContain("Friction just now");
  expect(afterSecond).toBeDefined();
  const system = systemOf(afterSecond as FakeRequest);
  expect(system).toContain("## Friction just now (noticed by the harness)");
  expect(system).toContain(`failed 2 times: ${command}`);
  expect(system).toContain("propose_tool");
});

let correctionSession = "";

test('"no, use pnpm" is captured as a correction, listed on the Learnings page with source detector', async ({
  authed: page,
  env,
}) => {
  correctionSession = await openSession(page, env, "correction");
  await send(page, "install the dependencies with npm");
  await expect.poll(() => terminalText(page)).toContain("Echo: install the dependencies with npm");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await send(page, "no, use pnpm");
  await expect.poll(() => terminalText(page)).toContain("✎ correction noted (detector)");
  await expect.poll(() => terminalText(page)).toContain("Echo: no, use pnpm");

  await page.getByRole("link", { name: "Learnings" }).click();
  await expect(page).toHaveURL(/\/learnings$/);
  const row = page
    .getByTestId("learning-event")
    .filter({ hasText: 'The user corrected the agent: "no, use pnpm"' });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("learning-source")).toHaveText("detector");
  await expect(row.getByTestId("learning-type-badge")).toHaveText("correction");
  await expect(row.getByTestId("learning-session-link")).toHaveAttribute(
    "href",
    `/sessions/${correctionSession}`,
  );
  await row.getByText("Context").click();
  await expect(row).toContainText("message: no, use pnpm");

  // Filter by source, edit, and the used/recurred columns are there.
  await page.getByTestId("learning-source-filter").getByText("Detector").click();
  await expect(page.getByTestId("learning-event")).toHaveCount(1);
  await expect(row.getByTestId("learning-recurred")).toHaveText("not recurred");
  await row.getByTestId("learning-edit").click();
  await page.getByTestId("learning-description").fill("Use pnpm for installs, never npm.");
  await page.getByTestId("learning-type").getByText("Preference").click();
  await page.getByTestId("learning-save").click();
  const edited = page.getByTestId("learning-event").filter({ hasText: "Use pnpm for installs, never npm." });
  await expect(edited.getByTestId("learning-type-badge")).toHaveText("preference");
  await expect(edited.getByTestId("learning-source")).toHaveText("detector");
});

test("a message in the session can be marked as a learning; the Learnings page can add and delete", async ({
  authed: page,
  env,
}) => {
  await page.goto(`${env.app.url}/sessions/${correctionSession}`);
  const panel = page.getByTestId("session-panel-toggle");
  if ((await panel.getAttribute("aria-expanded")) === "false") await panel.click();
  const message = page
    .locator('[data-testid="session-message"][data-role="user"]')
    .filter({ hasText: "install the dependencies with npm" });
  await message.getByTestId("mark-as-learning").click();
  await expect(page.getByTestId("learning-description")).toHaveValue("install the dependencies with npm");
  await page.getByTestId("learning-description").fill(`Installs go through pnpm ${RUN}`);
  await page.getByTestId("learning-save").click();
  await expect(message.getByTestId("marked-learning")).toHaveText("✓ Marked as correction");

  await page.goto(`${env.app.url}/learnings`);
  const marked = page.getByTestId("learning-event").filter({ hasText: `Installs go through pnpm ${RUN}` });
  await expect(marked.getByTestId("learning-source")).toHaveText("user");
  await expect(marked.getByTestId("learning-session-link")).toHaveAttribute(
    "href",
    `/sessions/${correctionSession}`,
  );

  await page.getByTestId("add-learning").click();
  await page.getByTestId("learning-type").getByText("Pattern").click();
  await page.getByTestId("learning-description").fill(`Tests are run before every commit ${RUN}`);
  await page.getByTestId("learning-save").click();
  const added = page
    .getByTestId("learning-event")
    .filter({ hasText: `Tests are run before every commit ${RUN}` });
  await expect(added.getByTestId("learning-type-badge")).toHaveText("pattern");
  await added.getByTestId("learning-delete").click();
  await added.getByTestId("learning-delete-confirm").click();
  await expect(added).toHaveCount(0);
});

test("ending a session stores a reflection, shown live on the session page and on the Reflections page", async ({
  authed: page,
  env,
}) => {
  const id = await openSession(page, env, `reflect me ${RUN}`);
  await send(page, "say hello");
  await expect.poll(() => terminalText(page)).toContain("Echo: say hello");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  await page.getByTestId("end-session-button").click();
  await page.getByTestId("end-session-confirm").click();
  await expect(page.getByTestId("session-status")).toHaveText("ended");
  await expect.poll(() => terminalText(page)).toContain("◆ reflection (success): fake summary");
  const card = page.getByTestId("session-reflection");
  await expect(card.getByTestId("session-reflection-status")).toHaveText("success");
  await expect(card.getByTestId("session-reflection-summary")).toHaveText("fake summary");
  await expect(card.getByTestId("reflection-wentWell")).toContainText("fake wentWell");
  await expect(card.getByTestId("reflection-slow")).toContainText("fake slow");
  await expect(card.getByTestId("reflection-nextTime")).toContainText("fake nextTime");

  await page.getByRole("link", { name: "Reflections" }).click();
  await expect(page).toHaveURL(/\/reflections$/);
  const item = page.locator(`[data-testid="reflection-item"][data-session-id="${id}"]`);
  await expect(item.getByTestId("reflection-status")).toHaveText("success");
  await expect(item.getByTestId("reflection-summary")).toHaveText("fake summary");
  await expect(item.getByTestId("reflection-wentWell")).toContainText("fake wentWell");
  await expect(item.getByTestId("reflection-session-link")).toHaveAttribute("href", `/sessions/${id}`);
  await expect(page.getByTestId("reflection-coverage")).toContainText("%");
  await expect(page.getByTestId("health-coverage-value")).toContainText("%");

  // Search and filter go through the API (?q=, ?status=).
  await page.getByTestId("reflection-search").fill(`reflect me ${RUN}`);
  await expect(page).toHaveURL(/q=reflect/);
  await expect(page.getByTestId("reflection-item")).toHaveCount(1);
  await page.getByTestId("reflection-filter").getByText("Error").click();
  await expect(page.getByTestId("reflections-empty")).toBeVisible();
});

test("the battery banner appears once 10 sessions have completed since the last pass", async ({
  authed: page,
  env,
  api,
}) => {
  test.setTimeout(120_000);
  const { status } = await maintenanceStatus(api);
  expect(status.threshold).toBe(10);
  for (let n = status.sessionsSinceLastPass; n < status.threshold - 1; n++) await completedSession(api, n);
  await page.goto(`${env.app.url}/sessions`);
  await expect(page.getByTestId("new-session-title")).toBeVisible();
  await expect(page.getByTestId("maintenance-banner")).toHaveCount(0);

  await completedSession(api, status.threshold);
  await page.reload();
  const banner = page.getByTestId("maintenance-banner");
  await expect(banner).toContainText("Time to change batteries — 10 sessions since the last pass");
  await expect(banner.getByTestId("maintenance-start")).toBeVisible();
  await expect(banner.getByTestId("maintenance-snooze")).toBeVisible();
  // On every app page.
  await page.goto(`${env.app.url}/settings`);
  await expect(page.getByTestId("maintenance-banner")).toBeVisible();
});

test("Change batteries runs a pass: working memory and a card on the board, and the next session's prompt has the memory", async ({
  authed: page,
  env,
  api,
}) => {
  test.setTimeout(120_000);
  await page.goto(`${env.app.url}/opportunities`);
  await expect(page.getByTestId("health-conversion")).toBeVisible();
  await expect(page.getByTestId("runs-empty")).toBeVisible();
  await page.getByTestId("change-batteries").click();
  // it says what it will do, where and at what cost before anything starts
  const dialog = page.getByTestId("battery-dialog");
  await expect(dialog.getByTestId("battery-explain")).toContainText("must act on the top small item");
  await expect(dialog.getByTestId("battery-cost")).toContainText("No earlier pass to estimate from");
  await expect(dialog.getByTestId("battery-cost")).toContainText("budget or after");
  await expect(dialog.getByTestId("battery-workspace")).toContainText(E2E.workspace);
  await expect(dialog.getByTestId("battery-workspace")).not.toContainText(process.cwd());
  await expect(dialog.getByTestId("battery-board")).toContainText(/no open items|to do and in progress/);
  expect((await maintenanceStatus(api)).runs).toHaveLength(0);
  await dialog.getByTestId("battery-confirm").click();
  await page.waitForURL(/\/sessions\/[^/]+$/);
  const passSession = page.url().split("/").at(-1);
  await expect.poll(() => terminalText(page)).toContain("▸ write_working_memory");
  await expect.poll(() => terminalText(page)).toContain("▸ add_opportunity");
  await expect.poll(() => terminalText(page)).toContain("Battery change done");
  await expect.poll(async () => (await maintenanceStatus(api)).runs[0]?.status).toBe("completed");
  const { runs, status } = await maintenanceStatus(api);
  expect(runs[0]?.sessionId).toBe(passSession);
  expect(runs[0]?.results.workingMemoryVersion).toBe(1);
  expect(status.sessionsSinceLastPass).toBe(0);

  await page.goto(`${env.app.url}/opportunities`);
  await expect(page.getByTestId("maintenance-banner")).toHaveCount(0);
  const card = page
    .getByTestId("column-todo")
    .getByTestId("opportunity-card")
    .filter({ hasText: CARD_TITLE });
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId("opportunity-impact")).toContainText("M");
  await expect(card.getByTestId("evidence-link")).toHaveAttribute("href", "/tools?name=run_command");
  const run = page.getByTestId("maintenance-run").first();
  await expect(run.getByTestId("run-status")).toHaveText("completed");
  // it added a card but acted on no small item: not good news in green
  await expect(run.getByTestId("run-status")).toHaveAttribute("data-tone", "warn");
  await expect(run.getByTestId("run-warning")).toContainText("Acted on 0 small items");
  await expect(run.getByTestId("run-working-memory")).toContainText("v1");
  await expect(page.getByTestId("working-memory-version")).toHaveText("v1");
  await expect(page.getByTestId("working-memory-content")).toContainText(`Use pnpm, not npm (${RUN}).`);

  await openSession(page, env, "after the battery change");
  await send(page, `what do you remember ${RUN}`);
  await expect.poll(() => terminalText(page)).toContain(`Echo: what do you remember ${RUN}`);
  const request = env.llm.requests.find((r) => r.lastUserText === `what do you remember ${RUN}`);
  const system = systemOf(request as FakeRequest);
  expect(system).toContain("## Working memory (v1, from your last battery change)");
  expect(system).toContain(`Use pnpm, not npm (${RUN}).`);
});

test("the board moves cards by keyboard and asks why when one is dropped; import, export and the memory editor work", async ({
  authed: page,
  env,
  api,
}) => {
  await page.goto(`${env.app.url}/opportunities`);
  const board = page.getByTestId("opportunity-board");
  const card = board.getByTestId("opportunity-card").filter({ hasText: CARD_TITLE });
  await card.focus();
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.getByTestId("column-in_progress").getByTestId("opportunity-card")).toContainText(
    CARD_TITLE,
  );
  await expect(card).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(card.getByTestId("opportunity-details")).toContainText("cat failed twice in one session.");
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.getByTestId("column-done").getByTestId("opportunity-card")).toContainText(CARD_TITLE);
  await expect(card).toBeFocused();
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.getByTestId("drop-dialog")).toBeVisible();
  await page.getByTestId("drop-confirm").click();
  await expect(page.getByTestId("dialog-error")).toBeVisible();
  await page.getByTestId("drop-reason").fill("Covered by the working memory note");
  await page.getByTestId("drop-confirm").click();
  await expect(page.getByTestId("column-dropped").getByTestId("opportunity-card")).toContainText(CARD_TITLE);
  await expect
    .poll(async () => {
      const { opportunities } = (await (await api.get("/api/opportunities")).json()) as {
        opportunities: Array<{ title: string; status: string; dropReason: string | null }>;
      };
      return opportunities.find((o) => o.title === CARD_TITLE);
    })
    .toMatchObject({ status: "dropped", dropReason: "Covered by the working memory note" });

  // Add by hand, then import: the same title updates, a new one is created.
  await page.getByTestId("add-opportunity").click();
  await page.getByTestId("opportunity-title").fill(`Cache installs ${RUN}`);
  await page.getByTestId("opportunity-what").fill("Keep the pnpm store between sessions.");
  await page.getByTestId("opportunity-impact").getByText("High").click();
  await page.getByTestId("opportunity-save").click();
  const added = page
    .getByTestId("column-todo")
    .getByTestId("opportunity-card")
    .filter({ hasText: `Cache installs ${RUN}` });
  await expect(added.getByTestId("opportunity-impact")).toContainText("H");

  await page.getByTestId("import-opportunities").click();
  await page
    .getByTestId("import-markdown")
    .fill(
      `# Opportunities\n\n### Cache installs ${RUN}\n- Status: in progress\n- Impact: H\n- Effort: S\n\n### Imported card ${RUN}\n- Status: todo\n- Impact: L\n- Effort: M\n- What: came from git\n`,
    );
  await page.getByTestId("import-submit").click();
  await expect(page.getByTestId("import-preview-counts")).toContainText("1 to create");
  await expect(page.getByTestId("import-preview-counts")).toContainText("1 to update");
  await page.getByTestId("import-confirm").click();
  await expect(page.getByTestId("import-result")).toContainText("1 created");
  await expect(page.getByTestId("import-result")).toContainText("1 updated");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("column-in_progress").getByTestId("opportunity-card")).toContainText(
    `Cache installs ${RUN}`,
  );
  await expect(page.getByTestId("column-todo").getByTestId("opportunity-card")).toContainText(
    `Imported card ${RUN}`,
  );

  // Drag and drop: the imported card onto Done.
  const imported = page.getByTestId("opportunity-card").filter({ hasText: `Imported card ${RUN}` });
  await imported.dragTo(page.getByTestId("column-done"));
  await expect(page.getByTestId("column-done").getByTestId("opportunity-card")).toContainText(
    `Imported card ${RUN}`,
  );
  await expect
    .poll(async () => {
      const { opportunities } = (await (await api.get("/api/opportunities")).json()) as {
        opportunities: Array<{ title: string; status: string; what: string }>;
      };
      return opportunities.find((o) => o.title === `Imported card ${RUN}`);
    })
    .toMatchObject({ status: "done", what: "came from git" });

  const download = page.waitForEvent("download");
  await page.getByTestId("export-opportunities").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("OPPORTUNITIES.md");

  // A person edits the working memory: a broken draft is refused with the rule, a good one saved.
  await page.getByTestId("working-memory-edit").click();
  await page.getByTestId("working-memory-editor").fill("## Preferences\n- only one section");
  await page.getByTestId("working-memory-save").click();
  await expect(page.getByTestId("working-memory-error")).toContainText("missing Pitfalls");
  await page.getByTestId("working-memory-editor").fill(MEMORY.replace("none yet", `edited by hand ${RUN}`));
  await page.getByTestId("working-memory-save").click();
  await expect(page.getByTestId("working-memory-version")).toHaveText("v2");
  await expect(page.getByTestId("working-memory-versions").getByRole("button")).toHaveCount(2);
});
