import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { E2E } from "./support/constants";
import { expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * Agent-written tools end to end, with the scripted model: propose and use a tool in one turn,
 * approve it in the browser, use it from a new session, reject another with a reason.
 * The scripted model reads directives from the user's message (e2e/support/fake-llm.ts):
 * `[[tool: name {json}]]` calls a tool; after the last call it answers "Ran it. Output: …".
 */

// Unique per run, so leftovers from another spec or run can never collide.
const RUN = Date.now().toString(36);
const COUNT = `count_words_${RUN}`;
const SHOUT = `shout_${RUN}`;

const COUNT_SOURCE = `export const description = "Counts the words in a piece of text.";
export const schema = {
  type: "object",
  properties: { text: { type: "string", description: "The text to count", maxLength: 100000 } },
  required: ["text"],
  additionalProperties: false,
};
export const capabilities = { filesystem: "none" };
export const examples = [
  { args: { text: "one two three" }, expect: { result: "3 words" } },
  { args: { text: "   " }, expect: { result: "0 words" } },
];
export async function run({ text }) {
  const words = text.split(/\\s+/).filter(Boolean).length;
  return { ok: true, result: words + " words" };
}
`;

const SHOUT_SOURCE = `export const description = "Upper-cases text.";
export const schema = {
  type: "object",
  properties: { text: { type: "string", description: "The text to shout" } },
  required: ["text"],
  additionalProperties: false,
};
export const examples = [{ args: { text: "hi" }, expect: { result: "HI" } }];
export async function run({ text }) {
  return { ok: true, result: text.toUpperCase() };
}
`;

function proposeDirective(name: string, source: string, reason: string): string {
  const args = JSON.stringify({ name, source, reason });
  // The directive ends at the first "]]"; a source containing it would cut the JSON short.
  if (args.includes("]]")) throw new Error("tool source must not contain ]]");
  return `[[tool: propose_tool ${args}]]`;
}

test.describe.configure({ mode: "serial" });

let proposingSession = "";

/** Everything git sees in the repository the app runs from (the test's own results are ignored). */
function repoState(): string {
  return execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" });
}
const shippedTools = () => readdirSync("tools").sort();
let repoBefore = "";
let toolsBefore: string[] = [];

test.beforeAll(() => {
  repoBefore = repoState();
  toolsBefore = shippedTools();
});

test("the model proposes a tool and calls it in the same turn", async ({ authed: page }) => {
  proposingSession = await newSession(page, "propose a tool");
  await send(
    page,
    `${proposeDirective(COUNT, COUNT_SOURCE, "I keep counting words with wc by hand")} ` +
      `[[tool: ${COUNT} {"text":"the quick brown fox"}]]`,
  );
  await expect.poll(() => terminalText(page)).toContain("Ran it. Output: 4 words");
  const text = await terminalText(page);
  expect(text).toContain("▸ propose_tool");
  expect(text).toContain(`✓ ${COUNT} v1 staged · callable now (trial)`);
  expect(text).toContain(`▸ ${COUNT}  the quick brown fox`);
  expect(text).toMatch(/✓ ok · \d+ms/);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
});

test("the Tools page shows the proposal; approving it is shown live in the proposing session", async ({
  authed: page,
  context,
}) => {
  const watcher = await context.newPage();
  await watcher.goto(`/sessions/${proposingSession}`);
  await expect.poll(() => terminalText(watcher)).toContain("Ran it. Output: 4 words");

  await page.goto("/tools");
  const pending = page.getByTestId("pending-section");
  const row = pending.getByTestId(`tool-row-${COUNT}`);
  await expect(row).toContainText("proposed");
  await expect(row).toContainText("Counts the words in a piece of text.");
  await expect(page.getByTestId("pending-section-count")).not.toHaveText("0");
  await row.click();
  await expect(page).toHaveURL(`/tools?name=${COUNT}`);

  await expect(page.getByTestId("tool-status")).toHaveText("proposed");
  await expect(page.getByTestId("tool-source")).toContainText("Counts the words in a piece of text.");
  await expect(page.getByTestId("tool-diff")).toHaveCount(0); // v1 has no parent
  const report = page.getByTestId("validation-report");
  await expect(report.getByTestId("validation-verdict")).toHaveText("passed");
  await expect(report.getByTestId("check-examples")).toHaveAttribute("data-status", "pass");
  await expect(report.getByTestId("example-0")).toHaveAttribute("data-pass", "true");
  await expect(report.getByTestId("example-0")).toContainText('"3 words"');
  await expect(page.getByTestId("tool-reason")).toHaveText("I keep counting words with wc by hand");
  await expect(page.getByTestId("proposing-session-link")).toHaveAttribute(
    "href",
    `/sessions/${proposingSession}`,
  );
  // Its trial call from the proposing session, with telemetry.
  await expect(page.getByTestId("tool-call-row")).toHaveCount(1);
  await expect(page.getByTestId("tool-call-row")).toContainText("the quick brown fox");

  await expect(page.getByTestId("approve-button")).toBeEnabled();
  await page.getByTestId("approve-button").click();
  await expect(page.getByTestId("tool-status")).toHaveText("active");
  await expect(page.getByTestId("action-notice")).toContainText(`Approved ${COUNT} v1`);
  await expect(page.getByTestId("approve-button")).toHaveCount(0);
  await expect(page.getByTestId("toolbox-section").getByTestId(`tool-row-${COUNT}`)).toContainText("active");

  // The session that proposed it hears the decision without a reload.
  await expect.poll(() => terminalText(watcher)).toContain(`✓ ${COUNT} v1 approved by owner`);
});

test("approving writes the tool to <data dir>/tools: nothing in the app's repository changes, and its lint still passes", () => {
  expect(readFileSync(path.join(E2E.toolsDir, `${COUNT}.mjs`), "utf8")).toBe(COUNT_SOURCE);
  expect(existsSync(path.join("tools", `${COUNT}.mjs`))).toBe(false);
  expect(shippedTools()).toEqual(toolsBefore);
  expect(repoState()).toBe(repoBefore);
  // biome exits non-zero on any problem in the folder it checks
  execFileSync("node_modules/.bin/biome", ["check", "tools/"], { encoding: "utf8" });
});

test("a new session calls the approved tool", async ({ authed: page }) => {
  await newSession(page, "use the approved tool");
  await send(page, `[[tool: ${COUNT} {"text":"alpha beta gamma delta epsilon"}]]`);
  // The call only works if the tool was offered to the model in this new session.
  await expect.poll(() => terminalText(page)).toContain("Ran it. Output: 5 words");
  const text = await terminalText(page);
  expect(text).toContain(`▸ ${COUNT}  alpha beta gamma delta epsilon`);
  expect(text).toMatch(/✓ ok · \d+ms/);
});

test("retiring asks first, API errors are shown plainly, and an earlier version rolls back", async ({
  authed: page,
}) => {
  await page.goto(`/tools?name=${COUNT}`);
  await expect(page.getByTestId("tool-status")).toHaveText("active");

  // The confirmation is keyboard-friendly: it takes focus, and Escape gives it back.
  await page.getByTestId("retire-button").click();
  await expect(page.getByTestId("retire-confirm")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("retire-button")).toBeFocused();

  // A refusal from the API is shown as the API said it.
  await page.route(`**/api/tools/${COUNT}/retire`, (route) =>
    route.fulfill({
      status: 409,
      json: { error: { code: "conflict", message: "simulated: the tool changed meanwhile" } },
    }),
  );
  await page.getByTestId("retire-button").click();
  await page.getByTestId("retire-confirm").click();
  await expect(page.getByTestId("action-error")).toContainText("simulated: the tool changed meanwhile");
  await expect(page.getByTestId("action-error")).toContainText("conflict");
  await page.unroute(`**/api/tools/${COUNT}/retire`);

  await page.getByTestId("retire-confirm").click();
  await expect(page.getByTestId("tool-status")).toHaveText("retired");
  await expect(page.getByTestId("action-error")).toHaveCount(0);
  await page.getByTestId("rollback-button-1").click();
  await expect(page.getByTestId("tool-status")).toHaveText("active");
  await expect(page.getByTestId("action-notice")).toContainText(`Rolled back ${COUNT} to v1`);
  // retired and rolled back: the file came and went in the tools folder, never in the app
  expect(readFileSync(path.join(E2E.toolsDir, `${COUNT}.mjs`), "utf8")).toBe(COUNT_SOURCE);
  expect(repoState()).toBe(repoBefore);
});

test("rejecting a proposal with a reason records a correction the agent learns from", async ({
  authed: page,
}) => {
  const session = await newSession(page, "another proposal");
  await send(page, `${proposeDirective(SHOUT, SHOUT_SOURCE, "shouting is handy")} [[text: Proposed it.]]`);
  await expect.poll(() => terminalText(page)).toContain(`✓ ${SHOUT} v1 staged`);

  await page.goto("/tools");
  await page.getByTestId("pending-section").getByTestId(`tool-row-${SHOUT}`).click();
  await expect(page.getByTestId("tool-status")).toHaveText("proposed");

  const reason = `Too trivial (${RUN}): run_command with tr already does this`;
  await page.getByTestId("reject-button").click();
  await expect(page.getByTestId("reject-reason")).toBeFocused();
  await page.getByTestId("reject-reason").fill("no");
  await expect(page.getByTestId("reject-confirm")).toBeDisabled();
  await page.getByTestId("reject-reason").fill(reason);
  await page.getByTestId("reject-confirm").click();
  await expect(page.getByTestId("tool-status")).toHaveText("rejected");
  await expect(page.getByTestId("tool-decision")).toContainText(reason);
  await expect(page.getByTestId("approve-button")).toHaveCount(0);

  const response = await page.request.get("/api/learning-events");
  expect(response.status()).toBe(200);
  const { learningEvents } = (await response.json()) as {
    learningEvents: Array<{ type: string; source: string; description: string; sessionId: string | null }>;
  };
  expect(learningEvents).toContainEqual(
    expect.objectContaining({
      type: "correction",
      source: "user",
      sessionId: session,
      description: expect.stringContaining(reason),
    }),
  );

  await page.goto(`/sessions/${session}`);
  await expect.poll(() => terminalText(page)).toContain(`✗ ${SHOUT} v1 rejected by owner`);
});
