import { expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * Notifications as a person gets them with the page in the background: the browser's Notification is
 * recorded (headless Chromium shows none), permission granted, the page hidden. The app's own code
 * decides what to show.
 */
test.beforeEach(async ({ authed: page }) => {
  await page.addInitScript(() => {
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { __notices: typeof shown }).__notices = shown;
    class Recorded {
      static permission = "granted";
      static requestPermission = async () => "granted";
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body ?? "" });
      }
    }
    Object.defineProperty(window, "Notification", { value: Recorded, configurable: true });
    Object.defineProperty(document, "visibilityState", { get: () => "hidden", configurable: true });
  });
});

const notices = (page: import("@playwright/test").Page) =>
  page.evaluate(() => (window as unknown as { __notices: { title: string; body: string }[] }).__notices);

test("a turn that ends while the page is in the background notifies once; reopening the page replays none", async ({
  authed: page,
}) => {
  await newSession(page, "notify-me");
  await send(page, "[[text: all done]]");
  await expect.poll(() => terminalText(page)).toContain("all done");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expect
    .poll(() => notices(page))
    .toEqual([{ title: "Ratchet: the agent finished", body: "notify-me" }]);
  // the same session opened again: its history is not news
  await page.reload();
  await expect.poll(() => terminalText(page)).toContain("all done");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  expect(await notices(page)).toEqual([]);
});
