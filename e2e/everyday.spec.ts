import type { Page } from "@playwright/test";
import { expect, newSession, send, terminalText, test } from "./support/fixtures";

/** The messages panel beside the transcript, opened. */
async function messagesPanel(page: Page) {
  const toggle = page.getByTestId("session-panel-toggle");
  if ((await toggle.getAttribute("aria-expanded")) === "false") await toggle.click();
  return page.getByTestId("session-panel");
}

const userMessages = (page: Page) => page.locator('[data-testid="session-message"][data-role="user"]');

test("edit and resend replaces the last message and its answer", async ({ authed: page }) => {
  await newSession(page, "edit");
  await send(page, "first question");
  await expect.poll(() => terminalText(page)).toContain("Echo: first question");
  await send(page, "second question with a typo");
  await expect.poll(() => terminalText(page)).toContain("Echo: second question with a typo");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  const panel = await messagesPanel(page);
  await expect(userMessages(page)).toHaveCount(2);
  // only the last message sent can be edited
  await expect(userMessages(page).first().getByTestId("edit-message")).toHaveCount(0);
  await userMessages(page).last().getByTestId("edit-message").click();
  await expect(page.getByTestId("composer")).toHaveValue("second question with a typo");
  await expect(page.getByTestId("composer-editing")).toBeVisible();
  await page.getByTestId("composer").fill("second question, fixed");
  await page.getByTestId("send-button").click();
  await expect.poll(() => terminalText(page)).toContain("Echo: second question, fixed");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expect(userMessages(page)).toHaveText([/first question/, /second question, fixed/]);
  await expect(panel.getByText("Echo: second question with a typo")).toHaveCount(0);
});

test("a turn that failed at the model can be retried", async ({ authed: page }) => {
  await newSession(page, "retry after error");
  await send(page, "[[fail: 400x1]] please build it");
  const retry = page.getByTestId("retry-button");
  await expect(retry).toBeVisible();
  await retry.click();
  await expect.poll(() => terminalText(page)).toContain("Echo: please build it");
  await expect(retry).toHaveCount(0);
  await messagesPanel(page);
  await expect(userMessages(page)).toHaveCount(1);
});

test("fork from a message opens a new session with the history up to it", async ({ authed: page }) => {
  const original = await newSession(page, "to fork");
  await send(page, "alpha");
  await expect.poll(() => terminalText(page)).toContain("Echo: alpha");
  await send(page, "beta");
  await expect.poll(() => terminalText(page)).toContain("Echo: beta");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await messagesPanel(page);
  await page
    .locator('[data-testid="session-message"][data-role="assistant"]')
    .filter({ hasText: "Echo: alpha" })
    .getByTestId("fork-message")
    .click();
  await page.waitForURL((url) => /\/sessions\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(original));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("to fork (fork)");
  await expect(page.getByTestId("session-forked-from")).toHaveAttribute("href", `/sessions/${original}`);
  await messagesPanel(page);
  await expect(page.getByTestId("session-message")).toHaveText([/alpha/, /Echo: alpha/]);
  await send(page, "gamma");
  await expect.poll(() => terminalText(page)).toContain("Echo: gamma");
  // the original is as it was
  await page.goto(`/sessions/${original}`);
  await messagesPanel(page);
  await expect(page.getByTestId("session-message")).toHaveCount(4);
});

test("an ended session shows no live badge and can be resumed", async ({ authed: page }) => {
  await newSession(page, "resume me");
  await send(page, "before the end");
  await expect.poll(() => terminalText(page)).toContain("Echo: before the end");
  await expect(page.getByRole("status").filter({ hasText: /^live$/ })).toBeVisible();
  await page.getByTestId("end-session-button").click();
  await page.getByTestId("end-session-confirm").click();
  await expect(page.getByTestId("session-status")).toHaveText("ended");
  await expect(page.getByRole("status").filter({ hasText: /^live$/ })).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("session-status")).toHaveText("ended");
  await expect(page.getByRole("status").filter({ hasText: /live|connecting|reconnecting/ })).toHaveCount(0);

  await page.getByTestId("resume-button").click();
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await send(page, "after resuming");
  await expect.poll(() => terminalText(page)).toContain("Echo: after resuming");
});

test("sessions can be searched, archived, shown again and deleted (after a confirmation), with their cost", async ({
  authed: page,
}) => {
  const tag = `daily-${Date.now()}`;
  const id = await newSession(page, `${tag} keeper`);
  await send(page, "cost something");
  await expect.poll(() => terminalText(page)).toContain("Echo: cost something");
  const other = await newSession(page, `${tag} other`);
  await page.goto("/sessions");

  await page.getByTestId("sessions-search").fill(tag);
  const rows = page.getByTestId("session-item");
  await expect(rows).toHaveCount(2);
  await page.getByTestId("sessions-search").fill(`${tag} keeper`);
  await expect(rows).toHaveCount(1);
  const detail = (await (await page.request.get(`/api/sessions/${id}`)).json()) as { costUsd: number };
  await expect(rows.first().getByTestId("session-row-cost")).toHaveText(`$${detail.costUsd.toFixed(4)}`);

  await page.getByTestId("sessions-search").fill(tag);
  const keeper = page.locator(`[data-testid="session-item"][data-session-id="${id}"]`);
  await keeper.getByTestId("session-archive").click();
  await expect(rows).toHaveCount(1);
  await expect(keeper).toHaveCount(0);
  await page.getByTestId("sessions-show-archived").check();
  await expect(rows).toHaveCount(1);
  await keeper.getByTestId("session-unarchive").click();
  await expect(rows).toHaveCount(0);
  await page.getByTestId("sessions-show-archived").uncheck();
  await expect(rows).toHaveCount(2);

  const doomed = page.locator(`[data-testid="session-item"][data-session-id="${other}"]`);
  await doomed.getByTestId("session-delete").click();
  await expect(doomed.getByTestId("session-delete-confirm")).toBeVisible();
  expect((await page.request.get(`/api/sessions/${other}`)).status()).toBe(200);
  await doomed.getByTestId("session-delete-confirm").click();
  await expect(doomed).toHaveCount(0);
  expect((await page.request.get(`/api/sessions/${other}`)).status()).toBe(404);
  await expect(rows).toHaveCount(1);
});
