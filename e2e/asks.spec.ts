import type { Page } from "@playwright/test";
import { bearer, expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * Permission asks (issue 18): an *ask* rule pauses the call until a person answers in the session
 * page; the scripted model echoes the tool's result, so what the model read is on screen. The
 * commands compute a marker (`$((1+1))`) that the typed message does not contain, so seeing it
 * proves the command ran.
 */

const askCard = (page: Page) => page.getByTestId("ask");

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The model's last answer in the session, as stored: the scripted model echoes the tool result it read. */
async function lastAnswer(page: Page, id: string): Promise<string> {
  const response = await page.request.get(`/api/sessions/${id}`, { headers: bearer });
  const { messages } = (await response.json()) as {
    messages: Array<{ role: string; parts: Array<{ type: string; text?: string }> }>;
  };
  const assistant = messages.filter((m) => m.role === "assistant").at(-1);
  return (assistant?.parts ?? []).map((p) => (p.type === "text" ? (p.text ?? "") : "")).join("");
}

async function setPermissions(page: Page, change: Record<string, unknown>): Promise<void> {
  const current = await page.request.get("/api/settings/permissions", { headers: bearer });
  const { settings } = (await current.json()) as { settings: Record<string, unknown> };
  const saved = await page.request.put("/api/settings/permissions", {
    headers: bearer,
    data: { ...settings, ...change },
  });
  expect(saved.status()).toBe(200);
}

test("an ask rule pauses a git push until a person allows it; then the command runs", async ({
  authed: page,
}) => {
  await newSession(page, "ask allow");
  await send(page, "[[cmd: git push origin main; echo pushed-$((1+1))]]");
  await expect(askCard(page)).toBeVisible();
  await expect(page.getByTestId("ask-call")).toHaveText("git push origin main; echo pushed-$((1+1))");
  await expect(askCard(page)).toContainText("run_command: git push");
  await expect.poll(() => terminalText(page)).toContain("? waiting for permission (run_command: git push)");
  // paused: the command has not run and the turn is still going
  await expect(page.getByTestId("session-status")).toHaveText("running");
  expect(await terminalText(page)).not.toContain("pushed-2");

  await askCard(page).getByRole("button", { name: "Allow once" }).click();
  await expect.poll(() => terminalText(page)).toContain("pushed-2");
  await expect(askCard(page)).toHaveCount(0);
  expect(await terminalText(page)).toContain("✓ allowed once by");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
});

test("a deny's reason reaches the model, and the command does not run", async ({ authed: page }) => {
  const id = await newSession(page, "ask deny");
  await send(page, "[[cmd: git push --force; echo forced-$((2+2))]]");
  await askCard(page).getByRole("button", { name: "Deny…" }).click();
  await askCard(page).getByLabel("Reason (the agent reads it)").fill("push to your fork, never force");
  await askCard(page).getByRole("button", { name: "Deny", exact: true }).click();
  // the scripted model answers with the tool result it was sent
  await expect.poll(() => terminalText(page)).toContain("Ran it. Output:");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  expect(await lastAnswer(page, id)).toMatch(
    /^Ran it\. Output: .*run_command did not run: \S+ denied it with this reason: \\?"push to your fork, never force\\?"\./,
  );
  const text = await terminalText(page);
  expect(text).toContain("✗ denied by");
  expect(text).not.toContain("forced-4");
  await expect(askCard(page)).toHaveCount(0);
});

test("an unanswered ask times out as a deny the model reads", async ({ authed: page }) => {
  await setPermissions(page, { askTimeoutSeconds: 2 });
  try {
    const id = await newSession(page, "ask timeout");
    await send(page, "[[cmd: npm publish; echo published-$((3+3))]]");
    await expect(askCard(page)).toBeVisible();
    await expect.poll(() => terminalText(page)).toContain("✗ nobody answered in time: denied");
    await expect.poll(() => terminalText(page)).toContain("Ran it. Output:");
    await expect(page.getByTestId("session-status")).toHaveText("idle");
    expect(await lastAnswer(page, id)).toContain("nobody answered within 2 seconds, which counts as a deny");
    expect(await terminalText(page)).not.toContain("published-6");
    await expect(askCard(page)).toHaveCount(0);
  } finally {
    await setPermissions(page, { askTimeoutSeconds: 600 });
  }
});

test("allow for this session is remembered: the next push in the session runs without asking", async ({
  authed: page,
}) => {
  await newSession(page, "ask session");
  await send(page, "[[cmd: git push; echo first-$((2+3))]]");
  await askCard(page).getByRole("button", { name: "Allow for this session" }).click();
  await expect.poll(() => terminalText(page)).toContain("first-5");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  await send(page, "[[cmd: git -C . push --tags; echo second-$((3+4))]]");
  await expect.poll(() => terminalText(page)).toContain("second-7");
  expect(count(await terminalText(page), "? waiting for permission")).toBe(1);

  // another session asks again
  await newSession(page, "ask session 2");
  await send(page, "[[cmd: git push; echo third-$((4+4))]]");
  await expect(askCard(page)).toBeVisible();
  await askCard(page).getByRole("button", { name: "Allow once" }).click();
  await expect.poll(() => terminalText(page)).toContain("third-8");
});

test("Stop ends a waiting ask as cancelled, and it can no longer be answered", async ({ authed: page }) => {
  const id = await newSession(page, "ask stop");
  await send(page, "[[cmd: git reset --hard; echo reset-$((5+5))]]");
  await expect(askCard(page)).toBeVisible();
  const pending = await page.request.get(`/api/sessions/${id}/asks`, { headers: bearer });
  const { asks } = (await pending.json()) as { asks: Array<{ id: string; rule: string }> };
  expect(asks.map((a) => a.rule)).toEqual(["run_command: git reset --hard"]);

  await page.getByTestId("stop-button").click();
  await expect.poll(() => terminalText(page)).toContain("■ permission ask cancelled");
  await expect.poll(() => terminalText(page)).toContain("■ stopped");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expect(askCard(page)).toHaveCount(0);
  expect(await terminalText(page)).not.toContain("reset-10");

  const late = await page.request.post(`/api/sessions/${id}/asks/${asks[0]?.id}`, {
    headers: bearer,
    data: { decision: "allow" },
  });
  expect(late.status()).toBe(409);
  expect(((await late.json()) as { error: { message: string } }).error.message).toContain("stopped");
});

test("Settings shows which default rules are on; a rule changed there applies to the next call", async ({
  authed: page,
}) => {
  await page.goto("/settings");
  const editor = page.getByTestId("settings-permissions");
  const pushChip = page.getByTestId("settings-permission-defaults").getByText("ask run_command: git push");
  await expect(pushChip).toHaveAttribute("data-on", "true");
  try {
    const rows = editor.getByTestId("settings-permission-rules").locator("tbody tr");
    const pushRow = rows.filter({ has: page.locator('input[value="git push"]') });
    await pushRow.getByRole("combobox").selectOption("deny");
    await page.getByTestId("settings-permissions-save").click();
    await expect(editor.getByText("✓ Saved")).toBeVisible();
    await expect(pushChip).toHaveAttribute("data-on", "false");
    const audit = await page.request.get("/api/audit", { headers: bearer });
    expect(JSON.stringify(await audit.json())).toContain("permissionRules.edit");

    const id = await newSession(page, "rule deny");
    await send(page, "[[cmd: git push; echo denied-$((6+6))]]");
    await expect
      .poll(() => lastAnswer(page, id))
      .toMatch(/the permission rule \\?"run_command: git push\\?" denies it/);
    expect(await terminalText(page)).not.toContain("denied-12");
    await expect(askCard(page)).toHaveCount(0);
  } finally {
    await page.goto("/settings");
    await page.getByRole("button", { name: "Reset to the defaults" }).click();
    await page.getByTestId("settings-permissions-save").click();
    await expect(pushChip).toHaveAttribute("data-on", "true");
  }
});

test("the Telemetry page counts asks per rule: allowed, denied, timed out, stopped", async ({
  authed: page,
}) => {
  await page.goto("/telemetry");
  const row = (rule: string) => page.getByTestId("asks-table").locator(`tr[data-rule="${rule}"]`);
  const cell = (rule: string, col: string) => row(rule).locator(`td[data-col="${col}"]`);
  // what the tests above answered (this spec's app server starts with an empty database)
  await expect(cell("run_command: npm publish", "asked")).toHaveText("1");
  await expect(cell("run_command: npm publish", "timedOut")).toHaveText("1");
  await expect(cell("run_command: git reset --hard", "cancelled")).toHaveText("1");
  await expect(cell("run_command: git push", "denied")).toHaveText("1");
  await expect(cell("run_command: git push", "allowedForSession")).toHaveText("1");
  await expect(cell("run_command: git push", "allowed")).toHaveText("3");
});
