import { execFileSync } from "node:child_process";
import { E2E } from "./support/constants";
import { colorOf, expect, newSession, send, terminalText, test } from "./support/fixtures";

function processesMatching(pattern: string): string[] {
  try {
    return execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

test("a turn that runs a command shows the call, its colored output and the answer", async ({
  authed: page,
}) => {
  await newSession(page, "colors");
  await send(page, "[[cmd: printf '\\033[31mRED-ALERT\\033[0m plain\\n']]");
  await expect.poll(() => terminalText(page)).toContain("▸ run_command");
  await expect.poll(() => terminalText(page)).toContain("Ran it. Output:");
  const text = await terminalText(page);
  expect(text).toContain("❯ [[cmd: printf");
  expect(text).toContain("RED-ALERT plain");
  expect(await colorOf(page, "RED-ALERT")).toEqual({ mode: "palette", color: 1 });
  await expect(page.getByTestId("session-status")).toHaveText("idle");
});

test("reloading mid-turn shows the same transcript a live viewer saw", async ({ authed: page, context }) => {
  const id = await newSession(page, "reload");
  const watcher = await context.newPage();
  await watcher.goto(`/sessions/${id}`);
  await send(page, "[[slow: 40]] [[text: one two three four five six seven eight nine ten]]");
  await expect.poll(() => terminalText(page)).toContain("one");
  await page.reload();
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expect(watcher.getByTestId("session-status")).toHaveText("idle");
  const [reloaded, live] = [await terminalText(page), await terminalText(watcher)];
  expect(reloaded).toContain("one two three four five six seven eight nine ten");
  expect(reloaded).toBe(live);
});

test("Stop kills a runaway command and its process group", async ({ authed: page }) => {
  // a duration no other test (or other work on this machine) uses, so the process table check is ours
  const seconds = 600 + Math.floor(Math.random() * 9000);
  await newSession(page, "cancel");
  await send(page, `[[cmd: sleep ${seconds}]]`);
  await expect.poll(() => terminalText(page)).toContain(`▸ run_command  sleep ${seconds}`);
  await expect.poll(() => processesMatching(`^sleep ${seconds}$`).length).toBe(1);
  await page.getByTestId("stop-button").click();
  await expect.poll(() => terminalText(page)).toContain("■ stopped");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  expect(processesMatching(`^sleep ${seconds}$`)).toEqual([]);
});

test("a 429 from the model is retried and the turn completes", async ({ authed: page }) => {
  await newSession(page, "retry");
  await send(page, "[[fail: 429x1]] hello after a rate limit");
  await expect.poll(() => terminalText(page)).toContain("↻");
  await expect.poll(() => terminalText(page)).toContain("Echo: hello after a rate limit");
});

test("a model error is shown in red and the session stays usable", async ({ authed: page }) => {
  await newSession(page, "errors");
  await send(page, "[[fail: 401]] nope");
  await expect.poll(() => terminalText(page)).toContain("rejected the API key");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await send(page, "still here");
  await expect.poll(() => terminalText(page)).toContain("Echo: still here");
});

test("a second message while a turn runs is refused with a clear message", async ({ authed: page }) => {
  const id = await newSession(page, "busy");
  await send(page, "[[cmd: sleep 30]]");
  await expect.poll(() => terminalText(page)).toContain("▸ run_command  sleep 30");
  const response = await page.request.post(`/api/sessions/${id}/messages`, {
    data: { text: "again" },
    headers: { origin: E2E.baseUrl },
  });
  expect(response.status()).toBe(409);
  await page.getByTestId("stop-button").click();
  await expect(page.getByTestId("session-status")).toHaveText("idle");
});
