import type { Page } from "@playwright/test";
import { expect, newSession, send, terminalText, test } from "./support/fixtures";

/** Where the transcript is scrolled to and what is selected in it. */
function viewport(page: Page) {
  return page.evaluate(() => {
    const term = window.__ratchetTerm;
    if (!term) return null;
    const buffer = term.buffer.active;
    return {
      top: buffer.viewportY,
      bottom: buffer.baseY,
      rows: term.rows,
      selection: term.getSelection(),
      selectionRow: term.getSelectionPosition()?.start.y ?? -1,
    };
  });
}

test("the timeline shows each step and tool call with its time, and a click jumps to it in the transcript", async ({
  authed: page,
}) => {
  await newSession(page, "waterfall");
  await send(page, "[[cmd: seq 1 400]] [[cmd: false]] [[text: waterfall-turn-done]]");
  await expect.poll(() => terminalText(page)).toContain("waterfall-turn-done");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  await page.getByTestId("waterfall-toggle").click();
  const turn = page.getByTestId("waterfall-turn");
  await expect(turn).toHaveCount(1);
  await expect(turn).toContainText("Turn 1");
  await expect(turn).toContainText("completed");
  await expect(turn).toContainText("2 tool calls (1 failed)");
  // one step per call plus the answer, each with a duration
  await expect(turn.getByTestId("waterfall-step")).toHaveCount(3);
  const tools = turn.getByTestId("waterfall-tool");
  await expect(tools).toHaveCount(2);
  await expect(tools.nth(0)).toHaveAttribute("data-ok", "true");
  await expect(tools.nth(0)).toContainText("seq 1 400");
  await expect(tools.nth(0)).toContainText(/\d+(\.\d+)? m?s$/);
  await expect(tools.nth(1)).toHaveAttribute("data-ok", "false");
  await expect(tools.nth(1)).toContainText("false");
  // bars sit on the turn's scale: the second call starts after the first one
  const [first, second] = [
    await tools.nth(0).getByTestId("waterfall-bar").boundingBox(),
    await tools.nth(1).getByTestId("waterfall-bar").boundingBox(),
  ];
  expect(first && second && second.x >= first.x + first.width - 1).toBe(true);

  // the transcript sits at its end, 400 lines below the first call
  const before = await viewport(page);
  expect(before && before.top === before.bottom && before.bottom > 300).toBe(true);

  await tools.nth(0).click();
  await expect
    .poll(async () => (await viewport(page))?.selection ?? "")
    .toContain("▸ run_command  seq 1 400");
  const after = await viewport(page);
  if (!after) throw new Error("no terminal");
  expect(after.top).toBeLessThan(after.bottom);
  expect(after.selectionRow).toBeGreaterThanOrEqual(after.top);
  expect(after.selectionRow).toBeLessThan(after.top + after.rows);

  await tools.nth(1).click();
  await expect.poll(async () => (await viewport(page))?.selection ?? "").toContain("▸ run_command  false");

  // the timeline stays open and is rebuilt the same from the replay after a reload
  await page.reload();
  await expect(page.getByTestId("waterfall-tool")).toHaveCount(2);
  await expect(page.getByTestId("waterfall-tool").nth(1)).toHaveAttribute("data-ok", "false");
  await page.getByTestId("waterfall-turn-jump").click();
  await expect.poll(async () => (await viewport(page))?.selection ?? "").toContain("[[cmd: seq 1 400]]");
});
