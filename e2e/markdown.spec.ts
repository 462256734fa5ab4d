import type { Page } from "@playwright/test";
import { expect, newSession, send, terminalText, test } from "./support/fixtures";

const ANSWER = [
  "# Fixed the flaky test",
  "",
  "It now waits for **ready** with `waitFor`; see [the docs](https://example.com/guide).",
  "",
  "- first change",
  "- second change",
  "",
  "```ts",
  "const ok = true;",
  "```",
  '<img src="/x" onerror="alert(1)"> stays text',
].join("\n");

/** Whether the first cell of `needle`, on the last row it appears on (the answer, below the echo), is bold. */
function boldAt(page: Page, needle: string): Promise<boolean | null> {
  return page.evaluate((text) => {
    const buffer = window.__ratchetTerm?.buffer.active;
    if (!buffer) return null;
    for (let i = buffer.length - 1; i >= 0; i--) {
      const line = buffer.getLine(i);
      const at = line?.translateToString(true).indexOf(text) ?? -1;
      if (line && at >= 0) return line.getCell(at)?.isBold() !== 0;
    }
    return null;
  }, needle);
}

test("the model's Markdown answer reads as text with styles in the terminal and as HTML in Messages", async ({
  authed: page,
}) => {
  await newSession(page, "markdown");
  await send(page, `[[text: ${ANSWER}]]`);
  // the user's message is echoed as typed: wait for what only the rendered answer shows
  await expect.poll(() => terminalText(page)).toContain("• second change");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  // the marks are gone, what they meant is shown, and every row of it stays behind the gutter
  const shown = [
    "  Fixed the flaky test",
    "  It now waits for ready with waitFor; see the docs (https://example.com/guide).",
    "  • first change",
    "  • second change",
    "  ╭─ ts",
    "  │ const ok = true;",
    "  ╰─",
  ];
  // polled, not read once: the terminal may be writing the transcript again (a stream reconnect)
  await expect
    .poll(async () => {
      const rows = (await terminalText(page)).split("\n");
      return shown.filter((row) => !rows.includes(row));
    })
    .toEqual([]);
  const rows = (await terminalText(page)).split("\n");
  // the answer starts at its heading (the user's message above it is echoed as typed)
  const answer = rows.slice(rows.indexOf("  Fixed the flaky test"));
  expect(
    answer.some((row) => row.includes("**") || row.includes("`") || row.includes("](")),
    answer.join("\n"),
  ).toBe(false);
  expect(await boldAt(page, "Fixed the flaky test")).toBe(true);
  expect(await boldAt(page, "ready with")).toBe(true);
  expect(await boldAt(page, "It now")).toBe(false);

  const toggle = page.getByTestId("session-panel-toggle");
  if ((await toggle.getAttribute("aria-expanded")) === "false") await toggle.click();
  const message = page.locator('[data-testid="session-message"][data-role="assistant"]').last();
  await expect(message.getByRole("heading", { name: "Fixed the flaky test" })).toBeVisible();
  await expect(message.locator("strong")).toHaveText("ready");
  await expect(message.locator("code").first()).toHaveText("waitFor");
  await expect(message.getByRole("link", { name: "the docs" })).toHaveAttribute(
    "href",
    "https://example.com/guide",
  );
  await expect(message.locator("li")).toHaveText(["first change", "second change"]);
  // raw HTML from the model is shown as text, never made into an element
  await expect(message.locator("img")).toHaveCount(0);
  await expect(message).toContainText('<img src="/x"');
});
