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
