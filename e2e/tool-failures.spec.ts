import { expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * A tool that passes its own examples and fails in real use, as a person meets it: why it failed
 * everywhere the failure is shown (the transcript, the friction line, the Tools page's calls, the
 * Telemetry drill-down). The scripted model reads `[[tool: name {json}]]` directives
 * (e2e/support/fake-llm.ts).
 */

const RUN = Date.now().toString(36);
const NAME = `count_chars_${RUN}`;

// its examples pass; any text with "!" in it throws, from line 5 of the tool's file
const SOURCE = `export const description = "Counts the characters of a text.";
export const schema = { type: "object", properties: { text: { type: "string" } }, required: ["text"], additionalProperties: false };
export const examples = [{ args: { text: "abc" }, expect: { result: 3 } }];
function parse(text) {
  if (text.includes("!")) throw new TypeError("cannot parse " + JSON.stringify(text));
  return text.length;
}
export async function run({ text }) { return { ok: true, result: parse(text) }; }
`;

const MESSAGE = 'TypeError: cannot parse "boom!"';
const FRAME = new RegExp(`at parse \\(${NAME}\\.mjs:5:\\d+\\)`);

test.describe.configure({ mode: "serial" });

test("the transcript and the friction line say why a tool failed, with the line of its own file", async ({
  authed: page,
}) => {
  await newSession(page, "a tool that throws");
  const propose = JSON.stringify({ name: NAME, source: SOURCE, reason: "counting by hand" });
  await send(page, `[[tool: propose_tool ${propose}]] [[tool: ${NAME} {"text":"boom!"}]]`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expect.poll(() => terminalText(page)).toContain(`✗ threw: ${MESSAGE}`);
  const lines = (await terminalText(page)).split("\n");
  const failed = lines.findIndex((l) => l.includes(`✗ threw: ${MESSAGE}`));
  expect(lines[failed + 1]).toMatch(FRAME);
  const friction = lines.find((l) => l.includes("⚡ friction:")) ?? "";
  expect(friction).toContain(`${NAME} failed as a tool: ${MESSAGE}`);
  expect(friction).not.toMatch(/failed as a tool: \{\}/);
  // the host's paths never show: only the tool's own file, by its name
  expect(lines.join("\n")).not.toMatch(/\/tmp\/|tool-host|node:internal/);
});

test("the Tools page's call history shows the error of a failed trial call", async ({ authed: page }) => {
  await page.goto(`/tools?name=${NAME}`);
  const row = page.getByTestId("tool-call-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("tool error");
  const error = row.getByTestId("tool-call-error");
  await expect(error).toContainText(MESSAGE);
  await expect(error).toContainText(FRAME);
});

test("the Telemetry drill-down shows the error of a failed call", async ({ authed: page }) => {
  await page.goto(`/telemetry?range=24h&tool=${NAME}`);
  const drill = page.getByTestId("drilldown");
  await expect(drill).toHaveAttribute("data-tool", NAME);
  const call = drill.getByTestId("drilldown-call").first();
  await expect(call).toHaveAttribute("data-failed", "true");
  await expect(call.getByTestId("drilldown-error")).toContainText(MESSAGE);
  await expect(call.getByTestId("drilldown-error")).toContainText(FRAME);
});

test("the approval card shows the trial calls beside validation, and approving a tool that failed in use asks first", async ({
  authed: page,
}) => {
  await page.goto(`/tools?name=${NAME}`);
  await expect(page.getByTestId("tool-status")).toHaveText("proposed");
  await expect(page.getByTestId("validation-verdict")).toHaveText("passed");
  const use = page.getByTestId("trial-use");
  await expect(use).toHaveAttribute("data-tone", "bad");
  await expect(use.getByTestId("trial-use-verdict")).toHaveText(
    "Failed in 1 of 1 trial call (0 % succeeded).",
  );
  await expect(use.getByTestId("trial-use-failure")).toHaveCount(1);
  await expect(use.getByTestId("trial-use-failure")).toContainText(MESSAGE);

  // not the green button: one press opens the warning, and nothing is approved yet
  const approve = page.getByTestId("approve-button");
  await expect(approve).toHaveAttribute("data-confirm", "true");
  await approve.click();
  const warning = page.getByTestId("approve-warning");
  await expect(warning).toContainText("Failed in 1 of 1 trial call");
  await expect(warning.getByTestId("approve-warning-error")).toContainText(MESSAGE);
  await expect(page.getByTestId("approve-cancel")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(warning).toHaveCount(0);
  await expect(page.getByTestId("tool-status")).toHaveText("proposed");
  const detail = await (await page.request.get(`/api/tools/${NAME}`)).json();
  expect(detail.versions[0]).toMatchObject({
    status: "proposed",
    use: { calls: 1, successes: 0, failures: 1 },
  });
});

test("the telemetry health table flags an agent-written tool that failed in its trial calls", async ({
  authed: page,
}) => {
  await page.goto("/telemetry?range=24h");
  const row = page.locator(`[data-testid="telemetry-row"][data-tool="${NAME}"]`);
  await expect(row.getByTestId("flag-failing")).toBeVisible();
  await expect(page.getByTestId("stat-flagged")).toContainText(NAME);
});

test("approving anyway, after the warning, activates it", async ({ authed: page }) => {
  await page.goto(`/tools?name=${NAME}`);
  await page.getByTestId("approve-button").click();
  await page.getByTestId("approve-anyway").click();
  await expect(page.getByTestId("tool-status")).toHaveText("active");
  await expect(page.getByTestId("action-notice")).toContainText(`Approved ${NAME} v1`);
});
